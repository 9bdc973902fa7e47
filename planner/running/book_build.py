"""Price books packed ahead of use: each cloud's validated tables with every candidate table the default sizing
policy derives from them, written as ``derived/<cloud>.pack`` beside the tables (the format of
:mod:`planner.pricing.packed`, keyed by :func:`planner.pricing.cache.content_key`).

The wheel build runs it over ``pricing_data`` (``setup.py``), and ``planner prices update`` over a refreshed
folder, so no run derives those tables at start-up and no install keeps a cache of its own for them.

    python -m planner.running.book_build PRICE_FOLDER [--clouds aws,gcp,azure]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from planner.clouds import catalog_for
from planner.plan.model import make_plan
from planner.pricing import cache
from planner.pricing.book import PriceBook, packed_path
from planner.pricing.loader import manifest_clouds
from planner.running.uncertainty.plans import make_uncertain_plan
from planner.running.uncertainty.ranges import uncertain_from_dict
from planner.workload.model import Workload

# Workloads whose plans reach every table the default policy derives: the example's load, and loads, targets
# and purchase options that reach the tables only some plans use (the largest vertical sizes, key-value stores,
# every commitment). tests/test_packed_book.py checks that no plan of the calibration workloads, nor of ten
# varied ones (CDN, queue, object lifecycle, spot, tight RTO/RPO), nor one with ranges derives anything more.
REACHING: tuple[dict[str, object], ...] = (
    {"peak_rps": 500},
    {"peak_rps": 5, "availability_target": 99.0},
    {"peak_rps": 300, "purchase_option": "spot_mix"},
    {"peak_rps": 20, "purchase_option": "savings_1yr"},
    {"peak_rps": 50_000, "purchase_option": "savings_3yr", "availability_target": 99.99},
    {"peak_rps": 1_000_000, "purchase_option": "optimise", "availability_target": 99.95, "data_model": "key_value"},
)


def derive_defaults(book: PriceBook, cloud: str) -> None:
    """Plan the :data:`REACHING` workloads on ``book``, and one with ranges (whose tornado re-plans the medians
    under each policy default halved and raised by half: tables of their own); the plans are dropped, what
    stays is what the book derived on the way."""
    region = catalog_for(cloud).default_region
    for fields in REACHING:
        make_plan(Workload(**{"cloud": cloud, "region": region, **fields}), book)
    ranged = uncertain_from_dict({"cloud": cloud, "region": region, "peak_rps": {"low": 300, "high": 900}})
    make_uncertain_plan(ranged, samples=100, seed=0, book=book)
    # every free allowance the cloud's catalog names (a queue's, a CDN's), whichever architecture bills it
    for service, item in catalog_for(cloud).allowances.values():
        book.allowance(cloud, service, item)


def build_packs(folder: Path, clouds: Sequence[str] | None = None, *, signed: bool = False,
                progress: Callable[[str], None] | None = None) -> list[Path]:
    """Pack each cloud's book of the price folder ``folder`` (every cloud of its manifest unless ``clouds``)
    into ``folder/derived``; the paths written. ``signed``: sealed with this account's cache key, as planner
    reads packs outside its package (a refreshed book's); the package's own are not."""
    if signed:
        cache.check_sealing()
    written = []
    for cloud in clouds or manifest_clouds(folder):
        if progress:
            progress(cloud)
        key = cache.content_key(folder, cloud)
        if key is None:
            raise FileNotFoundError(f"{folder} has no price manifest")
        book = PriceBook.load(folder, clouds=[cloud])
        derive_defaults(book, cloud)
        path = packed_path(folder, cloud)
        cache.write_packed(path, key, book.state(), signed=signed)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pack price books with their derived tables.")
    parser.add_argument("folder", type=Path, help="a price folder (its MANIFEST.csv and tables)")
    parser.add_argument("--clouds", default="", help="comma-separated clouds (default: every cloud of the folder)")
    args = parser.parse_args(argv)
    clouds = [c for c in args.clouds.split(",") if c] or None
    for path in build_packs(args.folder, clouds, progress=lambda c: print(f"packing {c}", file=sys.stderr)):
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
