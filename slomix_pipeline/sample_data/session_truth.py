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

The parts: ``linking_cases`` (planted cases), ``link_truth`` (expected links),
``session_totals`` (counters and rates), ``session_teams`` (lineups and map scores).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slomix_pipeline.sample_data.clock import gaming_day, to_unix
from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.link_truth import RoundLinkTruth, link_truth
from slomix_pipeline.sample_data.linking_cases import LinkingPlan
from slomix_pipeline.sample_data.model import SimCorpus, SimMapPlay
from slomix_pipeline.sample_data.session_teams import map_score, session_teams
from slomix_pipeline.sample_data.session_totals import (
    add_counters,
    player_counters,
    top_player,
    with_rates,
)
from slomix_pipeline.sample_data.truth import round_truth
from slomix_pipeline.sample_data.truth_records import RoundTruth


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
    links, lua_links = link_truth(corpus, files, plan)
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
        team_a, team_b = session_teams(island)
        totals: dict[str, dict[str, int]] = {}
        rounds_played: dict[str, int] = defaultdict(int)
        names: dict[str, str] = {}
        for t in island:
            for key, p in t.players.items():
                totals[key] = add_counters(totals.get(key, {}), player_counters(p))
                rounds_played[key] += 1
                names[key] = p.player_name
        for key, c in totals.items():
            players[(session_id, key)] = {
                **with_rates(c),
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
                    by_player[key] = add_counters(by_player.get(key, {}), player_counters(p))
            total: dict[str, int] = {}
            for c in by_player.values():
                total = add_counters(total, c)
            top_guid, top_kills = top_player(by_player)
            score = map_score(play, team_a, files)
            if score["scoring_counted"]:
                counted += 1
                a_points += score["team_a_points"]
                b_points += score["team_b_points"]
            else:
                uncounted += 1
            summaries[(session_id, play.map_name, per_map[play.map_name])] = {
                **with_rates(total),
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
