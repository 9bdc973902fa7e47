"""The price books a run uses, one per cloud: a given book, or each cloud's bundled one with negotiated prices
laid over it where an overlay is given. Above both the book and the overlay, so neither imports the other."""

from __future__ import annotations

from planner.base.errors import unknown_name
from planner.pricing.book import PriceBook, bundled_clouds
from planner.pricing.overlay import overlaid_book


class Books:
    """The price book of each cloud a run needs: a given book for the clouds it holds, or each cloud's bundled
    book (:func:`default_book`), loaded when first asked for."""

    def __init__(self, book: PriceBook | None = None, overlay: object = None) -> None:
        self.book = book
        self.overlay = overlay  # negotiated prices laid over each bundled book (planner.pricing.overlay)
        self._loaded: dict[str, PriceBook] = {}

    def clouds(self) -> list[str]:
        return self.book.clouds() if self.book is not None else bundled_clouds()

    def __call__(self, cloud: str) -> PriceBook:
        if cloud not in self._loaded:
            if cloud not in self.clouds():
                raise unknown_name("cloud", cloud, self.clouds())
            if self.book is not None:
                self._loaded[cloud] = self.book
            else:
                self._loaded[cloud] = overlaid_book(cloud, self.overlay)  # type: ignore[assignment]
        return self._loaded[cloud]

    def loaded(self) -> list[PriceBook]:
        """The books asked for so far, each once."""
        return list({id(b): b for b in self._loaded.values()}.values())


def as_books(book: PriceBook | Books | None) -> Books:
    return book if isinstance(book, Books) else Books(book)
