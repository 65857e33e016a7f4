"""The Lua's warm-up timelimit cap: when a later Lua round start is correct, not a misbind.

The Lua (v1.6.2+) caps a round whose measured duration exceeds ``round(timelimit * 60)``: it
assumes the excess was un-noticed warm-up (no warm-up seen after a ``map_restart``), moves
``round_start_unix`` *forward* by the excess, adds it to the warm-up and sets the duration to the
limit (``shared/reference/lua-webhook-and-gametimes.md``, "Timelimit cap" and failure mode 13).
A correct link then has a Lua start later than the true start (the proximity tracker's), by
exactly the excess. Pure; no Dagster, no SQL.
"""

from __future__ import annotations


def warmup_cap_shift(
    true_start: int,
    lua_start: int,
    lua_playtime_s: int | None,
    timelimit_minutes: float | None,
    lua_warmup_s: int | None,
    tolerance_s: int,
) -> int | None:
    """Seconds the cap moved the Lua start by, when the cap rule explains the gap; else None.

    Explained only when all hold: a positive timelimit, a Lua playtime equal to the limit (the
    cap sets it so), a Lua start later than the true start by more than ``tolerance_s`` (the
    cap only moves it forward), and a Lua warm-up of at least that shift (the excess is added to
    it). An earlier Lua start, a playtime below the limit or too little warm-up is not the cap.
    """
    if timelimit_minutes is None or timelimit_minutes <= 0 or lua_playtime_s is None:
        return None
    if lua_playtime_s != round(timelimit_minutes * 60):
        return None
    shift = lua_start - true_start
    if shift <= tolerance_s:
        return None
    if (lua_warmup_s or 0) < shift - tolerance_s:
        return None
    return shift
