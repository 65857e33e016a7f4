"""The outcome of one linking run, and the counts its asset reports as metadata.

Kept apart from the run so the Dagster layer can read the figures without importing the
warehouse writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from slomix_pipeline.domain.linking.records import RoundLink
from slomix_pipeline.domain.lua_truth import EffectiveRound
from slomix_pipeline.ingest.link_reads import StoredLuaInfo
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo


@dataclass(slots=True)
class LinkReport:
    """The outcome of one linking run over ``days`` (input for asset metadata)."""

    days: list[date]
    now_unix: int
    rounds: list[StoredRoundInfo] = field(default_factory=list)
    lua: list[StoredLuaInfo] = field(default_factory=list)
    links: dict[int, RoundLink] = field(default_factory=dict)
    effective: dict[int, EffectiveRound] = field(default_factory=dict)
    lua_reasons: dict[int, str] = field(default_factory=dict)
    players_clamped: int = 0
    proximity_files: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)

    def round_reason_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(link.reason for link in self.links.values()).items()))

    def lua_reason_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.lua_reasons.values()).items()))

    def linked_by_source(self) -> dict[str, int]:
        """Rounds linked to a Lua row, per delivery channel(s) of that row, plus proximity."""
        sources = {lua.lua_round_id: lua.facts.sources for lua in self.lua}
        counts: Counter[str] = Counter()
        for link in self.links.values():
            if link.lua_round_id is not None:
                counts[f"lua:{sources.get(link.lua_round_id, '?')}"] += 1
            if link.proximity_file is not None:
                counts["proximity"] += 1
        return dict(sorted(counts.items()))

    def timing_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.timing.status for e in self.effective.values()).items()))

    def end_reason_counts(self) -> dict[str, int]:
        """Effective end reasons (``unknown`` when no rule could tell), with their source."""
        return dict(
            sorted(
                Counter(
                    f"{e.end_reason or 'unknown'} ({e.end_reason_source})"
                    for e in self.effective.values()
                ).items()
            )
        )

    def duration_source_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(e.duration_source for e in self.effective.values()).items()))
