"""Is a stats file whole? Players missing from a file cut at a line boundary, found by evidence.

A stats file truncated exactly between two player lines is still a valid file: a header and
fewer complete player lines. Nothing inside it can tell (the header declares no player count,
line order is the Lua's arbitrary table order), so the evidence must come from a second,
independent writer of the same round. What the platform has, and what each proves
(``shared/reference/stats-files.md`` §3.1, §5; ``endstats.md`` §1.2, §2.2;
``lua-webhook-and-gametimes.md`` rosters):

* **Used: the endstats side-car's ``VS_HEADER`` subjects.** A subject block exists only for a
  player on Axis/Allies at the end who has a non-zero head-to-head row, i.e. who killed an enemy
  or was killed by one during the round. A kill or death by a weapon lands in that player's
  per-weapon counters, so the weapon mask is non-zero and the c0rnp0rn Lua writes the player's
  line (leavers keep theirs). So a subject whose GUID (first 8 chars, as the stats file writes
  it) has no player row of the linked round is a player the file lost. The endstats ingestion
  already resolves each subject within the linked round's rows and marks exactly this case
  ``vs_header_not_in_roster`` (bots and GUID-less clients are matched by name first).
  Residual doubt, stated rather than hidden: kills by a means with no weapon slot (a goomba, a
  telefrag) count in the endstats table but set no weapon bit; a player whose only fights were
  those would be reported wrongly. That is why the verdict warns and keeps the round.
* **Not used: the Lua round-end roster.** It lists everyone connected on a team at the end,
  including players who never fired, hit, killed or died (no line by design).
* **Not used: the R1 file for an R2.** R2 counters are cumulative, but an R1 player missing
  from R2 may have left; with the Lua roster added, a reconnect resets the counters (the R2
  differential's reset rule exists because this happens), so even "R1 player still connected at
  the R2 end" does not prove a line.
* **No header field** declares a count.

Verdict (why keep and warn): every line that is present is complete and correct; only rows are
missing. Quarantining the file would lose every present player's round (for an R2) or turn its
R2 into an orphan with cumulative values for everyone (for an R1), and blocking the day would
hold back every other session of it. So the round is kept and this gate names it, per day, with
the missing players and the evidence; for a cut R1 it also names the R2 whose rows for those
players keep both halves (they had no R1 row to subtract).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult

__all__ = [
    "NOT_IN_ROUND",
    "PLAYERS_MISSING",
    "CompletenessRound",
    "EndstatsSubject",
    "stats_completeness_gate",
    "summarize_stats_completeness",
]

PLAYERS_MISSING = "players_missing"
"""Failure reason: the linked endstats side-car names players the stats file lacks."""
NOT_IN_ROUND = "vs_header_not_in_roster"
"""``round_vs_stats.subject_guid_status`` of a subject with no player row in its linked round."""


@dataclass(frozen=True, slots=True)
class EndstatsSubject:
    """A ``VS_HEADER`` subject of a side-car linked to the round."""

    guid: str
    name: str
    status: str
    source_file: str


@dataclass(frozen=True, slots=True)
class CompletenessRound:
    """A stored stats round of the day with its evidence (empty ``subjects``: none linked)."""

    round_key: str
    round_number: int
    players: int
    subjects: tuple[EndstatsSubject, ...] = ()
    paired_r2_key: str | None = None
    """For an R1: the stats round of its R2, whose rows of players missing here keep R1+R2."""


def summarize_stats_completeness(
    coverage: Mapping[str, Any], failures: Sequence[GateFailure]
) -> str:
    checked = coverage.get("rounds_checked", 0)
    total = coverage.get("rounds", 0)
    if not failures:
        return f"{checked}/{total} rounds checked against their endstats side-car: none cut"
    missing = coverage.get("players_missing", 0)
    return (
        f"{len(failures)} stats file(s) lack {missing} player(s) their endstats side-car names "
        f"({checked}/{total} rounds checked); kept, flagged"
    )


def _missing(subjects: Iterable[EndstatsSubject]) -> dict[str, EndstatsSubject]:
    """The subjects without a row in the round, one per GUID (first side-car wins)."""
    out: dict[str, EndstatsSubject] = {}
    for s in sorted(subjects, key=lambda s: (s.guid, s.source_file, s.name)):
        if s.status == NOT_IN_ROUND:
            out.setdefault(s.guid, s)
    return out


def stats_completeness_gate(rounds: Iterable[CompletenessRound]) -> GateResult:
    """Warn for every round whose linked side-car names a player its stats file lacks."""
    rounds = sorted(rounds, key=lambda r: r.round_key)
    failures = []
    checked = missing_total = 0
    for r in rounds:
        if not r.subjects:
            continue
        checked += 1
        missing = _missing(r.subjects)
        if not missing:
            continue
        missing_total += len(missing)
        who = ", ".join(f"{guid} ({s.name})" for guid, s in sorted(missing.items()))
        files = ", ".join(sorted({s.source_file for s in missing.values()}))
        detail = (
            f"{len(missing)} player(s) with kills or deaths this round per endstats {files} "
            f"have no line in the stats file ({r.players} stored): {who}; file cut at a line "
            f"boundary? Kept; re-fetch the file if the server still has it"
        )
        if r.paired_r2_key is not None:
            detail += f"; if they played on, their rows in {r.paired_r2_key} keep R1+R2 values"
        failures.append(GateFailure(r.round_key, PLAYERS_MISSING, detail))
    coverage = {
        "rounds": len(rounds),
        "rounds_checked": checked,
        "rounds_without_endstats": len(rounds) - checked,
        "rounds_cut": len(failures),
        "players_missing": missing_total,
    }
    return GateResult(
        not failures, tuple(failures), coverage, summarize_stats_completeness(coverage, failures)
    )
