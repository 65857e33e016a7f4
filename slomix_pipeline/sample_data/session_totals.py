"""Per-player counters of a stored row, summed over rounds, with the rates derived from them."""

from __future__ import annotations

from typing import Any

from slomix_pipeline.domain.aggregates import ACCURACY_EXCLUDED_WEAPONS
from slomix_pipeline.sample_data.truth_records import PlayerTruth


def player_counters(p: PlayerTruth) -> dict[str, int]:
    aimed = [t for w, t in p.weapons.items() if w not in ACCURACY_EXCLUDED_WEAPONS]
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


def with_rates(c: dict[str, int]) -> dict[str, Any]:
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


def add_counters(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {k: total.get(k, 0) + v for k, v in more.items()}


def top_player(players: dict[str, dict[str, int]]) -> tuple[str | None, int]:
    if not players:
        return None, 0

    def rank(item: tuple[str, dict[str, int]]) -> tuple[int, float, str]:
        k, c = item
        dpm = c["damage_given"] * 60 / c["time_played_seconds"] if c["time_played_seconds"] else 0
        return (-c["kills"], -dpm, k)

    guid, c = min(players.items(), key=rank)
    return guid, c["kills"]
