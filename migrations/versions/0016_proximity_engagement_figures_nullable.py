"""proximity: figures derived from ENGAGEMENTS are NULL when that section was not captured

``proximity_files.engagement_lines``, ``combat_engagements``, ``excluded_engagements``,
``trade_events`` and ``proximity_support_summary.support_samples`` become nullable: a file whose
``engagement_tracking`` was declared off (or, undeclared, wrote no engagement) did not measure
them, and "not captured" must never read as 0 (``proximity-v5-v6.md`` §6.2). Likewise
``combat_engagement.is_crossfire`` when the file declares ``crossfire_detection:0``.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOT_CAPTURED = "NULL unless the ENGAGEMENTS section was captured (state enabled)"
_FILE_COLUMNS = ("engagement_lines", "combat_engagements", "excluded_engagements", "trade_events")
_SUPPORT_COMMENT = "NULL unless ENGAGEMENTS was captured (the combat it is measured against)"


_CROSSFIRE_COMMENT = "NULL when the file declares crossfire_detection:0 (not measured)"


def _alter(nullable: bool) -> None:
    with op.batch_alter_table("combat_engagement") as batch:
        batch.alter_column(
            "is_crossfire",
            existing_type=sa.Boolean(),
            nullable=nullable,
            comment=_CROSSFIRE_COMMENT if nullable else None,
        )
    with op.batch_alter_table("proximity_files") as batch:
        for name in _FILE_COLUMNS:
            batch.alter_column(
                name,
                existing_type=sa.Integer(),
                nullable=nullable,
                comment=_NOT_CAPTURED if nullable else None,
            )
    with op.batch_alter_table("proximity_support_summary") as batch:
        batch.alter_column(
            "support_samples",
            existing_type=sa.Integer(),
            nullable=nullable,
            comment=_SUPPORT_COMMENT if nullable else None,
        )


def upgrade() -> None:
    _alter(True)


def downgrade() -> None:
    # Rows stored as NULL ("not captured") go back to the old 0 before NOT NULL returns.
    for name in _FILE_COLUMNS:
        op.execute(f"UPDATE proximity_files SET {name} = 0 WHERE {name} IS NULL")
    op.execute(
        "UPDATE proximity_support_summary SET support_samples = 0 WHERE support_samples IS NULL"
    )
    op.execute("UPDATE combat_engagement SET is_crossfire = false WHERE is_crossfire IS NULL")
    _alter(False)
