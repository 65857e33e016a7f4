"""Stopwatch as it is really played: planted cases with their truth (issue 11).

The default sample plays tidy halves. Real nights also have, and this module plants into a
generated corpus (every case on a plain map play of its own, chosen deterministically):

- ``long_halftime``: the R2 starts 48-56 min after its R1's file (a break, a long map vote); the
  rest of that night moves later with it. Pairing must still find the R1 (no 45-min window).
- ``shutdown_r2``: a map change cut an R2; the file is written on the ``et_ShutdownGame`` path
  (header ms negative, winner field ``1``: the empty engine value + 1), the Lua says winner 0,
  ``surrender``. Truth: no winner, end reason ``map_change``, the Lua playtime as duration.
- ``no_lua_estimate_r2``: an R2 whose Lua never arrived and whose header field 7 carries the
  c0rnp0rn8 ``0:00`` estimate (67:17 for a 10-minute round). Truth: the header ms duration.
- ``capped_warmup``: the Lua missed the warm-up and capped its playtime at the limit (start moved
  forward, end reason ``time_expired`` from the uncapped play). Truth: the header ms duration.
- ``late_objective``: the R1 objective is taken 29 s before the map's limit (the Lua's 90 % rule
  says ``time_expired``; upstream's clock rule says FULL_HOLD). Truth: objective, TIME_SET.
- ``surrender_r2``: the R2 defenders surrender (the R1 surrender is the base sample's).
- ``dst_night``: one more night across the autumn DST change (Europe/Paris, 2026-10-25): some
  files of the repeated 02:00-03:00 hour carry the same wall-clock stamps as earlier ones.

:func:`write_stopwatch_zone` lands the corpus like ``generate_landing_zone`` (stats, Lua,
proximity) and sets every stats file's mtime to its real write time (the write order the DST
rule reads). :func:`stopwatch_truth` states, from the model alone, each round's winner, end
reason, duration (and the source that must win), stopwatch state and file epoch.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from slomix_pipeline.landing.zone import STATS_FOLDER, write_atomically
from slomix_pipeline.sample_data.clock import SERVER_TZ, to_unix
from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.lua_files import (
    GAMETIME,
    WEBHOOK,
    plan_lua_deliveries,
    write_lua_files,
)
from slomix_pipeline.sample_data.lua_render import render_gametime, render_stats_ready
from slomix_pipeline.sample_data.lua_spec import round_spec, webhook_drop_name
from slomix_pipeline.sample_data.model import (
    END_OBJECTIVE,
    END_SURRENDER,
    END_TIME_EXPIRED,
    SimCorpus,
    SimMapPlay,
    SimNight,
    SimRound,
)
from slomix_pipeline.sample_data.proximity_files import write_proximity_files
from slomix_pipeline.sample_data.simulate import simulate
from slomix_pipeline.sample_data.stats_writer import render_stats_landing

END_MAP_CHANGE = "map_change"
CASES: tuple[str, ...] = (
    "long_halftime",
    "shutdown_r2",
    "no_lua_estimate_r2",
    "capped_warmup",
    "late_objective",
    "surrender_r2",
)
DST_DATE = date(2026, 10, 24)
"""Gaming day of the DST night: clocks go back at 03:00 CEST on 2026-10-25."""
_DST_CHANGE_UNIX = int(datetime(2026, 10, 25, 1, 0, tzinfo=UTC).timestamp())
"""2026-10-25 01:00:00 UTC, the instant 03:00 CEST becomes 02:00 CET."""
ESTIMATE_TEXT = "67:17"
"""A c0rnp0rn8 ``0:00`` estimate as it appears in header field 7 (4037 s)."""


@dataclass(frozen=True, slots=True)
class StopwatchZone:
    """A planted corpus: which file carries which case, the real epoch of every stats file,
    the rounds whose Lua was removed, and the header patches applied to stats files."""

    corpus: SimCorpus
    cases: dict[str, str]
    file_epochs: dict[str, int]
    no_lua: frozenset[str]
    header_patches: dict[str, dict[int, str]]
    lua_overrides: dict[str, dict[str, object]]


@dataclass(frozen=True, slots=True)
class RoundFactsTruth:
    """What ``round_links`` must say about a round after the Lua truth."""

    winner_team: int
    end_reason: str
    duration_seconds: int
    duration_source: str
    stopwatch_state: str | None
    file_epoch: int


# ------------------------------------------------------------------------------ timing edits


def shift_round(r: SimRound, seconds: int) -> SimRound:
    """The same half ``seconds`` later (wall clock and epochs together)."""
    delta = timedelta(seconds=seconds)
    return replace(
        r,
        start_local=r.start_local + delta,
        end_local=r.end_local + delta,
        file_written_local=r.file_written_local + delta,
        endstats_written_local=(
            None if r.endstats_written_local is None else r.endstats_written_local + delta
        ),
        round_start_unix=r.round_start_unix + seconds,
        round_end_unix=r.round_end_unix + seconds,
    )


def _restamp(r: SimRound, delta: int) -> SimRound:
    """Move a half by ``delta`` real seconds and re-read its wall clock in the server zone (so a
    half in the repeated autumn hour gets the stamps the server really writes)."""

    def wall(local: datetime) -> datetime:
        epoch = to_unix(local) + delta
        return datetime.fromtimestamp(epoch, SERVER_TZ).replace(tzinfo=None)

    return replace(
        r,
        start_local=wall(r.start_local),
        end_local=wall(r.end_local),
        file_written_local=wall(r.file_written_local),
        endstats_written_local=(
            None if r.endstats_written_local is None else wall(r.endstats_written_local)
        ),
        round_start_unix=r.round_start_unix + delta,
        round_end_unix=r.round_end_unix + delta,
    )


def _plain(play: SimMapPlay, taken: set[int], lua_taken: set[int], index: dict[int, int]) -> bool:
    """A play without planted features: both halves, no pauses, no bots, no Lua scenario."""
    if play.r2 is None or play.r1_file_missing:
        return False
    for r in play.rounds:
        i = index[id(r)]
        if i in taken or i in lua_taken or r.pauses or r.surrender_team:
            return False
        if any(p.player.is_bot or p.reconnected_in_this_round for p in r.players):
            return False
        if any(p.joined_in_this_round for p in r.players):
            return False
    return True


# ------------------------------------------------------------------------------ planting


def _dst_night(seed: int) -> SimNight:
    """One night moved so files land in both passes of the repeated hour (real time kept)."""
    (night,) = simulate(seed=seed, nights=1, start_date=DST_DATE).nights
    files = [to_unix(r.file_written_local) for r in night.rounds]
    first_pass = (_DST_CHANGE_UNIX - 3600, _DST_CHANGE_UNIX)
    second_pass = (_DST_CHANGE_UNIX, _DST_CHANGE_UNIX + 3600)

    def count(delta: int, window: tuple[int, int]) -> int:
        return sum(window[0] <= f + delta < window[1] for f in files)

    delta = next(
        d
        for d in range(_DST_CHANGE_UNIX - files[-1], _DST_CHANGE_UNIX - files[0], 300)
        if count(d, first_pass) >= 2 and count(d, second_pass) >= 2
    )
    plays = tuple(
        replace(
            play,
            r1=_restamp(play.r1, delta),
            r2=None if play.r2 is None else _restamp(play.r2, delta),
        )
        for play in night.map_plays
    )
    return SimNight(date=DST_DATE, map_plays=plays)


def plant_stopwatch_cases(
    corpus: SimCorpus, *, dst_night: bool = True
) -> tuple[SimCorpus, dict[str, str], dict[str, int]]:
    """The corpus with every case planted; (corpus, case -> stats file, stats file -> epoch)."""
    rng = random.Random(f"slomix-stopwatch:{corpus.seed}")
    extra = (_dst_night(corpus.seed),) if dst_night else ()
    # The Lua scenarios are spread over the final round count: plan them with the DST night.
    full = SimCorpus(seed=corpus.seed, nights=corpus.nights + extra, malformed=corpus.malformed)
    index = {id(r): i for i, r in enumerate(full.rounds)}
    lua_taken = set(plan_lua_deliveries(full).scenarios.values())
    taken: set[int] = set()
    nights = [list(n.map_plays) for n in corpus.nights]
    chosen: dict[str, tuple[int, int]] = {}

    def pick(name: str, accepts, night_order: tuple[int, ...]) -> None:
        for n in night_order:
            for k, play in enumerate(nights[n]):
                if k == 0 or not _plain(play, taken, lua_taken, index) or not accepts(play):
                    continue
                chosen[name] = (n, k)
                taken.update(index[id(r)] for r in play.rounds)
                return
        raise ValueError(f"no map play fits the {name!r} case")

    last = len(nights) - 1
    order = tuple(range(last, -1, -1))

    def r2_objective(p: SimMapPlay) -> bool:
        return p.r2 is not None and p.r2.end_reason == END_OBJECTIVE

    def short_r2(p: SimMapPlay) -> bool:
        r2 = p.r2
        return r2_objective(p) and r2.actual_duration_seconds < 0.85 * r2.timelimit_seconds

    def r1_objective(p: SimMapPlay) -> bool:
        return p.r1.end_reason == END_OBJECTIVE

    pick("long_halftime", lambda p: True, order)
    pick("shutdown_r2", short_r2, order)
    pick("no_lua_estimate_r2", r2_objective, order)
    pick("capped_warmup", r1_objective, order)
    pick("late_objective", lambda p: r1_objective(p) and p.r1.actual_duration_seconds >= 270, order)
    pick("surrender_r2", short_r2, order)

    for name, (n, k) in chosen.items():
        play = nights[n][k]
        r1, r2 = play.r1, play.r2
        assert r2 is not None
        if name == "long_halftime":
            target = rng.randint(48 * 60, 56 * 60)
            shift = target - (r2.start_local - r1.file_written_local).seconds
            nights[n][k] = replace(play, r2=shift_round(r2, shift))
            for j in range(k + 1, len(nights[n])):
                later = nights[n][j]
                nights[n][j] = replace(
                    later,
                    r1=shift_round(later.r1, shift),
                    r2=None if later.r2 is None else shift_round(later.r2, shift),
                )
        elif name == "shutdown_r2":
            nights[n][k] = replace(play, r2=replace(r2, winner_team=0, end_reason=END_MAP_CHANGE))
        elif name == "late_objective":
            limit = r1.actual_duration_seconds + 29
            nights[n][k] = replace(
                play, r1=replace(r1, timelimit_seconds=limit, map_timelimit_seconds=limit)
            )
        elif name == "surrender_r2":
            caller = next(p for p in r2.players if p.team == r2.defender_team)
            nights[n][k] = replace(
                play,
                r2=replace(
                    r2,
                    end_reason=END_SURRENDER,
                    surrender_team=r2.defender_team,
                    surrender_caller_guid32=caller.player.guid32,
                ),
            )
    planted = [
        SimNight(date=night.date, map_plays=tuple(plays))
        for night, plays in zip(corpus.nights, nights, strict=True)
    ]
    planted.extend(extra)
    out = SimCorpus(seed=corpus.seed, nights=tuple(planted), malformed=corpus.malformed)
    cases = {}
    for name, (n, k) in chosen.items():
        play = out.nights[n].map_plays[k]
        half = play.r1 if name in ("capped_warmup", "late_objective") else play.r2
        assert half is not None
        cases[name] = stats_file_name(half)
    epochs = {}
    for r in out.rounds:
        # Real time: the file is written 2-4 s after the round end, whatever the wall clock says.
        lag = int((r.file_written_local - r.end_local).total_seconds()) % 3600
        epochs[stats_file_name(r)] = r.round_end_unix + lag
    if dst_night:
        cases["dst_night"] = stats_file_name(out.nights[-1].rounds[0])
    return out, cases, epochs


# ------------------------------------------------------------------------------ landing


def _patch_header(data: bytes, fields: dict[int, str]) -> bytes:
    header, _, rest = data.partition(b"\n")
    parts = header.decode("utf-8").split("\\")
    for i, value in fields.items():
        parts[i] = value
    return "\\".join(parts).encode("utf-8") + b"\n" + rest


def write_stopwatch_zone(data_dir: Path, seed: int = 7, nights: int = 3) -> StopwatchZone:
    """Simulate, plant every case and land stats, Lua and proximity files under ``data_dir``."""
    base = simulate(seed=seed, nights=nights)
    corpus, cases, epochs = plant_stopwatch_cases(base)
    data_dir = Path(data_dir)
    patches: dict[str, dict[int, str]] = {
        cases["shutdown_r2"]: {5: "1", 8: "-1873"},
        cases["no_lua_estimate_r2"]: {7: ESTIMATE_TEXT},
    }
    stats_dir = data_dir / STATS_FOLDER
    for name, data in render_stats_landing(corpus):
        if name in patches:
            data = _patch_header(data, patches[name])
        path = write_atomically(stats_dir, name, data)
        epoch = epochs.get(name)
        if epoch is not None:
            os.utime(path, ns=(epoch * 1_000_000_000, epoch * 1_000_000_000))
    write_lua_files(corpus, data_dir)
    write_proximity_files(corpus, data_dir)

    by_name = {stats_file_name(r): (i, r) for i, r in enumerate(corpus.rounds)}
    landed = plan_lua_deliveries(corpus).landed()

    def drop_lua(file_name: str) -> None:
        i = by_name[file_name][0]
        for f in landed.values():
            if f.round_index == i and f.role in (WEBHOOK, GAMETIME):
                (data_dir / f.folder / f.name).unlink()

    drop_lua(cases["no_lua_estimate_r2"])
    capped = by_name[cases["capped_warmup"]][1]
    limit = capped.timelimit_seconds
    # The Lua saw PLAYING from the warm-up on: its raw play exceeded the limit, so it moved the
    # start forward by the excess and reported the limit; its end reason (computed before the
    # cap) is time_expired. The header ms still measures the real round.
    overrides: dict[str, object] = {
        "actual_duration_seconds": limit,
        "round_start_unix": capped.round_end_unix - limit,
        "end_reason": "time_expired",
    }
    drop_lua(cases["capped_warmup"])
    spec = replace(round_spec(capped), **overrides)  # type: ignore[arg-type]
    body = render_stats_ready(spec)
    gametime_name, gametime = render_gametime(spec)
    for folder, name, payload, lag in (
        ("webhook_drops", webhook_drop_name(body), body, 2),
        ("local_gametimes", gametime_name, gametime, 40),
    ):
        path = write_atomically(data_dir / folder, name, payload)
        stamp = (capped.round_end_unix + lag) * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))
    return StopwatchZone(
        corpus=corpus,
        cases=cases,
        file_epochs=epochs,
        no_lua=frozenset({cases["no_lua_estimate_r2"]}),
        header_patches=patches,
        lua_overrides={cases["capped_warmup"]: overrides},
    )


# ------------------------------------------------------------------------------ the truth

_STATE = {END_OBJECTIVE: "TIME_SET", END_TIME_EXPIRED: "FULL_HOLD"}


def stopwatch_truth(zone: StopwatchZone) -> dict[str, RoundFactsTruth]:
    """Every landed stats round's facts as they really happened (from the model, not the code).

    The duration is what really elapsed (pauses excluded); it must come from the header ms
    whenever that is positive, i.e. everywhere but on the shutdown path, where the Lua's
    playtime is the only measurement.
    """
    out: dict[str, RoundFactsTruth] = {}
    for play in zone.corpus.map_plays:
        for r in play.rounds:
            name = stats_file_name(r)
            if r.round_number == 1 and play.r1_file_missing:
                continue
            shutdown = r.end_reason == END_MAP_CHANGE
            out[name] = RoundFactsTruth(
                winner_team=r.winner_team,
                end_reason=r.end_reason,
                duration_seconds=r.actual_duration_seconds,
                duration_source="lua" if shutdown else "stats_duration",
                stopwatch_state=_STATE.get(r.end_reason),
                file_epoch=zone.file_epochs[name],
            )
    return out
