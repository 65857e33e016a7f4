"""The expected community datasets, recomputed from the generator's own truth (no warehouse).

Keys are the stored player keys (``truth.player_key``), i.e. the canonical GUIDs when no merge
is declared. Built from the same per-round truth as the session truth, so a career is the sum
of the player's truth rows over every counted round and every session.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.session_truth import SessionTruth, _add, _counters, _with_rates
from slomix_pipeline.sample_data.simulate import to_unix
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
        totals[key] = _add(totals.get(key, {}), counters)
        session_count[key] += 1
    careers = {
        key: {**_with_rates(c), "rounds_played": c["rounds_played"], "sessions": session_count[key]}
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
            per_map[(key, t.map_name)] = _add(
                per_map.get((key, t.map_name), {}), {**_counters(p), "rounds_played": 1}
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
                per_weapon[(key, weapon)] = _add(per_weapon.get((key, weapon), {}), values)
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
            k: {**_with_rates(v), "rounds_played": v["rounds_played"]} for k, v in per_map.items()
        },
        per_weapon=per_weapon,
        most_kills_round={k: (v[0], v[2]) for k, v in best.items()},
        bots=frozenset(bots),
    )
