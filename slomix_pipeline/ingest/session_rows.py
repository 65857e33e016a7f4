"""The rows of a session's own tables: the session, its rounds, its players' totals.

Every row carries an ``inputs_digest`` of the stats files behind it (or their file and sha256),
so a reader can tell whether a stored row still reflects the landed files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from slomix_pipeline.domain.aggregates import (
    Counters,
    rates,
)
from slomix_pipeline.domain.scoring import session_score
from slomix_pipeline.domain.sessions import (
    SessionRound,
)
from slomix_pipeline.ingest.session_compute import SessionResult
from slomix_pipeline.ingest.session_reads import LinkedValues
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo


def inputs_digest(infos: Mapping[int, StoredRoundInfo], rounds: Iterable[SessionRound]) -> str:
    """SHA-256 over the (file, sha256) pairs of ``rounds``: what a row was computed from."""
    items = {(infos[r.round_id].source_file, infos[r.round_id].source_sha256) for r in rounds}
    text = "\n".join(f"{name}:{sha}" for name, sha in sorted(items))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def counter_values(c: Counters) -> dict[str, Any]:
    """The stored columns of a counter set: the counters and the rates derived from them."""
    return {**c.as_dict(), **rates(c)}


def session_row(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
    links: Mapping[int, LinkedValues],
) -> dict[str, Any]:
    """The ``gaming_sessions`` row: span, counts, teams and the session score."""
    s = result.session
    day = s.gaming_day
    counted = sum(1 for st in result.statuses.values() if st.counted)
    total_score = session_score(result.scores.values())
    first, last = infos[s.rounds[0].round_id], infos[s.rounds[-1].round_id]
    return {
        "session_id": s.session_id,
        "gaming_day": day,
        "session_key": s.session_key,
        "first_round_id": first.round_id,
        "last_round_id": last.round_id,
        "start_unix": s.start_unix,
        "end_unix": s.end_unix,
        "start_local": first.file_time_local,
        "end_local": last.file_time_local,
        "last_gaming_day": last.gaming_day,
        "crosses_midnight": first.file_time_local.date() != last.file_time_local.date(),
        "crosses_day_boundary": last.gaming_day != day,
        "round_count": len(s.rounds),
        "counted_round_count": counted,
        "superseded_round_count": len(s.rounds) - counted,
        "rounds_linked": sum(
            1
            for r in s.rounds
            if (link := links.get(r.round_id)) is not None and link.link_reason == "linked"
        ),
        "map_play_count": len(result.plays),
        "player_count": len(result.totals),
        "team_a_players": json.dumps(list(result.teams.members("A"))),
        "team_b_players": json.dumps(list(result.teams.members("B"))),
        "unassigned_players": json.dumps(sorted(result.teams.unassigned)),
        "team_a_points": total_score.team_a_points,
        "team_b_points": total_score.team_b_points,
        "maps_counted": total_score.maps_counted,
        "maps_uncounted": total_score.maps_uncounted,
        "inputs_digest": inputs_digest(infos, s.rounds),
    }


def session_round_rows(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
    links: Mapping[int, LinkedValues],
) -> list[dict[str, Any]]:
    """The ``session_rounds`` rows: every round of the session in order, counted or superseded."""
    s = result.session
    day = s.gaming_day
    play_of = {r.round_id: p.map_play_id for p in result.plays for r in p.rounds}
    round_rows = []
    for order, r in enumerate(s.rounds, start=1):
        info = infos[r.round_id]
        status = result.statuses[r.round_id]
        link = links.get(r.round_id)
        round_rows.append(
            {
                "round_id": r.round_id,
                "session_id": s.session_id,
                "gaming_day": day,
                "round_gaming_day": info.gaming_day,
                "round_order": order,
                "end_unix": info.file_time_unix,
                "map_key": info.map_key,
                "round_number": info.round_number,
                "round_status": status.status,
                "counted": status.counted,
                "superseded_by": status.superseded_by,
                "map_play_id": play_of.get(r.round_id),
                "team_a_side": result.teams.side_of_a.get(r.round_id),
                "link_reason": link.link_reason if link else None,
                "source_file": info.source_file,
                "source_sha256": info.source_sha256,
            }
        )
    return round_rows


def session_player_rows(
    result: SessionResult,
    infos: Mapping[int, StoredRoundInfo],
) -> list[dict[str, Any]]:
    """The ``session_player_stats`` rows: each player's totals, ranked."""
    s = result.session
    day = s.gaming_day
    session_digest = inputs_digest(infos, s.rounds)
    return [
        {
            "session_id": s.session_id,
            "player_guid": p.player_guid,
            "gaming_day": day,
            "display_name": p.display_name,
            "is_bot": p.is_bot,
            "team": p.team,
            "rank": rank,
            "rounds_played": p.rounds_played,
            **counter_values(p.counters),
            "inputs_digest": session_digest,
        }
        for rank, p in enumerate(result.totals, start=1)
    ]
