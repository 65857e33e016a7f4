"""WS1 predicate: every Lua link is consistent with the data it joins (links that would lie).

The gate walks the partition's rounds and Lua rows, checks each stored link from both sides and
counts how much is due (outside the grace period) and linked. Rows that found no partner are a
coverage loss, classified by :mod:`slomix_pipeline.domain.gate_coverage`, not a failure here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slomix_pipeline.domain.gates.verdicts import (
    GateFailure,
    GateResult,
    gate_result,
    ratio,
    tally,
)
from slomix_pipeline.domain.gates.ws1_link_checks import (
    enum_failures,
    link_failures,
    start_shifted_by_cap,
)
from slomix_pipeline.domain.gates.ws1_records import (
    DEFAULT_GRACE_S,
    WS1_LINK_DANGLING,
    WS1_LINK_DISAGREEMENT,
    WS1_LINK_ROW_MISSING,
    WS1_LINKED_TWICE,
    LinkedRound,
    LuaRoundEnd,
)
from slomix_pipeline.domain.linking.reasons import DEFAULT_TOLERANCE_S


def summarize_lua_links(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    due, linked = coverage.get("rounds_due", 0), coverage.get("rounds_due_linked", 0)
    lua_due, lua_linked = coverage.get("lua_due", 0), coverage.get("lua_due_linked", 0)
    pending = coverage.get("rounds_pending", 0) + coverage.get("lua_pending", 0)
    text = (
        f"Lua linked {ratio(linked, due)} rounds, "
        f"{ratio(lua_linked, lua_due)} Lua round ends linked"
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
        failures.extend(link_failures(r, lua, tolerance_s, start_tolerance_s))
        cap_shifts += start_shifted_by_cap(r, lua, start_tolerance_s)

    lua_due = lua_linked = lua_pending = 0
    for x in own_lua:
        failures.extend(enum_failures(x))
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
        "round_link_reasons": tally(r.link_reason or "no_link_row" for r in own_rounds),
        "lua_link_reasons": tally(x.link_reason or "no_link_row" for x in own_lua),
        "start_cap_shifts": cap_shifts,
    }
    return gate_result(failures, coverage, summarize_lua_links)
