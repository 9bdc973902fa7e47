"""Opening the saved-scenario database: which URL, the driver's errors as one clear line, and the schema
migrated to this planner's revision (refused when a newer planner wrote it).

SQLite takes each write transaction with ``BEGIN IMMEDIATE`` and waits up to 30 s for another writer (WAL
journal: readers never wait), so parallel writers queue instead of failing or corrupting the file (SQLAlchemy's
documented pysqlite recipe, "Serializable isolation / Savepoints / Transactional DDL")."""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from planner.base.errors import PlannerError

ENV_URL = "PLANNER_DB_URL"
SQLITE_TIMEOUT_S = 30
MIGRATIONS = Path(__file__).parent / "migrations"
# what SQLite and PostgreSQL say when the table or a column the schema revision promises is not there
_SCHEMA_DAMAGE = re.compile(r"no such (table|column)|has no column named|(relation|column) .* does not exist")


class StoreError(PlannerError):
    """The database cannot be used; the message names it and why."""


@dataclass(frozen=True)
class Store:
    """An open database: its engine and how to name it to a user (no password)."""

    engine: object  # sqlalchemy.Engine
    url: str
    label: str


def default_path() -> Path:
    """The default SQLite file, in the user's data folder."""
    import platformdirs

    return platformdirs.user_data_path("planner", appauthor=False) / "planner.db"


def database_url(given: str | None = None) -> str:
    """``given``, else ``$PLANNER_DB_URL``, else the default SQLite file."""
    return given or os.environ.get(ENV_URL) or f"sqlite:///{default_path()}"


def open_store(url: str | None = None) -> Store:
    """Connect, migrate the schema to this planner's head revision, and return the store; a
    :class:`StoreError` for an unusable URL, a missing driver, an unreachable database or a newer schema."""
    import sqlalchemy as sa
    from sqlalchemy import event, exc

    url = database_url(url)
    try:
        parsed = sa.engine.make_url(url)
    except (exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(f"{url!r} is not a database URL (e.g. sqlite:///plans.db or "
                         "postgresql+psycopg://user@host/db)") from None
    label = parsed.render_as_string(hide_password=True)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{label}: cannot create the folder {folder} ({e.strerror or e})") from None
    try:
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_TIMEOUT_S} if sqlite else {})
    except (exc.NoSuchModuleError, ModuleNotFoundError) as e:
        raise StoreError(f"{label}: no driver for this database ({e}); install its SQLAlchemy driver "
                         "(PostgreSQL: pip install psycopg)") from None
    if sqlite:
        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):  # noqa: ANN001 - DB-API objects
            dbapi_connection.isolation_level = None  # pysqlite's own BEGIN would defer the write lock
            wal_journal(dbapi_connection)

        @event.listens_for(engine, "begin")
        def _begin(connection):  # noqa: ANN001
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    store = Store(engine=engine, url=url, label=label)
    try:
        _migrate(store)
    except exc.OperationalError as e:
        raise StoreError(f"{label}: cannot open the database ({_first_line(e)})") from None
    except exc.DBAPIError as e:
        raise StoreError(f"{label}: {_first_line(e)}") from None
    return store


WAL_RETRY_S = 0.02  # between tries of the switch to WAL while another process closes or recovers the file


def wal_journal(connection, timeout_s: float = SQLITE_TIMEOUT_S) -> None:  # noqa: ANN001 - a DB-API connection
    """Switch a new SQLite connection to the WAL journal, waiting up to ``timeout_s`` in all for the file. SQLite
    answers "database is locked" at once, without its busy handler, to a connection that opens a WAL database while
    another process's last connection closes it (and cleans its WAL up) or recovers it after a crash ("Write-Ahead
    Logging", section "Sometimes Queries Return SQLITE_BUSY In WAL Mode"): parallel writers opening one file hit
    that, so the switch is tried again until the other process is done. Each try's own busy wait is the time left,
    and the connection's busy timeout is ``timeout_s`` again after."""
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            left_ms = max(1, int((deadline - time.monotonic()) * 1000))
            connection.execute(f"PRAGMA busy_timeout = {left_ms}")
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if str(e) != "database is locked" or time.monotonic() >= deadline:  # SQLITE_BUSY's message only
                    raise
            time.sleep(WAL_RETRY_S)
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")


@contextmanager
def translated_errors(store: Store, doing: str) -> Iterator[None]:
    """Run a database operation; the driver's errors and the OS's (a full disk) become one
    :class:`StoreError` line naming the database: a missing table or column (the schema says one revision, the
    file holds less) as a damaged table, anything else as "cannot <doing>"."""
    from sqlalchemy import exc

    try:
        yield
    except exc.DBAPIError as e:
        line = _first_line(e)
        if _SCHEMA_DAMAGE.search(line):
            raise StoreError(f"{store.label}: the saved-scenario table is damaged ({line}); restore the database "
                             "from a backup, or use another with --db") from None
        raise StoreError(f"{store.label}: cannot {doing} ({line})") from None
    except OSError as e:
        raise StoreError(f"{store.label}: cannot {doing} ({e.strerror or e})") from None


def _first_line(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.splitlines()[0] if text else type(e).__name__


def _migrate(store: Store) -> None:
    """Bring the schema to the head revision inside one transaction (taken before the revision is read, so two
    processes opening a new file do not both create the table)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    known = {r.revision for r in script.walk_revisions()}
    with store.engine.begin() as connection:  # type: ignore[attr-defined]
        current = MigrationContext.configure(connection).get_current_revision()
        if current is not None and current not in known:
            raise StoreError(f"{store.label}: written by a newer planner (schema revision {current}; this planner "
                             f"knows up to {head}); upgrade planner to use it")
        if current != head:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
