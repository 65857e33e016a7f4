"""Warehouse tables of the proximity sections beyond the four derived tables: one table per
section (the v4 heatmaps and objective focus, and every v4.2 … v6.10 section), the per-file
section capability table and the per-player figures derived from the sections.

Each section table is generated from its :class:`~slomix_pipeline.formats.proximity_sections.
specs.SectionSpec` (the migration spells the same tables out; a test compares them):

- ``source_file`` (provenance and natural key), ``gaming_day`` (partition), ``round_id`` (the
  linked stats round, as on ``combat_engagement``) and the *resolved* ``round_number``;
- ``source_line`` and the section's fields under upstream's column names, raw values kept;
- ``out_of_range``: the fields outside their plausible range (flagged, never clamped).

Unlike the four derived tables, the rest of the file-level facts (``source_sha256``, ``round_key``,
``map_name``, ``round_start_unix``, ``round_end_unix``) are not repeated on every row: they are
in ``proximity_files``, one join away by ``source_file`` (the primary key of both). Section rows
are small (~60 bytes) and many (~10k per file); repeating ~200 bytes of file facts on each
quadrupled what PostgreSQL had to parse and store and held the load well under 20 MB/s.

The primary key is ``(source_file, source_line)``: the file line *is* the row's natural key and
never collapses legitimate rows. Upstream's keys (``S`` + e.g. attacker, victim, time, weapon for
``HIT_REGIONS``, kept in each spec's ``natural_key``) collapse real events (two hits in the same
millisecond, two vehicles with one script name), so they are not unique here; they are not
indexed either. Indexes are kept to what the writes need (the primary key, and ``gaming_day`` for
the partition replacement): each one more costs load rate on ~10k rows per file. A round's rows
are found through ``proximity_files`` (indexed by ``round_id``) and the primary key's
``source_file`` prefix.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, Index, Table, Text
from sqlalchemy.types import TypeEngine

from slomix_pipeline.domain.proximity_capabilities import PLAYER_FIGURES
from slomix_pipeline.formats.proximity_sections import SECTION_SPECS, SectionSpec
from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table

__all__ = [
    "SECTION_TABLES",
    "SECTION_TABLE_OF",
    "proximity_player_sections",
    "proximity_section_capability",
]

_TYPES: dict[str, type[TypeEngine]] = {
    "i": BigInteger,
    "I": BigInteger,
    "oi": BigInteger,
    "f": Float,
    "of": Float,
    "s": Text,
    "o": Text,
    "b": Boolean,
}
_NULLABLE = frozenset({"o", "oi", "of"})


_LINKED_ROUND = "rounds.id of the linked round"
_RESOLVED_ROUND = "resolved round"


def _section_table(spec: SectionSpec) -> Table:
    name = spec.table
    return table(
        name,
        text("source_file"),
        gaming_day(),
        bigint_null("round_id", _LINKED_ROUND),
        bigint_null("round_number", _RESOLVED_ROUND),
        integer("source_line"),
        *(column(f.name, type_=_TYPES[f.kind], nullable=f.kind in _NULLABLE) for f in spec.fields),
        text_null("out_of_range", "flagged fields, values kept"),
        primary_key("source_file", "source_line"),
        Index(f"ix_{name}_day", "gaming_day"),
    )


SECTION_TABLE_OF: dict[str, Table] = {m: _section_table(s) for m, s in SECTION_SPECS.items()}
"""Section marker -> its table."""

proximity_section_capability = table(
    "proximity_section_capability",
    *linked_file_columns(round_=_LINKED_ROUND),
    text("kind", "section | unknown_section | flag"),
    text("name", "section marker or flag name"),
    *round_scope_columns(number=_RESOLVED_ROUND),
    text_null("flag", "the gating capability flag"),
    boolean_null("declared", "value in the 6.11 declaration"),
    text("state", "enabled | disabled | unknown | not_understood"),
    text("evidence", "declared | rows | ungated | none | ..."),
    boolean("present", "the marker is in the file"),
    integer_null("rows_in_file"),
    integer("broken_rows"),
    integer("out_of_range_rows"),
    boolean("conflict", "declared off but rows present"),
    primary_key(
        "source_file",
        "kind",
        "name",
    ),
    Index("ix_proximity_section_capability_day", "gaming_day"),
)

proximity_player_sections = table(
    "proximity_player_sections",
    *linked_file_columns(round_=_LINKED_ROUND),
    text("player_guid"),
    *round_scope_columns(number=_RESOLVED_ROUND),
    *many(bigint_null, *PLAYER_FIGURES),
    primary_key("source_file", "player_guid"),
    Index("ix_proximity_player_sections_day", "gaming_day"),
    Index("ix_proximity_player_sections_round", "round_id"),
)

SECTION_TABLES: dict[str, Table] = {
    **{t.name: t for t in SECTION_TABLE_OF.values()},
    proximity_section_capability.name: proximity_section_capability,
    proximity_player_sections.name: proximity_player_sections,
}
"""Table name -> table, for the proximity writer's batches and partition replacement."""
