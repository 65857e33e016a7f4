"""The two link stages: exact start first, then Lua end vs file time within the tolerance.

A pair is linked only when it is unambiguous (one row on each side); a tie or any second
candidate leaves every row involved unlinked. Never guessing keeps the result independent of
input order, and a contested row never falls through to a looser rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from slomix_pipeline.domain.linking.reasons import METHOD_END_TOLERANCE, METHOD_EXACT_START
from slomix_pipeline.domain.linking.records import LuaRoundRef, StatsRoundRef
from slomix_pipeline.domain.time_index import TimeIndex


@dataclass(slots=True)
class LinkState:
    """Mutable bookkeeping while the stages run: links made, rows contested."""

    round_to_lua: dict[int, int] = field(default_factory=dict)
    lua_to_round: dict[int, int] = field(default_factory=dict)
    method: dict[int, str] = field(default_factory=dict)  # by round id
    contested_rounds: set[int] = field(default_factory=set)
    contested_lua: set[int] = field(default_factory=set)

    def link(self, round_id: int, lua_id: int, method: str) -> None:
        self.round_to_lua[round_id] = lua_id
        self.lua_to_round[lua_id] = round_id
        self.method[round_id] = method


def exact_start_stage(
    rounds: Sequence[StatsRoundRef],
    lua_rows: Sequence[LuaRoundRef],
    starts: dict[int, int],
    state: LinkState,
) -> None:
    """Stage 1: one-to-one ``(map, round, start)`` matches; anything else is contested."""
    by_key_rounds: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for r in rounds:
        start = starts.get(r.round_id)
        if start:
            by_key_rounds[(r.map_key, r.round_number, start)].append(r.round_id)
    by_key_lua: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for lua in lua_rows:
        if lua.round_start_unix > 0:
            by_key_lua[(lua.map_key, lua.round_number, lua.round_start_unix)].append(
                lua.lua_round_id
            )
    for key, round_ids in by_key_rounds.items():
        lua_ids = by_key_lua.get(key, [])
        if not lua_ids:
            continue
        if len(round_ids) == 1 and len(lua_ids) == 1:
            state.link(round_ids[0], lua_ids[0], METHOD_EXACT_START)
        else:
            state.contested_rounds.update(round_ids)
            state.contested_lua.update(lua_ids)


def rounds_near(
    rounds_by_key: Mapping[tuple[str, int], TimeIndex[StatsRoundRef]],
    lua: LuaRoundRef,
    limit_s: int,
) -> list[StatsRoundRef]:
    """The rounds of the Lua's key whose file time is within ``limit_s`` of its end."""
    index = rounds_by_key.get((lua.map_key, lua.round_number))
    return index.within(lua.round_end_unix, limit_s) if index is not None else []


def tolerance_stage(
    rounds_by_key: Mapping[tuple[str, int], TimeIndex[StatsRoundRef]],
    lua_rows: Sequence[LuaRoundRef],
    tolerance_s: int,
    state: LinkState,
) -> None:
    """Stage 2: mutual single candidates within the tolerance.

    Rows already linked by stage 1 are claimed and out of the game; rows contested in stage 1
    still count as candidates (so they block their neighbours) but can never be linked.
    """
    lua_candidates: dict[int, list[int]] = {}
    round_candidates: dict[int, list[int]] = defaultdict(list)
    for lua in lua_rows:
        if lua.lua_round_id in state.lua_to_round:
            continue
        near = [
            r.round_id
            for r in rounds_near(rounds_by_key, lua, tolerance_s)
            if r.round_id not in state.round_to_lua
        ]
        lua_candidates[lua.lua_round_id] = near
        for round_id in near:
            round_candidates[round_id].append(lua.lua_round_id)
    for lua_id, near in lua_candidates.items():
        if (
            len(near) == 1
            and len(round_candidates[near[0]]) == 1
            and lua_id not in state.contested_lua
            and near[0] not in state.contested_rounds
        ):
            state.link(near[0], lua_id, METHOD_END_TOLERANCE)
