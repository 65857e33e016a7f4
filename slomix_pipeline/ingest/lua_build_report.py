"""Step 2's report: what one merge over a range read, merged, wrote and left quarantined.

Counts are kept per chunk of days, the merged rows only for a one-chunk run, so a whole-history
merge reports its figures without holding its rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from slomix_pipeline.domain.lua_merged_rows import (
    LuaRoundTeam,
    LuaSpawnRow,
    MergeResult,
)
from slomix_pipeline.domain.lua_records import (
    SOURCE_GAMETIME,
    SOURCE_WEBHOOK,
)


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    """A Lua file of these days that could not become an event (from ``processed_files``)."""

    source: str
    file_name: str
    reason: str


@dataclass(slots=True)
class LuaBuildReport:
    """The outcome of one merge over ``days`` (input for asset metadata)."""

    days: list[date]
    events_read: int = 0
    merge: MergeResult | None = None
    """The merged rows of a one-chunk run (``None`` over several chunks: see the counts)."""
    quarantined: list[QuarantinedFile] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    teams_count: int = 0
    spawn_rows_count: int = 0
    duplicates_merged: int = 0
    events_by_source: Counter[str] = field(default_factory=Counter)
    rows_by_sources_count: Counter[str] = field(default_factory=Counter)

    def count(self, events_read: int, merge: MergeResult) -> None:
        """Add one chunk's merge to the counts."""
        self.events_read += events_read
        self.teams_count += len(merge.teams)
        self.spawn_rows_count += len(merge.spawn_rows)
        self.duplicates_merged += merge.duplicates_merged
        self.events_by_source.update(merge.events_by_source)
        self.rows_by_sources_count.update(merge.rows_by_sources)

    @property
    def teams(self) -> tuple[LuaRoundTeam, ...]:
        return self.merge.teams if self.merge else ()

    @property
    def spawn_rows(self) -> tuple[LuaSpawnRow, ...]:
        return self.merge.spawn_rows if self.merge else ()

    def rounds_by_sources(self) -> dict[str, int]:
        """Rows keyed ``webhook`` / ``gametime`` / ``webhook+gametime`` (all three present)."""
        found = dict(self.rows_by_sources_count)
        keys = (SOURCE_WEBHOOK, SOURCE_GAMETIME, f"{SOURCE_WEBHOOK}+{SOURCE_GAMETIME}")
        return {key: found.get(key, 0) for key in keys} | found
