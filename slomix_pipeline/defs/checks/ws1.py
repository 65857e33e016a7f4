"""WS1 gate on ``linked_rounds``: every round past the grace period has exactly one Lua link.

Reads each day's rounds and Lua round ends with their stored links, plus the neighbouring days
(a link may cross the 06:00 day boundary), and judges each day with
:func:`slomix_pipeline.domain.gates.lua_link_gate` against the wall clock
(:func:`slomix_pipeline.domain.gaming_day.utc_now_epoch`): rows younger than
``SLOMIX_LUA_GRACE_MINUTES`` (default 15) may still be waiting for a late delivery. Blocking with
ERROR severity: a day with a missing Lua round end, an unlinked Lua row or a broken link stops
``session_aggregates`` in the same run.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
import os
from collections.abc import Iterator, Mapping

import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.checks.render import emit
from slomix_pipeline.defs.partitions import gaming_days, partition_days
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.domain import gaming_day
from slomix_pipeline.domain.gates import DEFAULT_TOLERANCE_S, lua_link_gate, summarize_lua_links
from slomix_pipeline.ingest.linking import neighbour_days
from slomix_pipeline.warehouse.gate_reads import read_link_window

GRACE_ENV = "SLOMIX_LUA_GRACE_MINUTES"
GRACE_DEFAULT_MINUTES = 15


def lua_grace_seconds(env: Mapping[str, str] | None = None) -> int:
    """``SLOMIX_LUA_GRACE_MINUTES`` (0..1440, default 15) in seconds."""
    env = os.environ if env is None else env
    raw = env.get(GRACE_ENV) or str(GRACE_DEFAULT_MINUTES)
    try:
        minutes = int(raw)
    except ValueError as exc:
        raise ValueError(f"{GRACE_ENV}={raw!r} is not a whole number") from exc
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"{GRACE_ENV}={minutes} is outside 0..1440")
    return minutes * 60


@dg.asset_check(
    asset="linked_rounds",
    partitions_def=gaming_days,
    blocking=True,
    pool="warehouse",
    description=(
        "WS1 Lua gate: every R1/R2 round older than SLOMIX_LUA_GRACE_MINUTES has exactly one "
        "linked Lua round end (a missing R2 fails), no Lua round end is left unlinked, links "
        "agree on map, round and start and |Lua end - file time| <= 30 s, no round is linked "
        "twice, end reason / winner / defender are in their enums. Blocking, ERROR."
    ),
)
def ws1_lua_links(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> Iterator[dg.AssetCheckResult | dg.AssetCheckEvaluation]:
    days = partition_days(context)
    settings = load_settings()
    grace_s = lua_grace_seconds()
    now = gaming_day.utc_now_epoch()
    with warehouse.get_engine().connect() as conn:
        window = read_link_window(conn, neighbour_days(days), settings.server_tz)
    results = {}
    for day in days:
        rounds, lua, context_rounds, context_lua = window.split(day)
        results[day] = lua_link_gate(
            rounds,
            lua,
            now_unix=now,
            grace_s=grace_s,
            tolerance_s=DEFAULT_TOLERANCE_S,
            context_rounds=context_rounds,
            context_lua=context_lua,
        )
    yield from emit(context, results, summarize_lua_links)
