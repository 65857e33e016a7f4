"""Losses every real server has, planted on top of the sample nights for whole-history backfills.

An opt-in renderer (``write_backfill_cases``, used by ``slomix-pipeline demo`` and the backfill
tests) that runs after the default Lua renderer and changes the landing zone the way real nights
differ from the clean simulation, each case from ``shared/reference/lua-webhook-and-gametimes.md``:

=====================  ========================================================================
case                   what lands
=====================  ========================================================================
``restart_capture``    every night: a 20-second Lua capture of a ``map_restart`` just before a
                       round (gametime file only; shutdown fallback: no winner, "surrender");
                       the engine writes no stats file for it
``r2_no_lua``          some nights: an R2 whose webhook and gametime file never came (the R2
                       map-transition race): the stats file is the only source of its timing
``capped_warmup``      some nights: a round with a proximity file whose Lua start was moved
                       40 s forward by the timelimit cap (playtime = the limit, warm-up
                       + 40 s): later than the proximity tracker's true start, and still
                       the correct link
``fresh_mtimes``       one night copied like an archive with ``cp`` (no ``-p``): every file of
                       it gets the same much later mtime, rejects included
=====================  ========================================================================

:func:`plan_backfill_cases` is pure and says which Lua round end, round key or file each case
touched, so tests can assert each loss is named with its class.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from slomix_pipeline.domain.identity import round_key
from slomix_pipeline.domain.lua_values import map_key
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
    write_atomically,
)
from slomix_pipeline.sample_data.clock import gaming_day
from slomix_pipeline.sample_data.lua_files import (
    GAMETIME,
    WEBHOOK,
    LandedLuaFile,
    plan_lua_deliveries,
)
from slomix_pipeline.sample_data.lua_render import (
    LuaRoundSpec,
    render_gametime,
    render_stats_ready,
)
from slomix_pipeline.sample_data.lua_spec import round_spec, webhook_drop_name
from slomix_pipeline.sample_data.model import SimCorpus, SimRound
from slomix_pipeline.sample_data.proximity_files import _selected_indices

RESTART_PLAYTIME_S = 20
RESTART_LEAD_S = 95
"""The restart capture starts this long before the real round (map_restart, then warm-up)."""
CAP_SHIFT_S = 40
"""How far the timelimit cap moves the Lua start (the reference's 640 s vs 600 s example)."""
IMPORT_DELAY_S = 45 * 86_400
"""The fresh mtime of the copied night: 45 days after its last round."""


@dataclass(frozen=True, slots=True)
class BackfillCases:
    """What each planted case touched (``day`` is the gaming day it belongs to)."""

    restart_captures: tuple[tuple[date, LuaRoundSpec], ...]
    r2_without_lua: tuple[tuple[date, str], ...]
    capped_warmups: tuple[tuple[date, str, LuaRoundSpec], ...]
    fresh_mtime_day: date | None
    removed: tuple[tuple[str, str], ...]
    written: tuple[tuple[str, str, bytes, int], ...]


def _both_channels(landed: dict[tuple[str, str], LandedLuaFile]) -> dict[int, list[LandedLuaFile]]:
    by_round: dict[int, list[LandedLuaFile]] = {}
    for f in landed.values():
        by_round.setdefault(f.round_index, []).append(f)
    roles = {WEBHOOK, GAMETIME}
    return {
        i: files
        for i, files in by_round.items()
        if {f.role for f in files} == roles and len(files) == 2
    }


def _key(r: SimRound) -> str:
    return round_key(r.file_written_local, map_key(r.map_name), r.round_number)


def plan_backfill_cases(corpus: SimCorpus) -> BackfillCases:
    """Decide every planted case (pure; :func:`write_backfill_cases` performs it)."""
    plan = plan_lua_deliveries(corpus)
    landed = plan.landed()
    clean = _both_channels(landed)
    special = set(plan.scenarios.values())
    index_of = {id(r): i for i, r in enumerate(plan.rounds)}
    with_proximity = set(_selected_indices(len(plan.rounds)))
    restarts, races, capped = [], [], []
    removed: list[tuple[str, str]] = []
    written: list[tuple[str, str, bytes, int]] = []
    for n, night in enumerate(corpus.nights):
        plays = [p for p in night.map_plays if not p.r1_file_missing and p.r2 is not None]
        if not plays:
            continue
        first = plays[0].r1
        day = gaming_day(first.end_local)
        spec = round_spec(first)
        start = first.round_start_unix - RESTART_LEAD_S
        restart = replace(
            spec,
            round_start_unix=start,
            round_end_unix=start + RESTART_PLAYTIME_S,
            actual_duration_seconds=RESTART_PLAYTIME_S,
            end_reason="surrender",
            winner=0,
            pauses=(),
            open_pause=False,
            spawn_stats=(),
            warmup_seconds=0,
            warmup_start_unix=0,
            surrender_team=0,
        )
        name, data = render_gametime(restart)
        written.append((GAMETIMES_FOLDER, name, data, restart.round_end_unix + 20))
        restarts.append((day, restart))
        candidates = [
            p
            for p in plays[1:]
            if index_of[id(p.r1)] in clean
            and index_of[id(p.r2)] in clean
            and not {index_of[id(p.r1)], index_of[id(p.r2)]} & special
        ]
        if n % 2 == 1 and candidates:  # the R2 map-transition race
            r2 = candidates[0].r2
            removed += [(f.folder, f.name) for f in clean[index_of[id(r2)]]]
            races.append((gaming_day(r2.end_local), _key(r2)))
            candidates = candidates[1:]
        # The warm-up timelimit cap, on a round with a proximity file (its true start).
        capped_plays = [p for p in candidates if index_of[id(p.r1)] in with_proximity]
        if n % 2 == 0 and capped_plays:
            r1 = capped_plays[-1].r1
            base = round_spec(r1)
            limit_s = round(base.timelimit_minutes * 60)
            shifted = replace(
                base,
                round_start_unix=base.round_start_unix + CAP_SHIFT_S,
                actual_duration_seconds=limit_s,
                warmup_seconds=base.warmup_seconds + CAP_SHIFT_S,
            )
            old = clean[index_of[id(r1)]]
            removed += [(f.folder, f.name) for f in old]
            arrival = {f.role: f.received_at for f in old}
            body = render_stats_ready(shifted)
            written.append((WEBHOOK_FOLDER, webhook_drop_name(body), body, arrival[WEBHOOK]))
            name, data = render_gametime(shifted)
            written.append((GAMETIMES_FOLDER, name, data, arrival[GAMETIME]))
            capped.append((gaming_day(r1.end_local), _key(r1), shifted))
    malformed = [f for f in landed.values() if f.role == "malformed"]
    fresh_day = None
    if malformed:
        fresh_day = gaming_day(plan.rounds[malformed[0].round_index].end_local)
    elif corpus.nights:
        fresh_day = corpus.nights[-1].date
    return BackfillCases(
        tuple(restarts), tuple(races), tuple(capped), fresh_day, tuple(removed), tuple(written)
    )


def write_backfill_cases(corpus: SimCorpus, data_dir: Path) -> int:
    """Apply :func:`plan_backfill_cases` to a landing zone the default renderers wrote.

    Returns the number of files written. The fresh-mtime night is applied last: every file of
    its gaming day (stats, Lua, proximity; found by the names and contents the generator wrote)
    gets one mtime, :data:`IMPORT_DELAY_S` after the night.
    """
    cases = plan_backfill_cases(corpus)
    data_dir = Path(data_dir)
    for folder, name in cases.removed:
        (data_dir / folder / name).unlink(missing_ok=True)
    for folder, name, data, at in cases.written:
        write_atomically(data_dir / folder, name, data)
        stamp = at * 1_000_000_000
        os.utime(data_dir / folder / name, ns=(stamp, stamp))
    if cases.fresh_mtime_day is not None:
        _copy_like_an_archive(corpus, data_dir, cases.fresh_mtime_day)
    return len(cases.written)


def night_files(corpus: SimCorpus, data_dir: Path, day: date) -> list[Path]:
    """Every landed file of one gaming day, by what the generator put in it (no mtimes read)."""
    from slomix_pipeline.config import load_settings
    from slomix_pipeline.landing.inventory import LandingStamp, day_resolver

    settings = load_settings({"SLOMIX_DATA_DIR": str(data_dir)})
    out = []
    for folder in (STATS_FOLDER, WEBHOOK_FOLDER, GAMETIMES_FOLDER, PROXIMITY_FOLDER):
        path = data_dir / folder
        if not path.is_dir():
            continue
        resolve = day_resolver(folder, data_dir, settings)
        for entry in sorted(path.iterdir()):
            if not entry.is_file() or entry.name.startswith("."):
                continue
            stat = entry.stat()
            if resolve(LandingStamp(entry.name, stat.st_size, stat.st_mtime_ns, 0)) == day:
                out.append(entry)
    return out


def _copy_like_an_archive(corpus: SimCorpus, data_dir: Path, day: date) -> None:
    last_end = max(r.round_end_unix for r in corpus.rounds)
    stamp = (last_end + IMPORT_DELAY_S) * 1_000_000_000
    for path in night_files(corpus, data_dir, day):
        os.utime(path, ns=(stamp, stamp))
