"""A landing run writes the round's sessions before the steps nothing on that path reads.

The in-process executor runs, among the ready steps, the highest ``dagster/priority`` first
(``defs/step_order.py``). So in the plan of a landing run over every folder, each step that is
neither on the way to ``session_aggregates`` nor fed by it must have a lower priority than every
step on the way; otherwise it could be picked before the session row is committed.
"""

from __future__ import annotations

import dagster as dg
from dagster._core.execution.api import create_execution_plan

from slomix_pipeline.definitions import defs
from slomix_pipeline.defs.sensors.folders import SPECS, assets_for

PRIORITY = "dagster/priority"


def _landing_plan() -> dict[str, tuple[set[str], int]]:
    """Step key -> (the step keys it waits for, its priority), for a run over every folder."""
    built = defs()
    job = built.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey(name) for name in assets_for(SPECS)}
    )
    plan = create_execution_plan(job, tags={"dagster/partition": "2026-02-10"})
    steps: dict[str, tuple[set[str], int]] = {}
    for step in plan.get_all_steps_in_topo_order():
        waits = {
            handle.step_key
            for step_input in step.step_inputs
            for handle in step_input.get_step_output_handle_dependencies()
        }
        steps[step.key] = (waits, int(step.tags.get(PRIORITY, 0)))
    return steps


def _closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_steps_off_the_session_path_wait_until_the_sessions_are_written() -> None:
    steps = _landing_plan()
    upstream = {key: waits for key, (waits, _) in steps.items()}
    downstream: dict[str, set[str]] = {}
    for key, waits in upstream.items():
        for wait in waits:
            downstream.setdefault(wait, set()).add(key)
    path = _closure("session_aggregates", upstream) | {"session_aggregates"}
    fed = _closure("session_aggregates", downstream)
    off_path = set(steps) - path - fed
    assert "endstats" in off_path and "linked_rounds_ws1_lua_coverage" in off_path
    assert "raw_stats_files_ws0_round_contract" in path  # a blocking gate stays on the path
    lowest_on_path = min(steps[key][1] for key in path)
    early = sorted(key for key in off_path if steps[key][1] >= lowest_on_path)
    assert not early, f"could run before session_aggregates: {early}"
