"""endstats: round_awards, round_vs_stats and the per-file ledger endstats_files

Revision ID: 0007
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("round_vs_stats", "round_awards", "endstats_files")


def upgrade() -> None:
    op.create_table(
        "endstats_files",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column("gaming_day", sa.Date(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("map_name", sa.Text(), nullable=True),
        sa.Column("map_key", sa.Text(), nullable=True),
        sa.Column("round_number", sa.Integer(), nullable=True),
        sa.Column(
            "written_unix", sa.BigInteger(), nullable=True, comment="file name time as epoch"
        ),
        sa.Column(
            "status", sa.Text(), nullable=False, comment="linked | unlinked | superseded | rejected"
        ),
        sa.Column("reason", sa.Text(), nullable=False, comment="link decision or reject reason"),
        sa.Column("round_id", sa.BigInteger(), nullable=True),
        sa.Column("round_key", sa.Text(), nullable=True),
        sa.Column(
            "link_delta_s", sa.Integer(), nullable=True, comment="|stats file time - file time|"
        ),
        sa.Column(
            "merged_with", sa.Text(), nullable=True, comment="split partner merged into this round"
        ),
        sa.Column("award_lines", sa.Integer(), nullable=False),
        sa.Column("versus_rows", sa.Integer(), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("rejected_lines", sa.Integer(), nullable=False),
        sa.Column("rejected_details", sa.Text(), nullable=True, comment="line:reason; ..."),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("source_file", name="pk_endstats_files"),
    )
    op.create_index("ix_endstats_files_day", "endstats_files", ["gaming_day"])
    op.create_index("ix_endstats_files_round", "endstats_files", ["round_id"])

    op.create_table(
        "round_awards",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column(
            "gaming_day", sa.Date(), nullable=False, comment="gaming day of the file name's time"
        ),
        sa.Column("round_id", sa.BigInteger(), nullable=True, comment="rounds.id when linked"),
        sa.Column("round_key", sa.Text(), nullable=True),
        sa.Column("round_date", sa.Text(), nullable=False, comment="YYYY-MM-DD of the file name"),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column(
            "award_order", sa.Integer(), nullable=False, comment="position in the award table"
        ),
        sa.Column("award_name", sa.Text(), nullable=False, comment="decoded label"),
        sa.Column("raw_award_name", sa.Text(), nullable=False, comment="label as written"),
        sa.Column(
            "award_status", sa.Text(), nullable=False, comment="awarded | bogus | not_awarded"
        ),
        sa.Column("award_quirk", sa.Text(), nullable=True, comment="which writer bug was decoded"),
        sa.Column("scope", sa.Text(), nullable=False, comment="r1 | r1_plus_r2 | r2_only | mixed"),
        sa.Column("player_name", sa.Text(), nullable=False),
        sa.Column("player_guid", sa.Text(), nullable=True),
        sa.Column("player_guid_status", sa.Text(), nullable=False),
        sa.Column("award_value", sa.Text(), nullable=False, comment="value text as written"),
        sa.Column("award_value_numeric", sa.Float(), nullable=True),
        sa.Column(
            "award_value_secondary", sa.Float(), nullable=True, comment="e.g. minutes, seconds"
        ),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_round_awards"),
    )
    op.create_index("ix_round_awards_day", "round_awards", ["gaming_day"])
    op.create_index("ix_round_awards_guid", "round_awards", ["player_guid"])
    op.create_index("ix_round_awards_name", "round_awards", ["award_name"])
    op.create_index("ix_round_awards_round", "round_awards", ["round_id"])

    op.create_table(
        "round_vs_stats",
        sa.Column("source_file", sa.Text(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.Text(), nullable=False),
        sa.Column(
            "gaming_day", sa.Date(), nullable=False, comment="gaming day of the file name's time"
        ),
        sa.Column("round_id", sa.BigInteger(), nullable=True, comment="rounds.id when linked"),
        sa.Column("round_key", sa.Text(), nullable=True),
        sa.Column("round_date", sa.Text(), nullable=False, comment="YYYY-MM-DD of the file name"),
        sa.Column("map_name", sa.Text(), nullable=False),
        sa.Column("round_number", sa.Integer(), nullable=False),
        sa.Column("player_name", sa.Text(), nullable=False, comment="the opponent"),
        sa.Column("player_guid", sa.Text(), nullable=True),
        sa.Column("player_guid_status", sa.Text(), nullable=False),
        sa.Column("kills", sa.Integer(), nullable=False, comment="subject killed the opponent"),
        sa.Column(
            "deaths", sa.Integer(), nullable=False, comment="the opponent killed the subject"
        ),
        sa.Column(
            "subject_name", sa.Text(), nullable=True, comment="NULL in files without VS_HEADER"
        ),
        sa.Column("subject_guid", sa.Text(), nullable=True, comment="8-char GUID"),
        sa.Column(
            "subject_guid_full", sa.Text(), nullable=True, comment="VS_HEADER GUID as written"
        ),
        sa.Column("subject_guid_status", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("source_file", "source_line", name="pk_round_vs_stats"),
    )
    op.create_index("ix_round_vs_stats_day", "round_vs_stats", ["gaming_day"])
    op.create_index("ix_round_vs_stats_round", "round_vs_stats", ["round_id"])
    op.create_index("ix_round_vs_stats_subject", "round_vs_stats", ["subject_guid", "round_id"])


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)
