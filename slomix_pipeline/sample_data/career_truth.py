"""The expected community datasets, recomputed from the generator's own truth (no warehouse).

Keys are the stored player keys (``truth.player_key``), i.e. the canonical GUIDs when no merge
is declared. Built from the same per-round truth as the session truth, so a career is the sum
of the player's truth rows over every counted round and every session.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from slomix_pipeline.sample_data.clock import to_unix
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.session_totals import add_counters, player_counters, with_rates
from slomix_pipeline.sample_data.session_truth import SessionTruth
from slomix_pipeline.sample_data.truth import round_truth


@dataclass(frozen=True, slots=True)
class CareerTruth:
    careers: dict[str, dict[str, Any]]  # key -> counters, rates, rounds_played, sessions
    per_map: dict[tuple[str, str], dict[str, Any]]  # (key, map name) -> counters, rates, rounds
    per_weapon: dict[tuple[str, str], dict[str, int]]  # (key, weapon) -> kills, ..., rounds
    most_kills_round: dict[str, tuple[int, str]]  # key -> (kills, stats file name)
    bots: frozenset[str]


def career_truth(corpus: SimCorpus, sessions: SessionTruth) -> CareerTruth:
    totals: dict[str, dict[str, int]] = {}
    session_count: dict[str, int] = defaultdict(int)
    for (_sid, key), row in sessions.players.items():
        counters = {k: v for k, v in row.items() if isinstance(v, int) and k != "objectives"}
        totals[key] = add_counters(totals.get(key, {}), counters)
        session_count[key] += 1
    careers = {
        key: {**with_rates(c), "rounds_played": c["rounds_played"], "sessions": session_count[key]}
        for key, c in totals.items()
    }
    per_map: dict[tuple[str, str], dict[str, int]] = {}
    per_weapon: dict[tuple[str, str], dict[str, int]] = {}
    best: dict[str, tuple[int, int, str]] = {}
    bots: set[str] = set()
    for t in round_truth(corpus).values():
        for key, p in t.players.items():
            if p.is_bot:
                bots.add(key)
            per_map[(key, t.map_name)] = add_counters(
                per_map.get((key, t.map_name), {}), {**player_counters(p), "rounds_played": 1}
            )
            for weapon, (hits, shots, kills, deaths, headshots) in p.weapons.items():
                values = {
                    "hits": hits,
                    "shots": shots,
                    "kills": kills,
                    "deaths": deaths,
                    "headshots": headshots,
                    "rounds_played": 1,
                }
                per_weapon[(key, weapon)] = add_counters(per_weapon.get((key, weapon), {}), values)
            when = to_unix(t.local_time)
            current = best.get(key)
            if (
                current is None
                or p.kills > current[0]
                or (p.kills == current[0] and when < current[1])
            ):
                best[key] = (p.kills, when, t.file_name)
    return CareerTruth(
        careers=careers,
        per_map={
            k: {**with_rates(v), "rounds_played": v["rounds_played"]} for k, v in per_map.items()
        },
        per_weapon=per_weapon,
        most_kills_round={k: (v[0], v[2]) for k, v in best.items()},
        bots=frozenset(bots),
    )


@dataclass(frozen=True, slots=True)
class OutcomeTruth:
    """Map results, streaks, the other records and season figures, from the same truth.

    ``records`` maps (key, record) to (value, session id): the session that set the record (for
    a streak, the session of the map that completed it). ``seasons`` maps a season name (and
    ``all-time``) to each player's summed counters with rates, rounds, and maps won/lost/drawn.
    """

    results: dict[str, list[str]]  # key -> won | lost | draw per scored map play, in play order
    records: dict[tuple[str, str], tuple[float, int]]
    seasons: dict[str, dict[str, dict[str, Any]]]


def _offer(best: dict, key: tuple[str, str], value: float, order: tuple, sid: int) -> None:
    current = best.get(key)
    if current is None or value > current[0] or (value == current[0] and order < current[1]):
        best[key] = (value, order, sid)


def outcome_truth(
    corpus: SimCorpus, sessions: SessionTruth, seasons: Any = (), all_time: str = "all-time"
) -> OutcomeTruth:
    """Recompute win/loss, the longest win streak, the other records and per-season careers.

    ``seasons``: objects with ``name``, ``start`` and ``end`` (inclusive gaming days). A map
    counts for a player who played a round of it, scored by the session team against the
    session truth's map winner; unscored maps count in none.
    """
    from slomix_pipeline.sample_data.file_names import stats_file_name

    files = round_truth(corpus)
    plays_of = {stats_file_name(r): play for play in corpus.map_plays for r in play.rounds}
    results: dict[str, list[str]] = defaultdict(list)
    wld: dict[tuple[str, str], dict[str, int]] = {}
    spans = [(all_time, None, None), *((s.name, s.start, s.end) for s in seasons)]
    best: dict[tuple[str, str], tuple[float, tuple, int]] = {}
    for session in sessions.sessions:
        sid, day = session.session_id, session.gaming_day
        start = min(to_unix(files[n].local_time) for n in session.files)
        for key, row in sessions.players.items():
            if key[0] == sid:
                _offer(best, (key[1], "most_kills_session"), row["kills"], (start,), sid)
                _offer(best, (key[1], "most_damage_session"), row["damage_given"], (start,), sid)
        seen: list[Any] = []
        for name in session.files:
            t = files[name]
            for key, p in t.players.items():
                order = (to_unix(t.local_time), t.round_number)
                _offer(best, (key, "most_damage_round"), p.damage_given, order, sid)
            if all(p is not plays_of[name] for p in seen):
                seen.append(plays_of[name])
        nth: dict[str, int] = defaultdict(int)
        for play in seen:
            nth[play.map_name] += 1
            summary = sessions.map_summaries[(sid, play.map_name, nth[play.map_name])]
            if not summary["scoring_counted"]:
                continue
            present = [n for n in map(stats_file_name, play.rounds) if n in session.files]
            for key in sorted({k for n in present for k in files[n].players}):
                team = sessions.players[(sid, key)]["team"]
                winner = summary["map_winner"]
                outcome = "draw" if winner == "draw" else ("won" if winner == team else "lost")
                results[key].append(outcome)
                if outcome == "won":
                    run = sum(1 for _ in _tail_wins(results[key]))
                    _offer(best, (key, "longest_win_streak"), run, (), sid)
                for season, lo, hi in spans:
                    if lo is None or lo <= day <= hi:
                        counts = wld.setdefault((season, key), {"won": 0, "lost": 0, "draw": 0})
                        counts[outcome] += 1
    totals: dict[str, dict[str, dict[str, int]]] = {name: {} for name, *_ in spans}
    day_of = {s.session_id: s.gaming_day for s in sessions.sessions}
    for (sid, key), row in sessions.players.items():
        counters = {k: v for k, v in row.items() if isinstance(v, int) and k != "objectives"}
        for season, lo, hi in spans:
            if lo is None or lo <= day_of[sid] <= hi:
                totals[season][key] = add_counters(totals[season].get(key, {}), counters)
    season_rows: dict[str, dict[str, dict[str, Any]]] = {}
    for season, players in totals.items():
        season_rows[season] = {}
        for key, c in players.items():
            counts = wld.get((season, key), {"won": 0, "lost": 0, "draw": 0})
            season_rows[season][key] = {
                **with_rates(c),
                "rounds_played": c["rounds_played"],
                "maps_won": counts["won"],
                "maps_lost": counts["lost"],
                "maps_drawn": counts["draw"],
            }
    return OutcomeTruth(
        results=dict(results),
        records={k: (float(v[0]), v[2]) for k, v in best.items()},
        seasons=season_rows,
    )


def _tail_wins(results: list[str]) -> Any:
    """The trailing run of ``won`` in ``results`` (one item per map)."""
    for outcome in reversed(results):
        if outcome != "won":
            return
        yield outcome


def award_truth(corpus: SimCorpus, sessions: SessionTruth) -> dict[tuple[int, str, str], int]:
    """Awarded endstats lines per (session id, player key, award name), from the side-car truth
    of every round whose stats file is a counted truth round (the winner's GUID32 resolved to
    the key that round's truth row carries)."""
    from slomix_pipeline.sample_data.endstats_render import award_lines
    from slomix_pipeline.sample_data.file_names import endstats_file_name, stats_file_name

    files = round_truth(corpus)
    session_of = {name: s.session_id for s in sessions.sessions for name in s.files}
    out: dict[tuple[int, str, str], int] = defaultdict(int)
    for play in corpus.map_plays:
        for r in play.rounds:
            stats_name = stats_file_name(r)
            if endstats_file_name(r) is None or stats_name not in files:
                continue
            key_of = {p.guid32: k for k, p in files[stats_name].players.items()}
            r1 = play.r1 if r.round_number == 2 else None
            for *_, award in award_lines(r, r1):
                if award.status == "awarded" and award.winner_guid32 in key_of:
                    key = key_of[award.winner_guid32]
                    out[(session_of[stats_name], key, award.award_name)] += 1
    return dict(out)
