"""Link every round to at most one Lua row and every Lua row to at most one round.

Runs the stages in order (:mod:`~slomix_pipeline.domain.linking.stages`), then gives every
unlinked row its reason (:mod:`~slomix_pipeline.domain.linking.reasons`) from its counterparts
near and within the search window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from slomix_pipeline.domain.linking.proximity_claims import proximity_claims
from slomix_pipeline.domain.linking.reasons import LINKED, unlinked_reason
from slomix_pipeline.domain.linking.records import (
    LinkResult,
    LinkSettings,
    LuaLink,
    LuaRoundRef,
    ProximityRef,
    RoundLink,
    StatsRoundRef,
)
from slomix_pipeline.domain.linking.stages import (
    LinkState,
    exact_start_stage,
    rounds_near,
    tolerance_stage,
)
from slomix_pipeline.domain.time_index import TimeIndex


def link_rounds(
    rounds: Iterable[StatsRoundRef],
    lua_rows: Iterable[LuaRoundRef],
    proximity: Iterable[ProximityRef] | None = None,
    *,
    now_unix: int,
    settings: LinkSettings | None = None,
) -> LinkResult:
    """Link every round to at most one Lua row and every Lua row to at most one round.

    ``proximity=None`` means the proximity table is not available (every round then carries the
    proximity reason ``not_loaded``); an empty iterable means "available, nothing there".
    ``now_unix`` is only used for the grace period (``late_pending``).
    """
    cfg = settings or LinkSettings()
    round_list = sorted(rounds, key=lambda r: r.round_id)
    lua_list = sorted(lua_rows, key=lambda r: r.lua_round_id)
    prox_single, prox_reasons = proximity_claims(round_list, proximity)
    starts = {
        round_id: ref.round_start_unix
        for round_id, ref in prox_single.items()
        if ref.round_start_unix and ref.round_start_unix > 0
    }
    state = LinkState()
    exact_start_stage(round_list, lua_list, starts, state)
    grouped: dict[tuple[str, int], list[StatsRoundRef]] = defaultdict(list)
    for r in round_list:
        grouped[(r.map_key, r.round_number)].append(r)
    rounds_by_key = {key: TimeIndex(group) for key, group in grouped.items()}
    tolerance_stage(rounds_by_key, lua_list, cfg.tolerance_s, state)

    rounds_by_id = {r.round_id: r for r in round_list}
    near_rounds: dict[int, list[int]] = {}
    wide_rounds: dict[int, list[int]] = {}
    near_lua: dict[int, list[int]] = {r.round_id: [] for r in round_list}
    wide_lua: dict[int, list[int]] = {r.round_id: [] for r in round_list}
    for lua in lua_list:
        near = [r.round_id for r in rounds_near(rounds_by_key, lua, cfg.tolerance_s)]
        wide = [
            r.round_id
            for r in rounds_near(rounds_by_key, lua, cfg.window_s)
            if r.round_id not in set(near)
        ]
        near_rounds[lua.lua_round_id] = near
        wide_rounds[lua.lua_round_id] = wide
        for round_id in near:
            near_lua[round_id].append(lua.lua_round_id)
        for round_id in wide:
            wide_lua[round_id].append(lua.lua_round_id)
    round_has_near = {round_id: bool(ids) for round_id, ids in near_lua.items()}
    lua_has_near = {lua_id: bool(ids) for lua_id, ids in near_rounds.items()}

    lua_out: list[LuaLink] = []
    for lua in lua_list:
        lua_id = lua.lua_round_id
        near = near_rounds[lua_id]
        linked_round = state.lua_to_round.get(lua_id)
        if linked_round is not None:
            delta = rounds_by_id[linked_round].delta(lua.round_end_unix)
            lua_out.append(
                LuaLink(lua_id, linked_round, state.method[linked_round], delta, LINKED, len(near))
            )
            continue
        reason = unlinked_reason(
            near,
            wide_rounds[lua_id],
            state.round_to_lua,
            round_has_near,
            lua_id in state.contested_lua,
            now_unix - lua.round_end_unix < cfg.grace_s,
        )
        lua_out.append(LuaLink(lua_id, None, None, None, reason, len(near)))

    lua_by_id = {lua.lua_round_id: lua for lua in lua_list}
    rounds_out: list[RoundLink] = []
    for r in round_list:
        prox = prox_single.get(r.round_id)
        prox_file = prox.file_name if prox else None
        candidates = len(near_lua[r.round_id])
        lua_id = state.round_to_lua.get(r.round_id)
        if lua_id is not None:
            delta = r.delta(lua_by_id[lua_id].round_end_unix)
            method = state.method[r.round_id]
            rounds_out.append(
                RoundLink(
                    r.round_id,
                    lua_id,
                    method,
                    delta,
                    LINKED,
                    candidates,
                    prox_file,
                    prox_reasons[r.round_id],
                )
            )
            continue
        reason = unlinked_reason(
            near_lua[r.round_id],
            wide_lua[r.round_id],
            state.lua_to_round,
            lua_has_near,
            r.round_id in state.contested_rounds,
            now_unix - r.file_time_unix < cfg.grace_s,
        )
        rounds_out.append(
            RoundLink(
                r.round_id,
                None,
                None,
                None,
                reason,
                candidates,
                prox_file,
                prox_reasons[r.round_id],
            )
        )
    return LinkResult(tuple(rounds_out), tuple(lua_out))
