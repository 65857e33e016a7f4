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

from sqlalchemy import Column, Index, Table

from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table


def _file_columns() -> list[Column]:
    return [
        text("source_file"),
        integer("source_line"),
        text("source_sha256"),
        gaming_day("gaming day of the file name's time"),
        bigint_null("round_id", "rounds.id when linked"),
        text_null("round_key"),
        text("round_date", "YYYY-MM-DD of the file name"),
        text("map_name"),
        integer("round_number"),
    ]


round_awards = table(
    "round_awards",
    *_file_columns(),
    integer("award_order", "position in the award table"),
    text("award_name", "decoded label"),
    text("raw_award_name", "label as written"),
    text("award_status", "awarded | bogus | not_awarded"),
    text_null("award_quirk", "which writer bug was decoded"),
    text("scope", "r1 | r1_plus_r2 | r2_only | mixed"),
    text("player_name"),
    text_null("player_guid"),
    text("player_guid_status"),
    text("award_value", "value text as written"),
    floating_null("award_value_numeric"),
    floating_null("award_value_secondary", "e.g. minutes, seconds"),
    primary_key("source_file", "source_line"),
    Index("ix_round_awards_day", "gaming_day"),
    Index("ix_round_awards_round", "round_id"),
    Index("ix_round_awards_guid", "player_guid"),
    Index("ix_round_awards_name", "award_name"),
)

round_vs_stats = table(
    "round_vs_stats",
    *_file_columns(),
    text("player_name", "the opponent"),
    text_null("player_guid"),
    text("player_guid_status"),
    integer("kills", "subject killed the opponent"),
    integer("deaths", "the opponent killed the subject"),
    text_null("subject_name", "NULL in files without VS_HEADER"),
    text_null("subject_guid", "8-char GUID"),
    text_null("subject_guid_full", "VS_HEADER GUID as written"),
    text("subject_guid_status"),
    primary_key("source_file", "source_line"),
    Index("ix_round_vs_stats_day", "gaming_day"),
    Index("ix_round_vs_stats_round", "round_id"),
    Index("ix_round_vs_stats_subject", "subject_guid", "round_id"),
)

endstats_files = table(
    "endstats_files",
    text("source_file"),
    text("source_sha256"),
    gaming_day(),
    bigint("size_bytes"),
    text_null("map_name"),
    text_null("map_key"),
    integer_null("round_number"),
    bigint_null("written_unix", "file name time as epoch"),
    text("status", "linked | unlinked | superseded | rejected"),
    text("reason", "link decision or reject reason"),
    bigint_null("round_id"),
    text_null("round_key"),
    integer_null("link_delta_s", "|stats file time - file time|"),
    text_null("merged_with", "split partner merged into this round"),
    integer("award_lines"),
    integer("versus_rows"),
    integer("subjects"),
    integer("rejected_lines"),
    text_null("rejected_details", "line:reason; ..."),
    text_null("notes"),
    primary_key("source_file"),
    Index("ix_endstats_files_day", "gaming_day"),
    Index("ix_endstats_files_round", "round_id"),
)

ENDSTATS_TABLES: tuple[Table, ...] = (endstats_files, round_awards, round_vs_stats)
