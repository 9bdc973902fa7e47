"""The saved-scenario table (SQLAlchemy 2 declarative mapping)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SavedScenario(Base):
    """A workload as the user described it and the plan the planner made of it, with the price book it used."""

    __tablename__ = "saved_scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    author: Mapped[str] = mapped_column(String(120), default="")
    tags: Mapped[str] = mapped_column(Text, default="[]")  # a JSON list of strings
    cloud: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(40))
    recommended: Mapped[str] = mapped_column(String(40), default="")
    monthly_usd: Mapped[float | None] = mapped_column(Float, nullable=True)
    workload_json: Mapped[str] = mapped_column(Text)
    plan_json: Mapped[str] = mapped_column(Text)
    plan_schema_version: Mapped[str] = mapped_column(String(16))
    prices_manifest_sha256: Mapped[str] = mapped_column(String(64))
    prices_as_of: Mapped[str] = mapped_column(String(10), default="")
