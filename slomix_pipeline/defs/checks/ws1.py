"""WS1 gates on ``linked_rounds``: link integrity (blocking) and Lua coverage (warn, classified).

Reads each day's rounds and Lua round ends with their stored links, plus the neighbouring days
(a link may cross the 06:00 day boundary), and judges each day with
:func:`slomix_pipeline.domain.gates.lua_link_gate` against the wall clock
(:func:`slomix_pipeline.domain.gaming_day.utc_now_epoch`): rows younger than
``SLOMIX_LUA_GRACE_MINUTES`` (default 15) may still be waiting for a late delivery.

``ws1_lua_links`` blocks with ERROR severity only where a number downstream would be wrong: a link
that contradicts the data it joins, a round linked twice, a dangling or one-sided link, a Lua
value outside its enum. ``ws1_lua_coverage`` warns, never blocks: a round without Lua (it keeps
the stats file's timing) or a Lua capture without a round, each named with its reason class
(restart capture, shutdown capture, R2 Lua race, ...; see ``domain/gate_coverage.py``).
"""

from collections.abc import Mapping

from sqlalchemy.engine import Connection

from slomix_pipeline.defs.checks.day_gate import Days, Verdicts, day_gate_check
from slomix_pipeline.defs.resources import GatesResource
from slomix_pipeline.domain import gaming_day
from slomix_pipeline.domain.gate_coverage import lua_coverage_gate, summarize_lua_coverage
from slomix_pipeline.domain.gates.ws1_lua_links import lua_link_gate, summarize_lua_links
from slomix_pipeline.domain.linking.reasons import DEFAULT_TOLERANCE_S
from slomix_pipeline.ingest.linking import neighbour_days
from slomix_pipeline.settings_model import read_env
from slomix_pipeline.warehouse.gate_reads import read_link_window

GRACE_ENV = "SLOMIX_LUA_GRACE_MINUTES"
GRACE_DEFAULT_MINUTES = 15


def lua_grace_seconds(env: Mapping[str, str] | None = None) -> int:
    """``SLOMIX_LUA_GRACE_MINUTES`` (0..1440, default 15) in seconds, from the typed model."""
    return read_env(env).lua_grace_minutes * 60


def _judge_lua_links(conn: Connection, days: Days, gates: GatesResource) -> Verdicts:
    now = gaming_day.utc_now_epoch()
    window = read_link_window(conn, neighbour_days(days), gates.tz)
    results = {}
    for day in days:
        rounds, lua, context_rounds, context_lua = window.split(day)
        results[day] = lua_link_gate(
            rounds,
            lua,
            now_unix=now,
            grace_s=gates.lua_grace_minutes * 60,
            tolerance_s=DEFAULT_TOLERANCE_S,
            context_rounds=context_rounds,
            context_lua=context_lua,
        )
    return results


def _judge_lua_coverage(conn: Connection, days: Days, gates: GatesResource) -> Verdicts:
    now = gaming_day.utc_now_epoch()
    window = read_link_window(conn, days, gates.tz)
    results = {}
    for day in days:
        rounds, lua, _, _ = window.split(day)
        results[day] = lua_coverage_gate(
            rounds, lua, now_unix=now, grace_s=gates.lua_grace_minutes * 60
        )
    return results


ws1_lua_links = day_gate_check(
    name="ws1_lua_links",
    asset="linked_rounds",
    blocking=True,
    description=(
        "WS1 Lua link integrity: links agree on map, round and start (a later Lua start only "
        "when the Lua's warm-up timelimit cap explains it) and |Lua end - file time| <= 30 s, "
        "both link tables agree, no round is linked twice, end reason / winner / defender are "
        "in their enums. Blocking, ERROR (in a range run: blocks the failing day only)."
    ),
    judge=_judge_lua_links,
    summarize=summarize_lua_links,
)

ws1_lua_coverage = day_gate_check(
    name="ws1_lua_coverage",
    asset="linked_rounds",
    description=(
        "WS1 Lua coverage: every R1/R2 round older than SLOMIX_LUA_GRACE_MINUTES without a Lua "
        "round end and every Lua round end without a stats round, named with its reason class "
        "(restart_capture, shutdown_capture, stats_file_missing, r2_lua_race, "
        "lua_never_received, link_undecided). Warns, never blocks."
    ),
    judge=_judge_lua_coverage,
    summarize=summarize_lua_coverage,
)
