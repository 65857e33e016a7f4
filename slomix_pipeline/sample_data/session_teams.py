"""Who played together and who won: the two lineups of a session and each map's score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.model import SimMapPlay
from slomix_pipeline.sample_data.truth_records import RoundTruth


def session_teams(rounds: Sequence[RoundTruth]) -> tuple[frozenset[str], frozenset[str]]:
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


def map_score(
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
