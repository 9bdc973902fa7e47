"""Saved scenarios and plans on a database: SQLite in the user's data folder by default, any SQLAlchemy URL by
``--db`` or ``PLANNER_DB_URL``; the schema is migrated by Alembic (:mod:`planner.store.migrations`)."""

from planner.store.api import Saved, delete, find, get, list_saved, save
from planner.store.db import StoreError, database_url, open_store

__all__ = ["Saved", "StoreError", "database_url", "delete", "find", "get", "list_saved", "open_store", "save"]
