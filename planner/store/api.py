"""Saving, listing, reading, deleting saved scenarios: a workload, the plan JSON made of it, the price book
it was priced with (manifest checksum, dates), tags, author and time.

A scenario is named by an id or a name (:func:`resolve`): ``id:N`` is always the id, ``name:X`` always the
name; a bare number is the scenario of that name when one has it, else the id, and refused as ambiguous when it
is both. Names are at most :data:`MAX_NAME` characters, refused (never cut) beyond. A row that cannot be read
(bad JSON, a bad timestamp) is reported by its id and skipped in listings; a database whose table or columns
are missing is one :class:`StoreError`, never a traceback."""

from __future__ import annotations

import getpass
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from planner.report.escaping import terminal_text
from planner.store.db import Store, StoreError, translated_errors

if TYPE_CHECKING:
    from planner.plan.model import Plan
    from planner.pricing.book import PriceBook
    from planner.workload.model import Workload


@dataclass(frozen=True)
class Saved:
    """A saved scenario as read back."""

    id: int
    name: str
    created_at: datetime
    author: str
    tags: tuple[str, ...]
    cloud: str
    region: str
    recommended: str
    monthly_usd: float | None
    prices_as_of: str
    prices_manifest_sha256: str
    workload: dict[str, Any]
    plan: dict[str, Any]


@dataclass(frozen=True)
class Damaged:
    """A saved row that cannot be read back, and why (the first field found bad)."""

    id: int
    name: str
    problem: str

    def __str__(self) -> str:  # the name as shown, never obeyed: this line goes to a terminal or a page
        return f"#{self.id} ({terminal_text(self.name)}) is damaged and was skipped: {self.problem}"


class DamagedRow(StoreError):
    """One saved row cannot be read; ``problem`` names the field."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


MAX_NAME = 120  # the name column's width
ID_PREFIX, NAME_PREFIX = "id:", "name:"
_DIGITS = re.compile(r"[0-9]{1,18}")  # an id SQL can hold (< 2**63); more digits cannot be one
_TEXT_COLUMNS = ("name", "author", "cloud", "region", "recommended", "prices_as_of", "prices_manifest_sha256")


def manifest_checksum(book: PriceBook) -> str:
    """One SHA-256 over the price book's tables (file name and checksum of each, in order)."""
    m = book.manifest.sort_values("file")
    text = "\n".join(f"{f} {s}" for f, s in zip(m.file, m.sha256))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save(store: Store, workload: Workload, plan: Plan, book: PriceBook, *, name: str | None = None,
         tags: Sequence[str] = (), author: str | None = None) -> Saved:
    """Store ``workload`` and its ``plan`` (priced with ``book``) in one transaction; return what was stored.
    A name longer than :data:`MAX_NAME` or starting with ``id:`` or ``name:`` is refused; a database that
    cannot take the row (disk full, damaged table) is a :class:`StoreError`."""
    from planner.store.models import SavedScenario

    label = check_name((name or workload.name).strip())
    tags = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    rec = plan.recommended
    plan_dict = plan.to_dict()
    row = SavedScenario(
        name=label, created_at=datetime.now(UTC), author=_author(author),
        tags=json.dumps(list(tags)), cloud=workload.cloud, region=workload.region,
        recommended=rec.name if rec else "", monthly_usd=float(rec.monthly_usd) if rec else None,
        workload_json=workload.model_dump_json(), plan_json=json.dumps(plan_dict),
        plan_schema_version=str(plan_dict.get("schema_version", "")), prices_manifest_sha256=manifest_checksum(book),
        prices_as_of=plan.prices_as_of)
    from sqlalchemy.orm import Session

    with translated_errors(store, f"save {label!r}"), Session(store.engine) as session, \
            session.begin():  # type: ignore[arg-type]
        session.add(row)
        session.flush()
        return _saved(row)


def check_name(name: str) -> str:
    """``name`` when it can name a saved scenario; a :class:`StoreError` saying why not."""
    if not name:
        raise StoreError("a saved scenario needs a name")
    if len(name) > MAX_NAME:
        raise StoreError(f"scenario names are at most {MAX_NAME} characters; this one has {len(name):,} "
                         f"(starting {name[:40]!r}): choose a shorter --name")
    if name.startswith((ID_PREFIX, NAME_PREFIX)):
        raise StoreError(f"a scenario name cannot start with {ID_PREFIX} or {NAME_PREFIX} (they say how an "
                         f"argument is read): {name[:40]!r}")
    return name


def read_saved(store: Store, *, tag: str | None = None, name: str | None = None
               ) -> tuple[list[Saved], list[Damaged]]:
    """Every saved scenario (newest first), or those with ``tag`` / ``name``, and the rows that cannot be read
    (each named by its id, never failing the others)."""
    from planner.store.models import SavedScenario

    query = _select()
    if name:
        query = query.where(SavedScenario.__table__.c.name == name)
    rows = _rows(store, query)
    good = [r for r in rows if isinstance(r, Saved) and (tag is None or tag in r.tags)]
    return good, [r for r in rows if isinstance(r, Damaged)]


def list_saved(store: Store, *, tag: str | None = None, name: str | None = None) -> list[Saved]:
    """Every readable saved scenario (newest first), or those with ``tag`` / ``name`` (:func:`read_saved`
    also returns the rows that cannot be read)."""
    return read_saved(store, tag=tag, name=name)[0]


def resolve(store: Store, ident: str | int) -> tuple[Literal["id", "name"], int | str]:
    """What ``ident`` names: ``("id", n)`` or ``("name", text)``. An int, or ``id:N``, is an id; ``name:X`` a
    name; a bare number is the name when a scenario has that name, else the id, and refused as ambiguous when it
    is both (say ``id:N`` or ``name:N``)."""
    if isinstance(ident, int):
        return "id", ident
    text = str(ident)
    if text.startswith(ID_PREFIX):
        number = text[len(ID_PREFIX):]
        if not _DIGITS.fullmatch(number):
            raise StoreError(f"{store.label}: {text[:60]!r} is not an id (id: then a number, e.g. id:12)")
        return "id", int(number)
    if text.startswith(NAME_PREFIX):
        return "name", text[len(NAME_PREFIX):]
    if not _DIGITS.fullmatch(text):
        return "name", text
    named, numbered = _exists(store, name=text), _exists(store, id_=int(text))
    if named and numbered:
        raise StoreError(f"{store.label}: {text!r} is both the id of #{text} and a name; say {ID_PREFIX}{text} "
                         f"or {NAME_PREFIX}{text}")
    return ("name", text) if named else ("id", int(text))


def get(store: Store, ident: str | int) -> Saved:
    """A saved scenario by id, or the newest of that name (:func:`resolve`); a :class:`StoreError` naming close
    names, or the row's damage, otherwise."""
    return _get(store, *resolve(store, ident))


def _get(store: Store, kind: Literal["id", "name"], key: int | str) -> Saved:
    from planner.store.models import SavedScenario

    table = SavedScenario.__table__
    if kind == "name":
        rows = _rows(store, _select().where(table.c.name == str(key)))
        if not rows:
            return find(store, str(key))
    else:
        rows = _rows(store, _select().where(table.c.id == int(key))) if _exists(store, id_=int(key)) else []
        if not rows:
            raise StoreError(f"{store.label}: no saved scenario with id {key}")
    if isinstance(rows[0], Damaged):  # the newest revision of a name is the one asked for, even when damaged
        raise StoreError(f"{store.label}: saved scenario #{rows[0].id} ({terminal_text(rows[0].name)}) is "
                         f"damaged: {rows[0].problem}")
    return rows[0]


def find(store: Store, name: str) -> Saved:
    """Raise the 'no such name' error with close matches (what :func:`get` raises for an unknown name)."""
    import difflib

    names = sorted({s.name for s in list_saved(store)})
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else (f"; saved: {', '.join(names[:10])}" if names else
                                                                 "; nothing is saved yet")
    raise StoreError(f"{store.label}: no saved scenario named {name!r}{hint}")


def delete(store: Store, ident: str | int) -> int:
    """Delete by id (that one) or by name (every revision of exactly that name), as :func:`resolve` reads
    ``ident``; return how many were deleted."""
    import sqlalchemy as sa

    from planner.store.models import SavedScenario

    kind, key = resolve(store, ident)
    # existence by the id column alone: a damaged row can still be deleted
    if kind == "name" and not _exists(store, name=str(key)):
        find(store, str(key))
    if kind == "id" and not _exists(store, id_=int(key)):
        raise StoreError(f"{store.label}: no saved scenario with id {key}")
    table = SavedScenario.__table__
    where = (table.c.id == int(key)) if kind == "id" else (table.c.name == str(key))
    with translated_errors(store, "delete"), store.engine.begin() as connection:  # type: ignore[attr-defined]
        return connection.execute(sa.delete(table).where(where)).rowcount or 0


def _rows(store: Store, query: Any) -> list[Saved | Damaged]:
    """The rows of ``query`` in its order, each read back or named as damaged."""
    out: list[Saved | Damaged] = []
    with translated_errors(store, "read the saved scenarios"), \
            store.engine.connect() as connection:  # type: ignore[attr-defined]
        for row in connection.execute(query):
            try:
                out.append(_saved(row))
            except DamagedRow as e:
                out.append(Damaged(id=row.id, name=str(row.name), problem=e.problem))
    return out


def _exists(store: Store, *, name: str | None = None, id_: int | None = None) -> bool:
    import sqlalchemy as sa

    from planner.store.models import SavedScenario

    table = SavedScenario.__table__
    if id_ is not None and not 0 < id_ < 2**63:  # SQL integers stop there
        return False
    where = table.c.name == name if name is not None else table.c.id == id_
    with translated_errors(store, "read the saved scenarios"), \
            store.engine.connect() as connection:  # type: ignore[attr-defined]
        return connection.execute(sa.select(table.c.id).where(where).limit(1)).first() is not None


def _select() -> Any:
    """Every column, newest first; the timestamp as the database holds it (a bad one is that row's damage,
    :func:`_saved`, not a failure of the whole query)."""
    import sqlalchemy as sa

    from planner.store.models import SavedScenario

    table = SavedScenario.__table__
    columns = [sa.type_coerce(c, sa.String).label(c.name) if c.name == "created_at" else c for c in table.columns]
    return sa.select(*columns).order_by(table.c.created_at.desc(), table.c.id.desc())


def _author(given: str | None) -> str:
    if given:
        return given[:120]
    try:
        return getpass.getuser()[:120]
    except (KeyError, OSError):  # no user name in a container without a passwd entry
        return ""


def _saved(row: Any) -> Saved:
    """A row (ORM object or result row) as a :class:`Saved`; a :class:`DamagedRow` naming the first field that
    cannot be read."""
    for column in _TEXT_COLUMNS:
        if not isinstance(getattr(row, column), str):
            raise DamagedRow(f"{column} is not text")
    if row.monthly_usd is not None and not isinstance(row.monthly_usd, (int, float)):
        raise DamagedRow("monthly_usd is not a number")
    tags = _json(row.tags, "tags", list)
    if not all(isinstance(t, str) for t in tags):
        raise DamagedRow("tags is not a list of strings")
    return Saved(id=row.id, name=row.name, created_at=_timestamp(row.created_at), author=row.author,
                 tags=tuple(tags), cloud=row.cloud, region=row.region, recommended=row.recommended,
                 monthly_usd=row.monthly_usd, prices_as_of=row.prices_as_of,
                 prices_manifest_sha256=row.prices_manifest_sha256,
                 workload=_json(row.workload_json, "workload_json", dict), plan=_json(row.plan_json, "plan_json", dict))


def _json(text: object, column: str, kind: type) -> Any:
    try:
        value = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DamagedRow(f"{column} is not valid JSON") from None
    if not isinstance(value, kind):
        raise DamagedRow(f"{column} is not a JSON {'list' if kind is list else 'object'}")
    return value


def _timestamp(value: object) -> datetime:
    """A stored time: a datetime (PostgreSQL) or SQLite's ISO text; naive times are UTC (as saved)."""
    try:
        created = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise DamagedRow("created_at is not a timestamp") from None
    return created if created.tzinfo else created.replace(tzinfo=UTC)
