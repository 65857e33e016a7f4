"""players ledger: per-day identity contributions and per-key totals (issue 13)

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "player_identity_days",
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="stats (8-char key and name) | full (32-char)",
        ),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False, comment="'' for full GUIDs"),
        sa.Column(
            "rounds", sa.Integer(), nullable=False, comment="stats rows that day; 1 for a full GUID"
        ),
        sa.Column("bot_rounds", sa.Integer(), nullable=False, comment="of which flagged as a bot"),
        sa.PrimaryKeyConstraint(
            "gaming_day", "kind", "guid", "player_name", name="pk_player_identity_days"
        ),
    )
    op.create_index("ix_player_identity_days_guid", "player_identity_days", ["guid"])
    op.create_table(
        "player_identity_keys",
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column(
            "rounds", sa.Integer(), nullable=False, comment="stats rows; days seen for a full GUID"
        ),
        sa.Column("bot_rounds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guid", "kind", "player_name", name="pk_player_identity_keys"),
    )


def downgrade() -> None:
    op.drop_table("player_identity_keys")
    op.drop_index("ix_player_identity_days_guid", table_name="player_identity_days")
    op.drop_table("player_identity_days")
