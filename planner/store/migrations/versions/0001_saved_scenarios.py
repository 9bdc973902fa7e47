"""The saved-scenario table.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_scenarios",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(120), nullable=False, server_default=""),
        sa.Column("tags", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("cloud", sa.String(16), nullable=False),
        sa.Column("region", sa.String(40), nullable=False),
        sa.Column("recommended", sa.String(40), nullable=False, server_default=""),
        sa.Column("monthly_usd", sa.Float(), nullable=True),
        sa.Column("workload_json", sa.Text(), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("plan_schema_version", sa.String(16), nullable=False),
        sa.Column("prices_manifest_sha256", sa.String(64), nullable=False),
        sa.Column("prices_as_of", sa.String(10), nullable=False, server_default=""),
    )
    op.create_index("ix_saved_scenarios_name", "saved_scenarios", ["name"])
    op.create_index("ix_saved_scenarios_created_at", "saved_scenarios", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_saved_scenarios_created_at", "saved_scenarios")
    op.drop_index("ix_saved_scenarios_name", "saved_scenarios")
    op.drop_table("saved_scenarios")
