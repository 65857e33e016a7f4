"""Coverage losses: what a night lost (never wrong numbers), named and classified, never blocking.

A real game server loses data every night in ways its own references document: a
``map_restart`` seconds after a round start leaves a short Lua capture and no stats file, the
Lua misses some R2 round ends in the map-transition race, the shutdown fallback reports a round
that was cut short. None of these makes a downstream number wrong: a round without Lua keeps the
stats file's own timing and winner, a Lua capture without a stats round is simply not used. So
they are *coverage* losses: reported per day with a reason class and counts, as a warning, and
they never hold back a day's sessions (see ``docs/gates.md``).

*Integrity* failures (a link that contradicts the data, a round linked twice, a negative value,
totals that disagree, a duplicate key) stay in :mod:`slomix_pipeline.domain.gates` and block.
The warm-up timelimit cap (:func:`warmup_cap_shift`) is the one documented reason why a correct
link's starts legitimately differ; the integrity gate asks this module before failing a start.

Pure: records in, :class:`~slomix_pipeline.domain.gates.GateResult` out, ``now_unix`` a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult
from slomix_pipeline.domain.gates.verdicts import gate_result as _result
from slomix_pipeline.domain.gates.ws1_records import DEFAULT_GRACE_S, LinkedRound, LuaRoundEnd

# Reason classes of a Lua round end that no stats round claims.
RESTART_CAPTURE = "restart_capture"
"""A capture shorter than :data:`RESTART_CAPTURE_MAX_S`: a ``map_restart`` (or a restart vote)
right after the round start; the engine writes no stats file for it (upstream drops these
"ghost rounds" from STATS_READY but ingests their gametime file)."""
SHUTDOWN_CAPTURE = "shutdown_capture"
"""Sent by the Lua's shutdown fallback (map unloaded mid-round): no winner, reported as a
surrender; the engine wrote no stats file for the interrupted round."""
STATS_FILE_MISSING = "stats_file_missing"
"""A full round the Lua saw whose stats file never landed (a real loss; fetch it if it exists)."""

# Reason classes of a stats round without a Lua round end.
R2_LUA_RACE = "r2_lua_race"
"""An R2 the Lua did not report: the documented R2 map-transition race."""
LUA_NEVER_RECEIVED = "lua_never_received"
"""An R1 with no Lua delivery at all (webhook and gametime file both missing)."""
LINK_UNDECIDED = "link_undecided"
"""Lua candidates exist but none could be chosen without guessing (a tie, or the candidate is
claimed by a better match): the linker leaves it unlinked rather than risk a wrong link."""

RESTART_CAPTURE_MAX_S = 30
"""Upstream's ghost-round threshold: a Lua playtime under 30 s is a restart capture."""

LOSS_CLASSES: tuple[str, ...] = (
    RESTART_CAPTURE,
    SHUTDOWN_CAPTURE,
    STATS_FILE_MISSING,
    R2_LUA_RACE,
    LUA_NEVER_RECEIVED,
    LINK_UNDECIDED,
)
BENIGN_CLASSES: frozenset[str] = frozenset({RESTART_CAPTURE, SHUTDOWN_CAPTURE, R2_LUA_RACE})
"""Classes the references document as normal server behaviour (nothing to fetch or fix)."""

_UNDECIDED_REASONS = frozenset({"ambiguous", "unlinked_candidate", "linked_elsewhere"})


def classify_lua_without_round(lua: LuaRoundEnd) -> str:
    """The reason class of a Lua round end that no stats round claims."""
    played = lua.actual_duration_seconds
    if played is not None and played < RESTART_CAPTURE_MAX_S:
        return RESTART_CAPTURE
    if lua.winner_team == 0 and lua.end_reason.lower() == "surrender":
        return SHUTDOWN_CAPTURE
    return STATS_FILE_MISSING


def classify_round_without_lua(r: LinkedRound) -> str:
    """The reason class of a stats round that has no Lua round end."""
    if r.link_reason in _UNDECIDED_REASONS:
        return LINK_UNDECIDED
    return R2_LUA_RACE if r.round_number == 2 else LUA_NEVER_RECEIVED


def summarize_lua_coverage(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    rounds, lua = coverage.get("rounds_due", 0), coverage.get("lua_due", 0)
    with_lua = rounds - coverage.get("rounds_without_lua", 0)
    claimed = lua - coverage.get("lua_without_round", 0)
    text = f"Lua coverage {with_lua}/{rounds} rounds, {claimed}/{lua} Lua round ends used"
    classes = coverage.get("loss_classes") or {}
    if classes:
        text += "; losses: " + ", ".join(f"{k} {v}" for k, v in classes.items())
    return text


def lua_coverage_gate(
    rounds: Iterable[LinkedRound],
    lua_rows: Iterable[LuaRoundEnd],
    *,
    now_unix: int,
    grace_s: int = DEFAULT_GRACE_S,
) -> GateResult:
    """WS1 coverage: every round without Lua and every Lua capture without a round, classified.

    Only rows past the grace period count (a late delivery may still arrive). The reason of each
    failure is its class (:data:`LOSS_CLASSES`); ``coverage/loss_classes`` counts them. Meant to
    be reported with WARN severity: a round without Lua keeps the stats file's timing.
    """
    failures: list[GateFailure] = []
    due_rounds = due_lua = 0
    for r in rounds:
        if r.round_number not in (1, 2) or now_unix - r.file_time_unix < grace_s:
            continue
        due_rounds += 1
        if r.link_reason is not None and r.lua_round_id is None:
            cls = classify_round_without_lua(r)
            failures.append(
                GateFailure(
                    r.round_key,
                    cls,
                    f"no Lua round end (linker: {r.link_reason}); timing from the stats file",
                )
            )
    for x in lua_rows:
        if now_unix - x.round_end_unix < grace_s:
            continue
        due_lua += 1
        if x.link_reason is not None and x.round_id is None:
            cls = classify_lua_without_round(x)
            played = x.actual_duration_seconds
            failures.append(
                GateFailure(
                    x.label,
                    cls,
                    f"no stats round (linker: {x.link_reason}); Lua playtime "
                    f"{played if played is not None else '?'} s, end reason {x.end_reason}, "
                    f"winner {x.winner_team}",
                )
            )
    classes: dict[str, int] = {}
    for f in failures:
        classes[f.reason] = classes.get(f.reason, 0) + 1
    coverage = {
        "rounds_due": due_rounds,
        "lua_due": due_lua,
        "rounds_without_lua": sum(f.reason in _ROUND_CLASSES for f in failures),
        "lua_without_round": sum(f.reason not in _ROUND_CLASSES for f in failures),
        "loss_classes": dict(sorted(classes.items())),
        "benign_losses": sum(f.reason in BENIGN_CLASSES for f in failures),
    }
    return _result(failures, coverage, summarize_lua_coverage)


_ROUND_CLASSES = frozenset({R2_LUA_RACE, LUA_NEVER_RECEIVED, LINK_UNDECIDED})
