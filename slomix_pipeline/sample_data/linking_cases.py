"""Planted linking cases: an R2 whose Lua never arrived, an R1 the Lua emitted twice (a tie).

A test-local tweak applied to a generated zone, leaving the shared Lua sample intact.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, WEBHOOK_FOLDER, write_atomically
from slomix_pipeline.sample_data.clock import to_unix
from slomix_pipeline.sample_data.lua_files import GAMETIME, WEBHOOK, plan_lua_deliveries
from slomix_pipeline.sample_data.lua_render import render_gametime, render_stats_ready
from slomix_pipeline.sample_data.lua_spec import round_spec, webhook_drop_name
from slomix_pipeline.sample_data.model import SimCorpus, SimRound


@dataclass(frozen=True, slots=True)
class LinkingPlan:
    """Rounds whose Lua never arrived, and (target, second emission) pairs."""

    dropped: tuple[SimRound, ...] = ()
    ghosts: tuple[tuple[SimRound, SimRound], ...] = ()


def _file_unix(r: SimRound) -> int:
    return to_unix(r.file_written_local)


def _eligible(corpus: SimCorpus) -> list[int]:
    """Rounds a planted case may use: a stats file exists, no Lua scenario, plain timing."""
    plan = plan_lua_deliveries(corpus)
    taken = set(plan.scenarios.values())
    orphan_rounds = {id(r) for p in corpus.map_plays if p.r1_file_missing for r in p.rounds}
    return [
        i
        for i, r in enumerate(corpus.rounds)
        if i not in taken
        and id(r) not in orphan_rounds
        and r.end_reason == "objective"
        and not r.pauses
    ]


def choose_linking_cases(corpus: SimCorpus) -> LinkingPlan:
    """The planted rounds: an R2 from the middle of the corpus on, an R1 from a quarter on."""
    rounds = corpus.rounds
    eligible = _eligible(corpus)
    n = len(rounds)
    dropped = next(i for i in eligible if i >= n // 2 and rounds[i].round_number == 2)
    target = next(
        i for i in eligible if i >= n // 4 and rounds[i].round_number == 1 and i != dropped
    )
    r = rounds[target]
    shift = 2 * (_file_unix(r) - r.round_end_unix)
    ghost = replace(
        r,
        end_local=r.end_local + timedelta(seconds=shift),
        round_end_unix=r.round_end_unix + shift,
        actual_duration_seconds=r.actual_duration_seconds + shift,
    )
    return LinkingPlan(dropped=(rounds[dropped],), ghosts=((r, ghost),))


def plant_linking_cases(corpus: SimCorpus, data_dir: Path) -> LinkingPlan:
    """Apply :func:`choose_linking_cases` to a zone written by ``generate_landing_zone``."""
    plan = choose_linking_cases(corpus)
    landed = plan_lua_deliveries(corpus).landed()
    index = {id(r): i for i, r in enumerate(corpus.rounds)}
    for dropped in plan.dropped:
        for f in landed.values():
            if f.round_index == index[id(dropped)] and f.role in (WEBHOOK, GAMETIME):
                (Path(data_dir) / f.folder / f.name).unlink()
    for _target, ghost in plan.ghosts:
        spec = round_spec(ghost)
        body = render_stats_ready(spec)
        name, data = render_gametime(spec)
        for folder, file_name, payload, lag in (
            (WEBHOOK_FOLDER, webhook_drop_name(body), body, 2),
            (GAMETIMES_FOLDER, name, data, 40),
        ):
            path = write_atomically(Path(data_dir) / folder, file_name, payload)
            stamp = (ghost.round_end_unix + lag) * 1_000_000_000
            os.utime(path, ns=(stamp, stamp))
    return plan
