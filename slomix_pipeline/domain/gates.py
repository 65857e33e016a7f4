"""Quality gates as pure predicates: warehouse records in, a :class:`GateResult` out.

Each gate of the upstream sprint (WS0 round contract, WS1 Lua links, WS1C proximity, WS7 kill
assists, stats freshness) is one function here. A gate never raises on bad data: it names every
offending subject (a round key, a Lua round end, a proximity file, a session player) with a
reason code and a human detail, and reports coverage figures either way, so a passing gate says
*how much* it checked ("Lua linked 24/24 rounds") and a failing one says exactly *what* is wrong.

The functions know nothing of Dagster or SQL: the readers in ``warehouse/gate_reads.py`` build
the records, the asset checks in ``defs/checks/`` render the results. Anything that depends on
the wall clock (the WS1 grace period, freshness) takes ``now_unix`` as a parameter.

Where upstream's gate was lenient, these are stricter on purpose (see ``docs/gates.md``): a
missing R2 Lua row fails WS1 (upstream passed a session with 6 of 8 rounds), WS7 compares every
player (late joiners and unassigned players included) on four more counters than kill assists,
and the round contract is checked for internal consistency, not only for being filled.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slomix_pipeline.domain.lua_cap import warmup_cap_shift
from slomix_pipeline.domain.lua_events import EndReason

# --------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class GateFailure:
    """One offending subject: what it is, why it fails, and the facts behind the verdict."""

    subject: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class GateResult:
    """The verdict of one gate over one partition (or a combination of partitions).

    ``coverage`` holds the figures a passing gate reports (counts, or counts per reason);
    ``summary`` is the one-line verdict shown as the check's description.
    """

    passed: bool
    failures: tuple[GateFailure, ...]
    coverage: Mapping[str, Any]
    summary: str
    acknowledged: tuple[tuple[GateFailure, str], ...] = ()
    """Failures the operator accepted, each with the note saying why; they do not fail the gate."""

    def reason_counts(self) -> dict[str, int]:
        """Failures per reason code, sorted by code."""
        return dict(sorted(Counter(f.reason for f in self.failures).items()))

    def subjects(self, reason: str | None = None) -> set[str]:
        """The subjects named by the failures (of one reason when given)."""
        return {f.subject for f in self.failures if reason is None or f.reason == reason}


Summarizer = Callable[[Mapping[str, Any], Sequence[GateFailure]], str]


def _result(
    failures: Iterable[GateFailure], coverage: Mapping[str, Any], summarize: Summarizer
) -> GateResult:
    ordered = tuple(sorted(set(failures), key=lambda f: (f.reason, f.subject, f.detail)))
    return GateResult(not ordered, ordered, dict(coverage), summarize(coverage, ordered))


def combine(results: Iterable[GateResult], summarize: Summarizer) -> GateResult:
    """One result over several partitions: failures joined, integer coverage summed.

    Coverage values that are integers add up; mappings of integers (counts per reason) add up
    key by key; anything else is left out (it only makes sense per partition).
    """
    failures: list[GateFailure] = []
    acknowledged: list[tuple[GateFailure, str]] = []
    totals: dict[str, Any] = {}
    for result in results:
        failures.extend(result.failures)
        acknowledged.extend(result.acknowledged)
        for key, value in result.coverage.items():
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
            elif isinstance(value, Mapping) and all(isinstance(v, int) for v in value.values()):
                merged = Counter(totals.get(key, {}))
                merged.update(value)
                totals[key] = dict(sorted(merged.items()))
    combined = _result(failures, totals, summarize)
    if not acknowledged:
        return combined
    notes = {(f.subject, f.reason): note for f, note in acknowledged}
    with_acknowledged = _result([*failures, *(f for f, _ in acknowledged)], totals, summarize)
    return apply_acknowledgements(with_acknowledged, notes)


def apply_acknowledgements(result: GateResult, notes: Mapping[tuple[str, str], str]) -> GateResult:
    """Move the failures acknowledged by the operator out of the verdict, keeping them listed.

    ``notes`` maps (subject, reason) to the operator's note. An acknowledgement never hides a
    failure: it is reported as acknowledged, and an acknowledgement that matches nothing changes
    nothing. The summary keeps the gate's own words and says how many failures were accepted.
    """
    kept = [f for f in result.failures if (f.subject, f.reason) not in notes]
    accepted = tuple(
        (f, notes[(f.subject, f.reason)]) for f in result.failures if (f.subject, f.reason) in notes
    )
    if not accepted:
        return result
    total = len(result.failures) + len(result.acknowledged)
    summary = f"{result.summary} [{len(accepted)} of {total} acknowledged by the operator]"
    return GateResult(
        not kept, tuple(kept), result.coverage, summary, result.acknowledged + accepted
    )


def _counts(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}"


# ------------------------------------------------------------------------- WS0: contract

SCORE_CONFIDENCES: frozenset[str] = frozenset(
    {"verified_header", "time_fallback", "ambiguous", "missing"}
)
STOPWATCH_STATES: frozenset[str] = frozenset({"FULL_HOLD", "TIME_SET"})
SIDES: frozenset[int] = frozenset({0, 1, 2})
_TRUSTED_SIDES = (1, 2)

WS0_SUMMARY_ROUND = "summary_round"
WS0_SIDE_INVALID = "side_invalid"
WS0_CONFIDENCE_INVALID = "score_confidence_invalid"
WS0_CONFIDENCE_INCONSISTENT = "score_confidence_inconsistent"
WS0_STATE_INVALID = "stopwatch_state_invalid"
WS0_STATE_MISSING = "stopwatch_state_missing"
WS0_NEGATIVE_VALUE = "negative_value"
WS0_ORPHAN_R2 = "orphan_r2"


@dataclass(frozen=True, slots=True)
class ContractRound:
    """The contract columns of one ``rounds`` row."""

    round_key: str
    round_number: int
    defender_team: int | None
    winner_team: int | None
    score_confidence: str | None
    round_stopwatch_state: str | None
    time_limit_seconds: int | None
    actual_time_seconds: int | None
    side_reasons: tuple[str, ...]
    is_orphan_r2: bool
    source_file: str
    r1_file_name: str | None = None
    end_reason: str | None = None


NO_STATE_END_REASONS: frozenset[str] = frozenset({"surrender", "map_change"})
"""End reasons after which a round has no stopwatch state (neither a time set nor a hold)."""


@dataclass(frozen=True, slots=True)
class ValueRow:
    """The numeric values of one player row (or one player-weapon row) of a round.

    ``label`` names the row inside its round: the player GUID, plus the weapon for weapon rows.
    Readers may pass only rows that hold a negative value (and the total count separately).
    """

    round_key: str
    label: str
    values: Mapping[str, float | int]


def _confidence_problem(r: ContractRound) -> str | None:
    """Why the stored score confidence contradicts the sides and side diagnostics, if it does."""
    sides = (r.defender_team, r.winner_team)
    both_trusted = all(s in _TRUSTED_SIDES for s in sides)
    reasons = r.side_reasons
    conf = r.score_confidence
    if conf in ("verified_header", "time_fallback") and not both_trusted:
        return f"{conf} but defender={sides[0]}, winner={sides[1]}"
    if conf == "verified_header" and reasons:
        return f"verified_header despite side diagnostics {', '.join(reasons)}"
    if conf == "missing" and not (0 in sides or any(x.endswith("_missing") for x in reasons)):
        return "missing but both sides are set and no side is reported missing"
    if conf == "ambiguous" and not reasons:
        return "ambiguous without any side diagnostic"
    return None


def _contract_failures(r: ContractRound) -> list[GateFailure]:
    out: list[GateFailure] = []
    subject = r.round_key

    def fail(reason: str, detail: str) -> None:
        out.append(GateFailure(subject, reason, detail))

    if r.round_number not in (1, 2):
        fail(WS0_SUMMARY_ROUND, f"round_number {r.round_number}: only R1/R2 rows may be stored")
    bad_sides = [
        f"{name}={value}"
        for name, value in (("defender_team", r.defender_team), ("winner_team", r.winner_team))
        if value not in SIDES
    ]
    if bad_sides:
        fail(WS0_SIDE_INVALID, f"{', '.join(bad_sides)} (expected 0, 1 or 2)")
    if r.score_confidence not in SCORE_CONFIDENCES:
        fail(WS0_CONFIDENCE_INVALID, f"score_confidence={r.score_confidence!r}")
    elif not bad_sides and (problem := _confidence_problem(r)) is not None:
        fail(WS0_CONFIDENCE_INCONSISTENT, problem)
    state = r.round_stopwatch_state
    if state is not None and state not in STOPWATCH_STATES:
        fail(WS0_STATE_INVALID, f"round_stopwatch_state={state!r}")
    times_known = bool(r.time_limit_seconds and r.time_limit_seconds > 0) and bool(
        r.actual_time_seconds and r.actual_time_seconds > 0
    )
    if state is None and times_known and r.end_reason not in NO_STATE_END_REASONS:
        fail(
            WS0_STATE_MISSING,
            f"no stopwatch state although limit {r.time_limit_seconds} s and actual "
            f"{r.actual_time_seconds} s are known",
        )
    return out


def _negative_failures(rows: Iterable[ValueRow]) -> tuple[list[GateFailure], int]:
    out: list[GateFailure] = []
    seen = 0
    for row in rows:
        seen += 1
        negative = sorted((k, v) for k, v in row.values.items() if v is not None and v < 0)
        if negative:
            values = ", ".join(f"{k}={v}" for k, v in negative)
            out.append(GateFailure(f"{row.round_key} {row.label}", WS0_NEGATIVE_VALUE, values))
    return out, seen


def summarize_round_contract(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    rounds = coverage.get("rounds", 0)
    bad = len({f.subject.split(" ")[0] for f in failures})
    if not failures:
        return f"Round contract filled and consistent for {rounds}/{rounds} rounds"
    return f"Round contract broken: {len(failures)} failure(s) in {bad} round(s) of {rounds}"


def round_contract_gate(
    rounds: Iterable[ContractRound],
    value_rows: Iterable[ValueRow] = (),
    *,
    value_rows_checked: int | None = None,
) -> GateResult:
    """WS0: every round has valid sides, a consistent score confidence and a stopwatch state.

    A stopwatch state may only be absent when the round's limit or actual time is unknown (the
    contract cannot tell a hold from a time set then); a summary row (round 0) must never be
    stored; no player or weapon value may be negative after the R2 differential. Side
    diagnostics are counted per reason; they explain a ``missing``/``ambiguous`` confidence and
    are not failures by themselves.
    """
    round_list = list(rounds)
    failures: list[GateFailure] = []
    for r in round_list:
        failures.extend(_contract_failures(r))
    negatives, seen = _negative_failures(value_rows)
    failures.extend(negatives)
    coverage = {
        "rounds": len(round_list),
        "value_rows_checked": seen if value_rows_checked is None else value_rows_checked,
        "score_confidence": _counts(str(r.score_confidence) for r in round_list),
        "stopwatch_state": _counts(
            r.round_stopwatch_state or "none (times unknown)" for r in round_list
        ),
        "side_reasons": _counts(reason for r in round_list for reason in r.side_reasons),
        "orphan_r2": sum(r.is_orphan_r2 for r in round_list),
    }
    return _result(failures, coverage, summarize_round_contract)


def summarize_orphan_r2(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    r2 = coverage.get("r2_rounds", 0)
    if not failures:
        return f"Every R2 has its R1: {r2}/{r2} R2 rounds paired"
    return f"{len(failures)} orphan R2 file(s) of {r2} R2 rounds (R1 never landed)"


def orphan_r2_gate(rounds: Iterable[ContractRound]) -> GateResult:
    """WS0: report every R2 stored without its R1 (its values are cumulative over both halves)."""
    r2 = [r for r in rounds if r.round_number == 2]
    failures = [
        GateFailure(
            r.round_key, WS0_ORPHAN_R2, f"{r.source_file}: no R1 of the map within the window"
        )
        for r in r2
        if r.is_orphan_r2
    ]
    coverage = {"r2_rounds": len(r2), "r2_paired": len(r2) - len(failures)}
    return _result(failures, coverage, summarize_orphan_r2)


# --------------------------------------------------------------------------- WS1: Lua links

WS1_LINK_ROW_MISSING = "link_row_missing"
WS1_ROUND_WITHOUT_LUA = "round_without_lua"
WS1_LUA_UNLINKED = "lua_unlinked"
WS1_LINKED_TWICE = "round_linked_twice"
WS1_LINK_DISAGREEMENT = "link_disagreement"
WS1_LINK_DANGLING = "link_dangling"
WS1_MAP_MISMATCH = "link_map_mismatch"
WS1_ROUND_MISMATCH = "link_round_mismatch"
WS1_TIME_MISMATCH = "link_time_mismatch"
WS1_START_MISMATCH = "link_start_mismatch"
WS1_ENUM_INVALID = "lua_enum_invalid"

END_REASONS: frozenset[str] = frozenset(e.value for e in EndReason)
DEFAULT_TOLERANCE_S = 30
DEFAULT_GRACE_S = 15 * 60


@dataclass(frozen=True, slots=True)
class LinkedRound:
    """A stats round with its stored link (``round_links``) and what integrity needs.

    ``link_reason`` None means ``linked_rounds`` has no row for the round yet;
    ``alt_file_time_unix`` is the second reading of a file time in a DST repeated hour;
    ``round_start_unix`` is the start its proximity file gives it, when one does.
    """

    round_id: int
    round_key: str
    map_key: str
    round_number: int
    file_time_unix: int
    lua_round_id: int | None
    link_reason: str | None
    alt_file_time_unix: int | None = None
    round_start_unix: int | None = None


@dataclass(frozen=True, slots=True)
class LuaRoundEnd:
    """A Lua round end (``lua_round_teams``) with its stored link (``lua_round_links``)."""

    lua_round_id: int
    label: str
    map_key: str
    round_number: int
    round_start_unix: int
    round_end_unix: int
    end_reason: str
    winner_team: int
    defender_team: int
    round_id: int | None
    link_reason: str | None
    actual_duration_seconds: int | None = None
    timelimit_minutes: float | None = None
    warmup_seconds: int | None = None


def lua_label(match_id: str, map_key: str, round_number: int) -> str:
    """How a Lua round end is named in gate metadata (end time on the server clock)."""
    return f"lua {match_id}-{map_key}-R{round_number}"


def _time_delta(r: LinkedRound, epoch: int) -> int:
    times = [r.file_time_unix]
    if r.alt_file_time_unix is not None:
        times.append(r.alt_file_time_unix)
    return min((epoch - t for t in times), key=abs)


def _integrity(
    r: LinkedRound, lua: LuaRoundEnd, tolerance_s: int, start_tolerance_s: int
) -> list[GateFailure]:
    out = []
    pair = f"{r.round_key} <-> {lua.label}"
    if lua.map_key != r.map_key:
        out.append(GateFailure(r.round_key, WS1_MAP_MISMATCH, f"{pair}: {lua.map_key!r}"))
    if lua.round_number != r.round_number:
        out.append(
            GateFailure(r.round_key, WS1_ROUND_MISMATCH, f"{pair}: Lua says R{lua.round_number}")
        )
    delta = _time_delta(r, lua.round_end_unix)
    if abs(delta) > tolerance_s:
        out.append(
            GateFailure(
                r.round_key,
                WS1_TIME_MISMATCH,
                f"{pair}: Lua end - file time = {delta} s (limit {tolerance_s} s)",
            )
        )
    if r.round_start_unix and lua.round_start_unix > 0:
        start_delta = lua.round_start_unix - r.round_start_unix
        if abs(start_delta) > start_tolerance_s and not _cap_explains(r, lua, start_tolerance_s):
            out.append(
                GateFailure(
                    r.round_key,
                    WS1_START_MISMATCH,
                    f"{pair}: start {r.round_start_unix} (proximity) vs {lua.round_start_unix} "
                    f"(Lua), {start_delta} s apart (limit {start_tolerance_s} s; the warm-up "
                    "timelimit cap does not explain it)",
                )
            )
    return out


def _cap_explains(r: LinkedRound, lua: LuaRoundEnd, tolerance_s: int) -> bool:
    """Whether the Lua's warm-up timelimit cap explains a later Lua start (a correct link)."""
    if not r.round_start_unix:
        return False
    shift = warmup_cap_shift(
        r.round_start_unix,
        lua.round_start_unix,
        lua.actual_duration_seconds,
        lua.timelimit_minutes,
        lua.warmup_seconds,
        tolerance_s,
    )
    return shift is not None


def _start_shifted_by_cap(r: LinkedRound, lua: LuaRoundEnd, tolerance_s: int) -> bool:
    """A link whose starts differ by more than the tolerance, explained by the timelimit cap."""
    if not (r.round_start_unix and lua.round_start_unix > 0):
        return False
    delta = lua.round_start_unix - r.round_start_unix
    return abs(delta) > tolerance_s and _cap_explains(r, lua, tolerance_s)


def _enum_failures(lua: LuaRoundEnd) -> list[GateFailure]:
    bad = []
    if lua.end_reason not in END_REASONS:
        bad.append(f"end_reason={lua.end_reason!r}")
    if lua.winner_team not in SIDES:
        bad.append(f"winner_team={lua.winner_team}")
    if lua.defender_team not in SIDES:
        bad.append(f"defender_team={lua.defender_team}")
    if lua.round_number not in (1, 2):
        bad.append(f"round_number={lua.round_number}")
    return [GateFailure(lua.label, WS1_ENUM_INVALID, ", ".join(bad))] if bad else []


def summarize_lua_links(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    due, linked = coverage.get("rounds_due", 0), coverage.get("rounds_due_linked", 0)
    lua_due, lua_linked = coverage.get("lua_due", 0), coverage.get("lua_due_linked", 0)
    pending = coverage.get("rounds_pending", 0) + coverage.get("lua_pending", 0)
    text = (
        f"Lua linked {_ratio(linked, due)} rounds, "
        f"{_ratio(lua_linked, lua_due)} Lua round ends linked"
    )
    if pending:
        text += f", {pending} still inside the grace period"
    if failures:
        text += f"; {len(failures)} failure(s)"
    return text


def lua_link_gate(
    rounds: Iterable[LinkedRound],
    lua_rows: Iterable[LuaRoundEnd],
    *,
    now_unix: int,
    grace_s: int = DEFAULT_GRACE_S,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    start_tolerance_s: int = DEFAULT_TOLERANCE_S,
    context_rounds: Iterable[LinkedRound] = (),
    context_lua: Iterable[LuaRoundEnd] = (),
) -> GateResult:
    """WS1 integrity: every Lua link is consistent with the data it joins.

    ``rounds`` and ``lua_rows`` are the partition's own rows; ``context_*`` are rows of other
    days that the partition's links point to (or that point into the partition), used for the
    link checks only. A round or Lua row younger than ``grace_s`` (file time / round end vs
    ``now_unix``) may still be unlinked; a link it already has is checked all the same.

    Failures (each would make a downstream number wrong): a link whose two sides disagree or
    point at a row that does not exist, a round claimed by two Lua rows, a link joining rows of
    another map or round number, a Lua end more than ``tolerance_s`` from the file time, start
    times (both known) more than ``start_tolerance_s`` apart unless the Lua's warm-up timelimit
    cap explains the later Lua start (:mod:`slomix_pipeline.domain.lua_cap`; counted as
    ``coverage/start_cap_shifts``), a missing link row (``linked_rounds`` did not run), and a
    Lua row whose end reason, winner, defender or round number is outside its enum. A round
    without Lua or a Lua capture without a round is a *coverage* loss, not a failure here: see
    :func:`slomix_pipeline.domain.gate_coverage.lua_coverage_gate`.

    Why the starts get a tolerance: upstream compared a Lua start with the *same* Lua start
    copied onto ``rounds``; here the round's start comes from the proximity tracker, a separate
    Lua module that may stamp the same instant a second apart. A wrong link (a replayed map's
    previous round) is minutes away, so the link tolerance still catches every misbind; pass
    ``start_tolerance_s=0`` for strict equality.
    """
    own_rounds = [r for r in rounds if r.round_number in (1, 2)]
    own_lua = list(lua_rows)
    all_rounds = {r.round_id: r for r in (*context_rounds, *own_rounds)}
    all_lua = {x.lua_round_id: x for x in (*context_lua, *own_lua)}
    claims: dict[int, list[LuaRoundEnd]] = defaultdict(list)
    for x in all_lua.values():
        if x.round_id is not None:
            claims[x.round_id].append(x)

    failures: list[GateFailure] = []
    due = linked = pending = cap_shifts = 0
    for r in own_rounds:
        is_due = now_unix - r.file_time_unix >= grace_s
        due += is_due
        pending += not is_due and r.lua_round_id is None
        claimants = claims.get(r.round_id, [])
        if len(claimants) > 1:
            names = ", ".join(sorted(x.label for x in claimants))
            failures.append(GateFailure(r.round_key, WS1_LINKED_TWICE, f"claimed by {names}"))
        if r.link_reason is None:
            if is_due:
                failures.append(
                    GateFailure(
                        r.round_key,
                        WS1_LINK_ROW_MISSING,
                        "no round_links row: linked_rounds has not run for this round",
                    )
                )
            continue
        if r.lua_round_id is None:
            continue  # a coverage loss, classified by gate_coverage.lua_coverage_gate
        lua = all_lua.get(r.lua_round_id)
        if lua is None:
            failures.append(
                GateFailure(
                    r.round_key,
                    WS1_LINK_DANGLING,
                    f"linked to Lua id {r.lua_round_id}, which is not stored",
                )
            )
            continue
        linked += is_due
        if lua.round_id != r.round_id:
            failures.append(
                GateFailure(
                    r.round_key,
                    WS1_LINK_DISAGREEMENT,
                    f"round -> {lua.label}, but that Lua row -> round id {lua.round_id}",
                )
            )
        failures.extend(_integrity(r, lua, tolerance_s, start_tolerance_s))
        cap_shifts += _start_shifted_by_cap(r, lua, start_tolerance_s)

    lua_due = lua_linked = lua_pending = 0
    for x in own_lua:
        failures.extend(_enum_failures(x))
        is_due = now_unix - x.round_end_unix >= grace_s
        lua_due += is_due
        if x.link_reason is None:
            if is_due:
                failures.append(
                    GateFailure(
                        x.label,
                        WS1_LINK_ROW_MISSING,
                        "no lua_round_links row: linked_rounds has not run for this Lua row",
                    )
                )
            continue
        if x.round_id is None:
            lua_pending += not is_due
            continue  # a coverage loss, classified by gate_coverage.lua_coverage_gate
        lua_linked += is_due
        target = all_rounds.get(x.round_id)
        if target is None:
            failures.append(
                GateFailure(
                    x.label, WS1_LINK_DANGLING, f"linked to round id {x.round_id}, not stored"
                )
            )
        elif target.lua_round_id != x.lua_round_id:
            failures.append(
                GateFailure(
                    x.label,
                    WS1_LINK_DISAGREEMENT,
                    f"Lua row -> {target.round_key}, which links Lua id {target.lua_round_id}",
                )
            )
    coverage = {
        "rounds": len(own_rounds),
        "rounds_due": due,
        "rounds_due_linked": linked,
        "rounds_pending": pending,
        "lua_rows": len(own_lua),
        "lua_due": lua_due,
        "lua_due_linked": lua_linked,
        "lua_pending": lua_pending,
        "round_link_reasons": _counts(r.link_reason or "no_link_row" for r in own_rounds),
        "lua_link_reasons": _counts(x.link_reason or "no_link_row" for x in own_lua),
        "start_cap_shifts": cap_shifts,
    }
    return _result(failures, coverage, summarize_lua_links)


# ---------------------------------------------------------------------- WS1C: proximity

WS1C_FILE_UNLINKED = "file_unlinked"
WS1C_LINK_DANGLING = "link_dangling"
WS1C_SPRINT_FLAT = "sprint_flat"
WS1C_DUPLICATE_KEY = "duplicate_natural_key"


@dataclass(frozen=True, slots=True)
class ProximityFileLink:
    """One ``proximity_files`` row: its round link and the identity decision behind it."""

    source_file: str
    round_id: int | None
    round_exists: bool
    identity_reason: str
    sprint_signal: str
    player_tracks: int


@dataclass(frozen=True, slots=True)
class SprintDistribution:
    """The sprint percentages of a partition's tracks (``player_track``), summarised."""

    label: str
    tracks: int
    valued: int
    nonzero: int
    minimum: float | None
    maximum: float | None
    files_signal_absent: int = 0


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A natural key stored more than once (found by a GROUP BY ... HAVING count > 1)."""

    table: str
    key: str
    rows: int
    files: tuple[str, ...]


def summarize_proximity_links(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    files, linked = coverage.get("files", 0), coverage.get("files_linked", 0)
    text = f"Proximity linked {_ratio(linked, files)} files"
    tracks, sprinting = coverage.get("tracks", 0), coverage.get("tracks_sprinting", 0)
    if tracks:
        text += f", {sprinting}/{tracks} tracks with sprint > 0"
    if failures:
        text += f"; {len(failures)} failure(s)"
    return text


def _sprint_flat(d: SprintDistribution) -> str | None:
    """Why the distribution is flat, or None; only a partition with tracks can be flat."""
    if d.tracks == 0:
        return None
    absent = f"; {d.files_signal_absent} file(s) with sprint signal absent" * bool(
        d.files_signal_absent
    )
    if d.nonzero == 0:
        return (
            f"no track sprints: {d.tracks} tracks, {d.valued} with a sprint value, "
            f"max {d.maximum}{absent}"
        )
    if d.valued >= 2 and d.minimum == d.maximum:
        return f"all {d.valued} valued tracks at {d.minimum} %{absent}"
    return None


def proximity_link_gate(
    files: Iterable[ProximityFileLink], sprint: SprintDistribution | None = None
) -> GateResult:
    """WS1C: every proximity file is linked to a stored round; sprint is not flat.

    The sprint distribution is flat when no track of a partition with tracks sprints (the
    WS1C-004 symptom: a dead sprint bit gives 0 % everywhere, here NULL because the ingestion
    marks the signal absent) or when at least two tracks all carry the very same value.
    """
    file_list = list(files)
    failures: list[GateFailure] = []
    for f in file_list:
        if f.round_id is None:
            failures.append(
                GateFailure(
                    f.source_file,
                    WS1C_FILE_UNLINKED,
                    f"no stats round linked (round identity: {f.identity_reason})",
                )
            )
        elif not f.round_exists:
            failures.append(
                GateFailure(
                    f.source_file, WS1C_LINK_DANGLING, f"round id {f.round_id} is not stored"
                )
            )
    if sprint is not None and (why := _sprint_flat(sprint)) is not None:
        failures.append(GateFailure(sprint.label, WS1C_SPRINT_FLAT, why))
    coverage = {
        "files": len(file_list),
        "files_linked": sum(f.round_id is not None and f.round_exists for f in file_list),
        "identity_reasons": _counts(f.identity_reason for f in file_list),
        "sprint_signal": _counts(f.sprint_signal for f in file_list),
        "tracks": sprint.tracks if sprint else 0,
        "tracks_sprinting": sprint.nonzero if sprint else 0,
    }
    return _result(failures, coverage, summarize_proximity_links)


def summarize_unique_keys(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    rows = coverage.get("rows_checked", 0)
    if not failures:
        return f"No duplicate natural key among {rows} proximity rows"
    return f"{len(failures)} natural key(s) stored more than once among {rows} proximity rows"


def unique_keys_gate(
    duplicates: Iterable[DuplicateKey], rows_checked: Mapping[str, int]
) -> GateResult:
    """WS1C: no round, engagement or track natural key is stored twice (WS1C-003)."""
    failures = [
        GateFailure(
            f"{d.table} {d.key}",
            WS1C_DUPLICATE_KEY,
            f"{d.rows} rows from {', '.join(sorted(d.files))}",
        )
        for d in duplicates
    ]
    coverage = {"rows_checked": sum(rows_checked.values()), "rows_per_table": dict(rows_checked)}
    return _result(failures, coverage, summarize_unique_keys)


# ----------------------------------------------------------------------- WS7: kill assists

WS7_FIELDS: tuple[str, ...] = (
    "kill_assists",
    "kills",
    "deaths",
    "damage_given",
    "damage_received",
)
"""Counters compared between the three views (kill assists first: the gate's name)."""

WS7_KA_MISSING = "kill_assists_missing"
WS7_MISSING_FROM_TOTALS = "player_missing_from_totals"
WS7_MISSING_FROM_GRAPHS = "player_missing_from_graphs"
WS7_PLAYER_WITHOUT_ROUNDS = "player_without_rounds"
WS7_TOTALS_VS_GRAPHS = "totals_vs_graphs"
WS7_GRAPHS_VS_ROUNDS = "graphs_vs_rounds"
WS7_SUMMARY_COUNTED = "summary_round_counted"


@dataclass(frozen=True, slots=True)
class SessionRoundRef:
    """A round of a session (``session_rounds``)."""

    session_id: int
    round_id: int
    round_key: str
    round_number: int
    counted: bool


@dataclass(frozen=True, slots=True)
class PlayerValues:
    """A player's counters in one view: session totals (``round_id`` None), a graph row, or a
    stored round row (``player_comprehensive_stats``, with its ``round_number``)."""

    session_id: int
    player_guid: str
    player_name: str
    values: Mapping[str, int | None]
    round_id: int | None = None
    round_number: int | None = None


def _player_subject(session_key: str, guid: str, name: str) -> str:
    return f"{session_key} {guid} ({name})"


def _sum_by_guid(rows: Iterable[PlayerValues]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        target = out.setdefault(row.player_guid, dict.fromkeys(WS7_FIELDS, 0))
        for name in WS7_FIELDS:
            target[name] += row.values.get(name) or 0
    return out


def _diff(a: Mapping[str, int], b: Mapping[str, int], names: tuple[str, str]) -> str | None:
    parts = [
        f"{field}: {names[0]} {a[field]} vs {names[1]} {b[field]}"
        for field in WS7_FIELDS
        if a[field] != b[field]
    ]
    return "; ".join(parts) or None


def summarize_kill_assists(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    text = (
        f"{coverage.get('sessions', 0)} session(s), {coverage.get('players', 0)} player(s): "
        f"kill_assists {coverage.get('ka_totals', 0)} (totals) = "
        f"{coverage.get('ka_graphs', 0)} (graphs) = {coverage.get('ka_rounds', 0)} (R1/R2 rows)"
    )
    if failures:
        text = f"WS7 parity broken ({len(failures)} failure(s)); " + text
    return text


def kill_assists_gate(
    sessions: Mapping[int, str],
    session_rounds: Iterable[SessionRoundRef],
    totals: Iterable[PlayerValues],
    graph_rows: Iterable[PlayerValues],
    round_rows: Iterable[PlayerValues],
) -> GateResult:
    """WS7: kill assists present for every player, and three views that agree per player.

    ``sessions`` maps session id to session key; ``round_rows`` are the stored player rows of
    the sessions' *counted* rounds. Only R1/R2 rows are summed (a round-0 summary row is
    excluded, and a counted summary round is itself a failure). Every GUID that played a counted
    R1/R2 round must have a session total and graph rows, late joiners and unassigned players
    included; per player, totals == sum of graph rows == sum of R1/R2 rows for every counter in
    :data:`WS7_FIELDS`.
    """
    failures: list[GateFailure] = []
    key_of = dict(sessions)
    counted = set()
    for sr in session_rounds:
        if not sr.counted:
            continue
        counted.add(sr.round_id)
        if sr.round_number not in (1, 2):
            failures.append(
                GateFailure(
                    sr.round_key,
                    WS7_SUMMARY_COUNTED,
                    f"round_number {sr.round_number} counted in {key_of.get(sr.session_id)}",
                )
            )
    by_session: dict[int, dict[str, list[PlayerValues]]] = defaultdict(
        lambda: {"totals": [], "graphs": [], "rounds": []}
    )
    for view, rows in (("totals", totals), ("graphs", graph_rows), ("rounds", round_rows)):
        for row in rows:
            if view == "rounds" and (row.round_number not in (1, 2) or row.round_id not in counted):
                continue
            by_session[row.session_id][view].append(row)

    players = 0
    ka = dict.fromkeys(("totals", "graphs", "rounds"), 0)
    for session_id in sorted(set(key_of) | set(by_session)):
        skey = key_of.get(session_id, f"session {session_id}")
        views = by_session[session_id]
        names = {r.player_guid: r.player_name for v in views.values() for r in v}
        for view in ("totals", "graphs"):
            for row in views[view]:
                if row.values.get("kill_assists") is None:
                    where = "session totals" if view == "totals" else f"graph row {row.round_id}"
                    failures.append(
                        GateFailure(
                            _player_subject(skey, row.player_guid, row.player_name),
                            WS7_KA_MISSING,
                            f"kill_assists is NULL in the {where}",
                        )
                    )
        sums = {view: _sum_by_guid(rows) for view, rows in views.items()}
        for view in ka:
            ka[view] += sum(v["kill_assists"] for v in sums[view].values())
        guids = set(sums["totals"]) | set(sums["graphs"]) | set(sums["rounds"])
        players += len(guids)
        for guid in sorted(guids):
            subject = _player_subject(skey, guid, names.get(guid, "?"))
            t, g, r = (sums[v].get(guid) for v in ("totals", "graphs", "rounds"))
            if r is None:
                failures.append(
                    GateFailure(
                        subject, WS7_PLAYER_WITHOUT_ROUNDS, "no R1/R2 row in any counted round"
                    )
                )
            else:
                if t is None:
                    failures.append(
                        GateFailure(subject, WS7_MISSING_FROM_TOTALS, "played but has no total")
                    )
                if g is None:
                    failures.append(
                        GateFailure(
                            subject, WS7_MISSING_FROM_GRAPHS, "played but has no graph rows"
                        )
                    )
            if t is not None and g is not None and (d := _diff(t, g, ("totals", "graphs"))):
                failures.append(GateFailure(subject, WS7_TOTALS_VS_GRAPHS, d))
            if g is not None and r is not None and (d := _diff(g, r, ("graphs", "rounds"))):
                failures.append(GateFailure(subject, WS7_GRAPHS_VS_ROUNDS, d))
    coverage = {
        "sessions": len(set(key_of) | set(by_session)),
        "counted_rounds": len(counted),
        "players": players,
        "ka_totals": ka["totals"],
        "ka_graphs": ka["graphs"],
        "ka_rounds": ka["rounds"],
    }
    return _result(failures, coverage, summarize_kill_assists)


# --------------------------------------------------------------------------- freshness

FRESHNESS_STALE = "stale"
FRESHNESS_NO_FILES = "no_files"

_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class ActiveHours:
    """A daily wall-clock window on the server clock; ``end <= start`` wraps past midnight."""

    start: time
    end: time

    def window_start(self, local: datetime) -> datetime | None:
        """Start of the window ``local`` is in (naive server-local time), or None if outside."""
        start_today = datetime.combine(local.date(), self.start)
        if self.start < self.end:
            inside = self.start <= local.time() < self.end
            return start_today if inside else None
        if local.time() >= self.start:
            return start_today
        if local.time() < self.end:
            return start_today - timedelta(days=1)
        return None


def parse_active_hours(text: str) -> ActiveHours:
    """Parse ``HH:MM-HH:MM`` (server clock); ``00:00-00:00`` means all day."""
    match = _HOURS_RE.match(text)
    if not match:
        raise ValueError(f"active hours {text!r}: expected HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"active hours {text!r}: not a valid time of day")
    return ActiveHours(time(h1, m1), time(0, 0) if h2 == 24 else time(h2, m2))


def summarize_freshness(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    if not coverage.get("active", False):
        return "Outside active hours: freshness not required"
    age = coverage.get("newest_age_minutes")
    text = f"Newest stats round {age} min old" if age is not None else "No stats round stored"
    text += f" (window {coverage.get('window_minutes')} min)"
    return ("Stats files stopped arriving: " if failures else "Stats files arriving: ") + text


def freshness_gate(
    now_unix: int,
    newest_file_unix: int | None,
    *,
    newest_label: str | None,
    active_hours: ActiveHours,
    window_s: int,
    tz: ZoneInfo,
) -> GateResult:
    """Freshness: during active hours a stats file arrives at least every ``window_s``.

    Only time inside the current active window counts: at 19:05 with a 19:00 start and a
    60-minute window nothing is late yet, whatever yesterday's last file was.
    """
    local_now = datetime.fromtimestamp(now_unix, tz).replace(tzinfo=None)
    start = active_hours.window_start(local_now)
    coverage: dict[str, Any] = {
        "active": start is not None,
        "window_minutes": window_s // 60,
        "newest_round": newest_label or "none",
        "newest_age_minutes": None
        if newest_file_unix is None
        else (now_unix - newest_file_unix) // 60,
    }
    failures: list[GateFailure] = []
    if start is not None:
        start_unix = int(start.replace(tzinfo=tz).timestamp())
        since = max(start_unix, newest_file_unix or start_unix)
        if now_unix - since > window_s:
            if newest_file_unix is None:
                failures.append(
                    GateFailure("stats files", FRESHNESS_NO_FILES, "no stats round stored at all")
                )
            else:
                failures.append(
                    GateFailure(
                        "stats files",
                        FRESHNESS_STALE,
                        f"newest round {newest_label} is {(now_unix - newest_file_unix) // 60} "
                        f"min old; active since {start:%H:%M}, window {window_s // 60} min",
                    )
                )
    return _result(failures, coverage, summarize_freshness)
