"""Saving, listing, reading, deleting saved scenarios: a workload, the plan JSON made of it, the price book
it was priced with (manifest checksum, dates), tags, author and time."""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from planner.store.db import Store, StoreError

if TYPE_CHECKING:
    from planner.plan import Plan
    from planner.pricing.book import PriceBook
    from planner.workload import Workload


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


def manifest_checksum(book: PriceBook) -> str:
    """One SHA-256 over the price book's tables (file name and checksum of each, in order)."""
    m = book.manifest.sort_values("file")
    text = "\n".join(f"{f} {s}" for f, s in zip(m.file, m.sha256))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save(store: Store, workload: Workload, plan: Plan, book: PriceBook, *, name: str | None = None,
         tags: Sequence[str] = (), author: str | None = None) -> Saved:
    """Store ``workload`` and its ``plan`` (priced with ``book``) in one transaction; return what was stored."""
    from planner.store.models import SavedScenario

    tags = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    rec = plan.recommended
    plan_dict = plan.to_dict()
    row = SavedScenario(
        name=(name or workload.name).strip()[:120], created_at=datetime.now(UTC), author=_author(author),
        tags=json.dumps(list(tags)), cloud=workload.cloud, region=workload.region,
        recommended=rec.name if rec else "", monthly_usd=float(rec.monthly_usd) if rec else None,
        workload_json=workload.model_dump_json(), plan_json=json.dumps(plan_dict),
        plan_schema_version=str(plan_dict.get("schema_version", "")), prices_manifest_sha256=manifest_checksum(book),
        prices_as_of=plan.prices_as_of)
    if not row.name:
        raise StoreError("a saved scenario needs a name")
    from sqlalchemy.orm import Session

    with Session(store.engine) as session, session.begin():  # type: ignore[arg-type]
        session.add(row)
        session.flush()
        return _saved(row)


def list_saved(store: Store, *, tag: str | None = None, name: str | None = None) -> list[Saved]:
    """Every saved scenario (newest first), or those with ``tag`` / ``name``."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from planner.store.models import SavedScenario

    query = sa.select(SavedScenario).order_by(SavedScenario.created_at.desc(), SavedScenario.id.desc())
    if name:
        query = query.where(SavedScenario.name == name)
    with Session(store.engine) as session:  # type: ignore[arg-type]
        rows = [_saved(r) for r in session.scalars(query)]
    return [r for r in rows if tag is None or tag in r.tags]


def get(store: Store, ident: str | int) -> Saved:
    """A saved scenario by id, or the newest of that name; a :class:`StoreError` naming close names otherwise."""
    from sqlalchemy.orm import Session

    from planner.store.models import SavedScenario

    if isinstance(ident, int) or str(ident).isdigit():
        with Session(store.engine) as session:  # type: ignore[arg-type]
            row = session.get(SavedScenario, int(ident))
            if row is None:
                raise StoreError(f"{store.label}: no saved scenario with id {ident}")
            return _saved(row)
    found = list_saved(store, name=str(ident))
    if not found:
        return find(store, str(ident))
    return found[0]


def find(store: Store, name: str) -> Saved:
    """Raise the 'no such name' error with close matches (what :func:`get` raises for an unknown name)."""
    import difflib

    names = sorted({s.name for s in list_saved(store)})
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else (f"; saved: {', '.join(names[:10])}" if names else
                                                                 "; nothing is saved yet")
    raise StoreError(f"{store.label}: no saved scenario named {name!r}{hint}")


def delete(store: Store, ident: str | int) -> int:
    """Delete by id (one) or by name (every revision of it); return how many were deleted."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from planner.store.models import SavedScenario

    target = get(store, ident)  # raises for an unknown id or name
    where = (SavedScenario.id == target.id) if str(ident).isdigit() else (SavedScenario.name == target.name)
    with Session(store.engine) as session, session.begin():  # type: ignore[arg-type]
        return session.execute(sa.delete(SavedScenario).where(where)).rowcount or 0


def _author(given: str | None) -> str:
    if given:
        return given[:120]
    try:
        return getpass.getuser()[:120]
    except (KeyError, OSError):  # no user name in a container without a passwd entry
        return ""


def _saved(row: Any) -> Saved:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return Saved(id=row.id, name=row.name, created_at=created, author=row.author, tags=tuple(json.loads(row.tags)),
                 cloud=row.cloud, region=row.region, recommended=row.recommended, monthly_usd=row.monthly_usd,
                 prices_as_of=row.prices_as_of, prices_manifest_sha256=row.prices_manifest_sha256,
                 workload=json.loads(row.workload_json), plan=json.loads(row.plan_json))
