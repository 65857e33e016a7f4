"""The endstats gate (pure): awards linked to their stats rounds, and derivable awards agreeing
with the round's player rows; plus the per-day completeness figures.

Failures (each names the round or file):

- ``awards_not_linked``: a stats round has an endstats file with awards (same map and round
  number, file times within the link window) but no linked award row;
- ``file_ambiguous``: a file whose closest stats round was not unique (left unlinked);
- ``award_disagrees``: a derivable award (``DERIVABLE_AWARDS``) whose resolved winner's player
  rows, in the award's scope, hold a different value.

Coverage reports the completeness of the day: how many stats rounds have Lua, endstats and
proximity data, and how award winners were resolved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slomix_pipeline.domain.endstats import DERIVABLE_AWARDS, LINK_WINDOW_S, award_disagreement
from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult

__all__ = [
    "AwardFact",
    "EndstatsFileFact",
    "RoundFact",
    "completeness",
    "endstats_gate",
    "summarize_endstats",
]


@dataclass(frozen=True, slots=True)
class RoundFact:
    """A stats round of the day and which other sources it has."""

    round_id: int
    round_key: str
    map_key: str
    round_number: int
    file_time_unix: int
    r1_round_id: int | None
    has_lua: bool
    has_proximity: bool
    is_orphan_r2: bool = False
    """An R2 without its R1 keeps cumulative rows: only R1+R2-scope awards are comparable."""


@dataclass(frozen=True, slots=True)
class EndstatsFileFact:
    """An ``endstats_files`` row."""

    source_file: str
    map_key: str | None
    round_number: int | None
    written_unix: int | None
    status: str
    reason: str
    round_id: int | None
    award_lines: int


@dataclass(frozen=True, slots=True)
class AwardFact:
    """A linked, awarded ``round_awards`` row."""

    source_file: str
    round_id: int
    award_name: str
    scope: str
    player_guid: str | None
    value: float | None


PlayerRows = Mapping[tuple[int, str], Mapping[str, float]]
"""(round_id, player_guid) -> metric columns of ``player_comprehensive_stats``."""


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def completeness(rounds: Sequence[RoundFact], with_endstats: set[int]) -> dict[str, Any]:
    """Per-day completeness: stats rounds and the share having Lua, endstats and proximity."""
    n = len(rounds)
    lua = sum(r.has_lua for r in rounds)
    prox = sum(r.has_proximity for r in rounds)
    end = sum(r.round_id in with_endstats for r in rounds)
    return {
        "rounds_with_stats": n,
        "rounds_with_lua": lua,
        "rounds_with_endstats": end,
        "rounds_with_proximity": prox,
        "pct_with_lua": _pct(lua, n),
        "pct_with_endstats": _pct(end, n),
        "pct_with_proximity": _pct(prox, n),
    }


def summarize_endstats(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    rounds = coverage.get("rounds_with_stats", 0)
    linked = coverage.get("rounds_with_endstats", 0)
    if not failures:
        return f"{linked}/{rounds} stats rounds have linked endstats; every derivable award agrees"
    return f"{len(failures)} endstats problem(s); {linked}/{rounds} rounds have linked endstats"


def endstats_gate(
    rounds: Sequence[RoundFact],
    files: Iterable[EndstatsFileFact],
    awards: Iterable[AwardFact],
    players: PlayerRows,
    guid_statuses: Mapping[str, int] | None = None,
) -> GateResult:
    """The gate over one day (see the module docstring)."""
    files = list(files)
    awards = list(awards)
    failures: list[GateFailure] = []
    with_awards = {a.round_id for a in awards}
    with_endstats = {f.round_id for f in files if f.round_id is not None}
    candidates = [f for f in files if f.status not in ("rejected", "superseded")]
    for r in rounds:
        has_file = any(
            f.award_lines
            and f.map_key == r.map_key
            and f.round_number == r.round_number
            and f.written_unix is not None
            and abs(f.written_unix - r.file_time_unix) <= LINK_WINDOW_S
            for f in candidates
        )
        if has_file and r.round_id not in with_awards:
            failures.append(
                GateFailure(r.round_key, "awards_not_linked", "an endstats file has awards")
            )
    for f in files:
        if f.reason == "ambiguous_stats_round":
            failures.append(
                GateFailure(f.source_file, "file_ambiguous", "two stats rounds equally close")
            )
    by_round = {r.round_id: r for r in rounds}
    checked = 0
    for a in awards:
        if a.player_guid is None or a.round_id not in by_round:
            continue
        r = by_round[a.round_id]
        if r.is_orphan_r2 and a.scope != "r1_plus_r2":
            continue
        row = players.get((a.round_id, a.player_guid))
        r1 = players.get((r.r1_round_id, a.player_guid)) if r.r1_round_id is not None else None
        problem = award_disagreement(a.award_name, a.value, a.scope, r1, row)
        if problem is None:
            if a.award_name in DERIVABLE_AWARDS:
                checked += 1
            continue
        failures.append(GateFailure(f"{r.round_key} {a.award_name}", "award_disagrees", problem))
    coverage: dict[str, Any] = {
        **completeness(rounds, with_endstats),
        "endstats_files": len(files),
        "files_by_status": dict(sorted(Counter(f.status for f in files).items())),
        "awards_linked": len(awards),
        "derivable_awards_agreeing": checked,
    }
    if guid_statuses is not None:
        coverage["guid_statuses"] = dict(sorted(guid_statuses.items()))
    ordered = tuple(sorted(set(failures), key=lambda f: (f.reason, f.subject, f.detail)))
    return GateResult(not ordered, ordered, coverage, summarize_endstats(coverage, ordered))
