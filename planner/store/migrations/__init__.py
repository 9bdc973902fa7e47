"""Alembic migrations of the saved-scenario database (run from code: :func:`planner.store.db.open_store`)."""
