"""Warehouse tables of the endstats side-cars: ``round_awards``, ``round_vs_stats`` and the
per-file ledger ``endstats_files``.

``round_awards`` and ``round_vs_stats`` keep every upstream column under its upstream name
(``round_id``, ``round_date``, ``map_name``, ``round_number``, ``award_name``, ``player_name``,
``player_guid``, ``award_value``, ``award_value_numeric``; ``kills``, ``deaths``,
``subject_name``, ``subject_guid``), so upstream queries run unchanged. What differs, and why:

- the natural key is the landed file and its line (``source_file``, ``source_line``), not a
  serial id: re-importing a file replaces its rows;
- ``round_id`` is NULL when the file could not be linked (the ledger says why) instead of the
  file being dropped;
- ``award_name`` is the **decoded** label and ``raw_award_name`` the label as written (the writer
  mislabels "useless kills" as ``Most objectives stolen``); ``award_status`` marks the bogus
  spree line and the sub-threshold multikill line, which upstream stored as real awards;
- ``scope`` says what an R2 value covers (``r1_plus_r2`` session counters, ``r2_only`` Lua
  counters), since the file mixes both;
- GUIDs are the 8-character stats GUIDs (``subject_guid_full`` keeps the header's 32 chars), each
  with a ``*_guid_status`` (``resolved``, ``vs_header``, ``ambiguous``, ``unresolved``, …).

``endstats_files`` (upstream ``processed_endstats_files``) has one row per landed side-car: its
link decision and reason, the split partner it was merged with, counts and rejected lines.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from slomix_pipeline.warehouse.schema import metadata


def _file_columns() -> list[Column]:
    return [
        Column("source_file", Text, nullable=False),
        Column("source_line", Integer, nullable=False),
        Column("source_sha256", Text, nullable=False),
        Column("gaming_day", Date, nullable=False, comment="gaming day of the file name's time"),
        Column("round_id", BigInteger, nullable=True, comment="rounds.id when linked"),
        Column("round_key", Text, nullable=True),
        Column("round_date", Text, nullable=False, comment="YYYY-MM-DD of the file name"),
        Column("map_name", Text, nullable=False),
        Column("round_number", Integer, nullable=False),
    ]


round_awards = Table(
    "round_awards",
    metadata,
    *_file_columns(),
    Column("award_order", Integer, nullable=False, comment="position in the award table"),
    Column("award_name", Text, nullable=False, comment="decoded label"),
    Column("raw_award_name", Text, nullable=False, comment="label as written"),
    Column("award_status", Text, nullable=False, comment="awarded | bogus | not_awarded"),
    Column("award_quirk", Text, nullable=True, comment="which writer bug was decoded"),
    Column("scope", Text, nullable=False, comment="r1 | r1_plus_r2 | r2_only | mixed"),
    Column("player_name", Text, nullable=False),
    Column("player_guid", Text, nullable=True),
    Column("player_guid_status", Text, nullable=False),
    Column("award_value", Text, nullable=False, comment="value text as written"),
    Column("award_value_numeric", Float, nullable=True),
    Column("award_value_secondary", Float, nullable=True, comment="e.g. minutes, seconds"),
    PrimaryKeyConstraint("source_file", "source_line", name="pk_round_awards"),
    Index("ix_round_awards_day", "gaming_day"),
    Index("ix_round_awards_round", "round_id"),
    Index("ix_round_awards_guid", "player_guid"),
    Index("ix_round_awards_name", "award_name"),
)

round_vs_stats = Table(
    "round_vs_stats",
    metadata,
    *_file_columns(),
    Column("player_name", Text, nullable=False, comment="the opponent"),
    Column("player_guid", Text, nullable=True),
    Column("player_guid_status", Text, nullable=False),
    Column("kills", Integer, nullable=False, comment="subject killed the opponent"),
    Column("deaths", Integer, nullable=False, comment="the opponent killed the subject"),
    Column("subject_name", Text, nullable=True, comment="NULL in files without VS_HEADER"),
    Column("subject_guid", Text, nullable=True, comment="8-char GUID"),
    Column("subject_guid_full", Text, nullable=True, comment="VS_HEADER GUID as written"),
    Column("subject_guid_status", Text, nullable=False),
    PrimaryKeyConstraint("source_file", "source_line", name="pk_round_vs_stats"),
    Index("ix_round_vs_stats_day", "gaming_day"),
    Index("ix_round_vs_stats_round", "round_id"),
    Index("ix_round_vs_stats_subject", "subject_guid", "round_id"),
)

endstats_files = Table(
    "endstats_files",
    metadata,
    Column("source_file", Text, nullable=False),
    Column("source_sha256", Text, nullable=False),
    Column("gaming_day", Date, nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("map_name", Text, nullable=True),
    Column("map_key", Text, nullable=True),
    Column("round_number", Integer, nullable=True),
    Column("written_unix", BigInteger, nullable=True, comment="file name time as epoch"),
    Column("status", Text, nullable=False, comment="linked | unlinked | superseded | rejected"),
    Column("reason", Text, nullable=False, comment="link decision or reject reason"),
    Column("round_id", BigInteger, nullable=True),
    Column("round_key", Text, nullable=True),
    Column("link_delta_s", Integer, nullable=True, comment="|stats file time - file time|"),
    Column("merged_with", Text, nullable=True, comment="split partner merged into this round"),
    Column("award_lines", Integer, nullable=False),
    Column("versus_rows", Integer, nullable=False),
    Column("subjects", Integer, nullable=False),
    Column("rejected_lines", Integer, nullable=False),
    Column("rejected_details", Text, nullable=True, comment="line:reason; ..."),
    Column("notes", Text, nullable=True),
    PrimaryKeyConstraint("source_file", name="pk_endstats_files"),
    Index("ix_endstats_files_day", "gaming_day"),
    Index("ix_endstats_files_round", "round_id"),
)

ENDSTATS_TABLES: tuple[Table, ...] = (endstats_files, round_awards, round_vs_stats)
