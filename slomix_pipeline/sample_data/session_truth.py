"""What linking and the session aggregates must produce for a sample landing zone.

Stated from the simulation model (who played which round, on which side, what really happened,
which deliveries exist), never by running the production code: links come from *which*
deliveries a round has, sessions from the file times, teams from who shared a side (the
simulator draws each night's two lineups from two fixed pools), totals from the stats truth
(``truth.round_truth``: what each stored row must hold), scores from the true winners.

The default sample delivers every round's Lua, so two linking cases are planted into a generated
zone by :func:`plant_linking_cases` (a test-local tweak, leaving the shared Lua sample intact):

- ``never_received``: an R2 whose webhook and gametime file never arrived (both deleted);
- ``double_emit``: an R1 whose round end the Lua emitted twice, the second time (shutdown hook)
  with the same start and an end as far after the stats file time as the real end is before it:
  an exact tie that must leave the round and both Lua rows unlinked (``ambiguous``).

Other tweaks (a late file, a gap filler that merges two sessions) are built by tests on a
modified corpus and described with :class:`LinkingPlan` (``dropped``: rounds without Lua).
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, WEBHOOK_FOLDER, write_atomically
from slomix_pipeline.sample_data.clock import gaming_day, to_unix
from slomix_pipeline.sample_data.lua_files import GAMETIME, WEBHOOK, plan_lua_deliveries
from slomix_pipeline.sample_data.lua_render import render_gametime, render_stats_ready
from slomix_pipeline.sample_data.lua_spec import round_spec, webhook_drop_name
from slomix_pipeline.sample_data.lua_truth import expected_lua_round_id
from slomix_pipeline.sample_data.model import SimCorpus, SimMapPlay, SimRound
from slomix_pipeline.sample_data.stats_writer import stats_file_name
from slomix_pipeline.sample_data.truth import round_truth
from slomix_pipeline.sample_data.truth_records import PlayerTruth, RoundTruth

AIMLESS_WEAPONS = frozenset(
    {
        "WS_GRENADE",
        "WS_SYRINGE",
        "WS_DYNAMITE",
        "WS_AIRSTRIKE",
        "WS_ARTILLERY",
        "WS_SATCHEL",
        "WS_LANDMINE",
    }
)
"""Weapons that do not count for accuracy (thrown, placed or called in)."""


# ------------------------------------------------------------------------------ the plan


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


# ----------------------------------------------------------------------------- the truth


@dataclass(frozen=True, slots=True)
class RoundLinkTruth:
    """Expected ``round_links`` facts of one stats file."""

    lua_round_id: int | None
    reason: str
    duration_seconds: int | None
    duration_source: str


@dataclass(frozen=True, slots=True)
class SessionTruthRow:
    """Expected ``gaming_sessions`` facts; ``files`` in time order."""

    session_id: int
    gaming_day: date
    files: tuple[str, ...]
    crosses_midnight: bool
    crosses_day_boundary: bool
    team_a: frozenset[str]
    team_b: frozenset[str]
    team_a_points: int
    team_b_points: int
    maps_counted: int
    maps_uncounted: int


@dataclass(frozen=True, slots=True)
class SessionTruth:
    """Everything expected, keyed by stats file name, Lua round id or (session id, ...)."""

    round_links: dict[str, RoundLinkTruth]
    lua_links: dict[int, tuple[str | None, str]]
    sessions: tuple[SessionTruthRow, ...]
    players: dict[tuple[int, str], dict[str, Any]]
    map_summaries: dict[tuple[int, str, int], dict[str, Any]]
    days: tuple[date, ...] = field(default=())


def _round_key(t: RoundTruth) -> str:
    """The stats round's natural key: file time, case-folded map, round number."""
    map_key = " ".join(t.map_name.split()).casefold()
    return f"{t.local_time:%Y-%m-%d-%H%M%S}-{map_key}-R{t.round_number}"


def _link_truth(
    corpus: SimCorpus, files: dict[str, RoundTruth], plan: LinkingPlan
) -> tuple[dict[str, RoundLinkTruth], dict[int, tuple[str | None, str]]]:
    dropped = {id(r) for r in plan.dropped}
    contested = {id(target) for target, _ in plan.ghosts}
    rounds_out: dict[str, RoundLinkTruth] = {}
    lua_out: dict[int, tuple[str | None, str]] = {}
    for r in corpus.rounds:
        name = stats_file_name(r)
        has_file = name in files
        lua_id = None if id(r) in dropped else expected_lua_round_id(r)
        # The engine's header ms measures every round but one cut on the shutdown path, where
        # only the Lua playtime does (docs/sessions.md: duration by source reliability).
        shutdown = r.end_reason == "map_change"
        measured = (r.actual_duration_seconds, "stats_duration")
        if lua_id is not None and id(r) not in contested and has_file:
            duration = (r.actual_duration_seconds, "lua") if shutdown else measured
            rounds_out[name] = RoundLinkTruth(lua_id, "linked", *duration)
            lua_out[lua_id] = (name, "linked")
            continue
        if has_file:
            reason = "ambiguous" if id(r) in contested else "never_received"
            duration = (None, "none") if shutdown else measured
            rounds_out[name] = RoundLinkTruth(None, reason, *duration)
        if lua_id is not None:
            lua_out[lua_id] = (None, "ambiguous" if id(r) in contested else "never_received")
    for _target, ghost in plan.ghosts:
        lua_out[expected_lua_round_id(ghost)] = (None, "ambiguous")
    return rounds_out, lua_out


def _counters(p: PlayerTruth) -> dict[str, int]:
    aimed = [t for w, t in p.weapons.items() if w not in AIMLESS_WEAPONS]
    played = p.time_played_seconds
    return {
        "kills": p.kills,
        "deaths": p.deaths,
        "damage_given": p.damage_given,
        "damage_received": p.damage_received,
        "time_played_seconds": played,
        "time_dead_seconds": min(round(p.time_dead_minutes * 60), played),
        "shots": sum(t[1] for t in aimed),
        "hits": sum(t[0] for t in aimed),
        "headshots": p.headshots,
        "headshot_kills": p.headshot_kills,
        "revives_given": p.revives_given,
        "times_revived": p.times_revived,
        "gibs": p.gibs,
        "kill_assists": p.kill_assists,
        "objectives_stolen": p.objectives_stolen,
        "objectives_returned": p.objectives_returned,
        "dynamites_planted": p.dynamites_planted,
        "dynamites_defused": p.dynamites_defused,
        "self_kills": p.self_kills,
        "team_kills": p.team_kills,
        "useful_kills": p.most_useful_kills,
        "denied_playtime": p.denied_playtime,
        "xp": p.xp,
    }


def _with_rates(c: dict[str, int]) -> dict[str, Any]:
    kills, deaths, shots, played = c["kills"], c["deaths"], c["shots"], c["time_played_seconds"]
    return {
        **c,
        "objectives": c["objectives_stolen"]
        + c["objectives_returned"]
        + c["dynamites_planted"]
        + c["dynamites_defused"],
        "dpm": c["damage_given"] * 60 / played if played else 0.0,
        "kdr": kills / deaths if deaths else float(kills),
        "efficiency": kills * 100 / (kills + deaths) if kills + deaths else 0.0,
        "accuracy": c["hits"] * 100 / shots if shots else 0.0,
    }


def _add(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {k: total.get(k, 0) + v for k, v in more.items()}


def _pools(rounds: Sequence[RoundTruth]) -> tuple[frozenset[str], frozenset[str]]:
    """The two lineups: players who ever shared a side are teammates (union-find); Team A is
    the lineup that defended the session's first round."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in rounds:
        for side in (1, 2):
            keys = sorted(k for k, p in t.players.items() if p.team == side)
            for k in keys:
                find(k)
            for a, b in pairwise(keys):
                parent[find(a)] = find(b)
    groups: dict[str, set[str]] = defaultdict(set)
    for k in list(parent):
        groups[find(k)].add(k)
    first = rounds[0]
    defenders = {k for k, p in first.players.items() if p.team == first.defender_team}
    team_a = next(frozenset(g) for g in groups.values() if g & defenders)
    team_b = frozenset(k for g in groups.values() for k in g) - team_a
    return team_a, team_b


def _score(
    play: SimMapPlay, team_a: frozenset[str], files: dict[str, RoundTruth]
) -> dict[str, Any]:
    r1_file = stats_file_name(play.r1)
    if play.r2 is None or r1_file not in files:
        note = "r1_only" if play.r2 is None else "r2_only"
        return {"scoring_counted": False, "scoring_note": note, "map_winner": None}
    r1, r2 = play.r1, play.r2
    attackers_r1 = {k for k, p in files[r1_file].players.items() if p.team == r1.attacker_team}
    team_r1_attack = "A" if attackers_r1 & team_a else "B"
    team_r2_attack = "B" if team_r1_attack == "A" else "A"
    if r2.winner_team == r2.attacker_team:
        winner = team_r2_attack
    elif r1.winner_team == r1.attacker_team:
        winner = team_r1_attack
    else:
        winner = "draw"
    points = {"A": (2, 0), "B": (0, 2), "draw": (1, 1)}[winner]
    return {
        "scoring_counted": True,
        "scoring_note": "ok",
        "map_winner": winner,
        "r1_attackers": team_r1_attack,
        "team_a_points": points[0],
        "team_b_points": points[1],
    }


def _top(players: dict[str, dict[str, int]]) -> tuple[str | None, int]:
    if not players:
        return None, 0

    def rank(item: tuple[str, dict[str, int]]) -> tuple[int, float, str]:
        k, c = item
        dpm = c["damage_given"] * 60 / c["time_played_seconds"] if c["time_played_seconds"] else 0
        return (-c["kills"], -dpm, k)

    guid, c = min(players.items(), key=rank)
    return guid, c["kills"]


def session_truth(
    corpus: SimCorpus,
    plan: LinkingPlan | None = None,
    gap_minutes: int = 60,
    file_epochs: dict[str, int] | None = None,
) -> SessionTruth:
    """The expected links, sessions, per-session player totals and map summaries.

    Gaps are real elapsed time between file epochs (``file_epochs`` gives them when wall-clock
    stamps repeat, as in the autumn DST hour); an R2 always stays in its R1's session.
    """
    plan = plan or LinkingPlan()
    files = round_truth(corpus)
    links, lua_links = _link_truth(corpus, files, plan)
    plays_of: dict[str, SimMapPlay] = {}
    for play in corpus.map_plays:
        for r in play.rounds:
            plays_of[stats_file_name(r)] = play

    def epoch(t: RoundTruth) -> int:
        return file_epochs[t.file_name] if file_epochs else to_unix(t.local_time)

    ordered = sorted(files.values(), key=lambda t: (epoch(t), t.file_name))
    islands: list[list[RoundTruth]] = []
    for t in ordered:
        gap = (epoch(t) - epoch(islands[-1][-1])) if islands else None
        own_r1 = islands and any(u.file_name == t.r1_file_name for u in islands[-1])
        if gap is None or (gap > gap_minutes * 60 and not own_r1):
            islands.append([])
        islands[-1].append(t)

    sessions: list[SessionTruthRow] = []
    players: dict[tuple[int, str], dict[str, Any]] = {}
    summaries: dict[tuple[int, str, int], dict[str, Any]] = {}
    for island in islands:
        first = island[0]
        session_id = _stable(f"session:{_round_key(first)}")
        team_a, team_b = _pools(island)
        totals: dict[str, dict[str, int]] = {}
        rounds_played: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        for t in island:
            for key, p in t.players.items():
                totals[key] = _add(totals.get(key, {}), _counters(p))
                rounds_played[key] += 1
                names[key] = p.player_name
        for key, c in totals.items():
            players[(session_id, key)] = {
                **_with_rates(c),
                "rounds_played": rounds_played[key],
                "display_name": names[key],
                "team": "A" if key in team_a else "B",
            }
        seen_plays: list[SimMapPlay] = []
        for t in island:
            play = plays_of[t.file_name]
            if all(p is not play for p in seen_plays):
                seen_plays.append(play)
        per_map: dict[str, int] = defaultdict(int)
        a_points = b_points = counted = uncounted = 0
        for play in seen_plays:
            per_map[play.map_name] += 1
            present = [files[n] for n in map(stats_file_name, play.rounds) if n in files]
            by_player: dict[str, dict[str, int]] = {}
            for t in present:
                for key, p in t.players.items():
                    by_player[key] = _add(by_player.get(key, {}), _counters(p))
            total: dict[str, int] = {}
            for c in by_player.values():
                total = _add(total, c)
            top_guid, top_kills = _top(by_player)
            score = _score(play, team_a, files)
            if score["scoring_counted"]:
                counted += 1
                a_points += score["team_a_points"]
                b_points += score["team_b_points"]
            else:
                uncounted += 1
            summaries[(session_id, play.map_name, per_map[play.map_name])] = {
                **_with_rates(total),
                "rounds": len(present),
                "players": len(by_player),
                "completeness": "complete"
                if len(present) == 2
                else ("r1_only" if present[0].round_number == 1 else "r2_only"),
                "top_player_guid": top_guid,
                "top_player_kills": top_kills,
                **score,
            }
        last = island[-1]
        sessions.append(
            SessionTruthRow(
                session_id=session_id,
                gaming_day=first.gaming_day,
                files=tuple(t.file_name for t in island),
                crosses_midnight=first.local_time.date() != last.local_time.date(),
                crosses_day_boundary=first.gaming_day != last.gaming_day,
                team_a=team_a,
                team_b=team_b,
                team_a_points=a_points,
                team_b_points=b_points,
                maps_counted=counted,
                maps_uncounted=uncounted,
            )
        )
    days = tuple(sorted({gaming_day(t.local_time) for t in files.values()}))
    return SessionTruth(links, lua_links, tuple(sessions), players, summaries, days)


def _stable(natural_key: str) -> int:
    """The warehouse's id convention (63-bit prefix of SHA-256), restated for the truth."""
    return int.from_bytes(hashlib.sha256(natural_key.encode("utf-8")).digest()[:8], "big") >> 1
