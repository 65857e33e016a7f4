"""stopwatch round facts: pairing reason, end reason, duration with source, limits, epochs

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROUNDS = (
    ("pairing_reason", sa.Text(), "R2: paired | why it stayed an orphan"),
    ("pairing_confirmed", sa.Boolean(), "R2 field 6 = R1 field 7"),
    ("end_reason", sa.Text(), "semantic end reason, see docs"),
    ("end_reason_source", sa.Text(), None),
    ("duration_seconds", sa.Integer(), "most reliable stats duration"),
    ("duration_source", sa.Text(), "stats_duration | stats_clock | none"),
    ("map_time_limit_seconds", sa.Integer(), "the map's configured limit"),
    ("map_time_limit_source", sa.Text(), None),
    ("r1_attack_time_seconds", sa.Integer(), "R1: its objective time"),
)
_ROUND_LINKS = (
    ("end_reason", sa.Text(), "semantic end reason, see docs"),
    ("end_reason_source", sa.Text(), None),
    ("round_stopwatch_state", sa.Text(), "TIME_SET | FULL_HOLD | none"),
    ("time_to_beat_seconds", sa.Integer(), "the limit R2 gets"),
    ("r1_attack_time_seconds", sa.Integer(), None),
    ("map_time_limit_seconds", sa.Integer(), None),
    ("map_time_limit_source", sa.Text(), None),
    ("round_start_unix", sa.BigInteger(), None),
    ("round_end_unix", sa.BigInteger(), None),
    ("round_times_source", sa.Text(), "lua | lua_end_minus_duration"),
)


def upgrade() -> None:
    for table, columns in (("rounds", _ROUNDS), ("round_links", _ROUND_LINKS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, type_, comment in columns:
                batch_op.add_column(sa.Column(name, type_, nullable=True, comment=comment))


def downgrade() -> None:
    for table, columns in (("round_links", _ROUND_LINKS), ("rounds", _ROUNDS)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _type, _comment in reversed(columns):
                batch_op.drop_column(name)
