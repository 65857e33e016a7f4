"""The per-map and per-round rows of a session: map summaries and the graph rows.

Map summaries carry the stopwatch score of each map play; graph rows are one player's counters
in one counted round, in session order, which is what the charts and the WS7 gate read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from slomix_pipeline.domain.aggregates import (
    PlayerRound,
    map_summary,
)
from slomix_pipeline.ingest.session_compute import SessionResult
from slomix_pipeline.ingest.session_reads import PlayerRoundInput
from slomix_pipeline.ingest.session_rows import counter_values, inputs_digest
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo


def map_summary_rows(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
) -> list[dict[str, Any]]:
    """The ``map_summaries`` rows: one per map play, with its totals, top player and score."""
    s = result.session
    day = s.gaming_day
    rows_by_round: dict[int, list[PlayerRound]] = defaultdict(list)
    for row in result.rows:
        rows_by_round[row.round_id].append(row)
    summary_rows = []
    for play in result.plays:
        summary = map_summary([row for r in play.rounds for row in rows_by_round[r.round_id]])
        score = result.scores[play.map_play_id]
        summary_rows.append(
            {
                "map_play_id": play.map_play_id,
                "session_id": s.session_id,
                "gaming_day": day,
                "map_key": play.map_key,
                "map_name": play.map_name,
                "match_id": play.match_id,
                "play_index": play.play_index,
                "play_order": play.order,
                "completeness": play.completeness,
                "r1_round_id": play.r1.round_id if play.r1 else None,
                "r2_round_id": play.r2.round_id if play.r2 else None,
                "rounds": summary.rounds,
                "players": summary.players,
                **counter_values(summary.counters),
                "top_player_guid": summary.top_player_guid,
                "top_player_name": summary.top_player_name,
                "top_player_kills": summary.top_player_kills,
                "scoring_counted": score.counted,
                "scoring_note": score.note,
                "scoring_source": score.scoring_source,
                "r1_attackers": score.r1_attackers,
                "r1_attack_succeeded": score.r1_attack_succeeded,
                "r2_attack_succeeded": score.r2_attack_succeeded,
                "r1_time_seconds": score.r1_time_seconds,
                "r2_time_seconds": score.r2_time_seconds,
                "map_winner": score.winner,
                "team_a_points": score.team_a_points,
                "team_b_points": score.team_b_points,
                "inputs_digest": inputs_digest(infos, play.rounds),
            }
        )
    return summary_rows


def graph_rows(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
    players: Mapping[int, list[PlayerRoundInput]],
) -> list[dict[str, Any]]:
    """The ``session_round_graphs`` rows: a player's counters per counted round, in order."""
    s = result.session
    day = s.gaming_day
    clamped = {
        (p.round_id, p.player_guid): p.time_clamped
        for r in s.rounds
        for p in players.get(r.round_id, ())
    }
    rows = []
    for row in result.rows:
        info = infos[row.round_id]
        rows.append(
            {
                "session_id": s.session_id,
                "round_id": row.round_id,
                "player_guid": row.player_guid,
                "gaming_day": day,
                "round_order": row.order,
                "label": f"{info.map_name} R{info.round_number}",
                "map_name": info.map_name,
                "round_number": info.round_number,
                "player_name": row.player_name,
                "side": row.side,
                "team": result.teams.team_of.get(row.player_guid),
                "time_clamped": clamped.get((row.round_id, row.player_guid), False),
                **counter_values(row.counters),
                "source_file": info.source_file,
                "source_sha256": info.source_sha256,
            }
        )
    return rows
