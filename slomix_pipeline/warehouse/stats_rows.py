"""Mapping of per-round stats records onto the stats tables' rows.

Kept apart from the ingestion flow so the column mapping is in one place, next to the schema
that it must match (a test inserts these rows into both backends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.contract import header_facts
from slomix_pipeline.domain.gaming_day import (
    gaming_day_of_local,
    is_ambiguous_local,
    local_to_epoch,
)
from slomix_pipeline.domain.identity import round_key, stable_id
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.pairing import Pairing
from slomix_pipeline.domain.stats_records import RoundStats
from slomix_pipeline.domain.stopwatch import OBJECTIVE, judge
from slomix_pipeline.formats.stats_file import classify_stats_filename
from slomix_pipeline.warehouse.schema import PLAYER_METRICS


@dataclass(frozen=True, slots=True)
class StoredRound:
    """A round ready to be written: the stats plus the identities derived from its natural key.

    Made by :meth:`build` only, which sets every field (hence no defaults).
    """

    stats: RoundStats
    sha256: str
    round_key: str
    round_id: int
    match_id: str
    gaming_day: date
    file_time_unix: int
    file_time_ambiguous: bool
    pairing_reason: str | None
    pairing_confirmed: bool | None
    r1_limit_seconds: int | None

    @classmethod
    def build(
        cls,
        stats: RoundStats,
        sha256: str,
        settings: Settings,
        *,
        file_time_unix: int | None = None,
        pairing: Pairing | None = None,
        r1_limit_seconds: int | None = None,
    ) -> StoredRound:
        """``file_time_unix`` is the epoch the caller resolved (DST by write order); without it
        the first reading of the wall-clock time is taken. ``pairing`` is an R2's decision and
        ``r1_limit_seconds`` its R1's header field 6 (the map's configured limit)."""
        local = stats.file.local_time
        key = round_key(local, map_key(stats.map_name), stats.round_number)
        match_time = local
        if stats.r1_file_name:
            r1 = classify_stats_filename(stats.r1_file_name)
            if r1 is not None:
                match_time = r1.local_time
        return cls(
            stats=stats,
            sha256=sha256,
            round_key=key,
            round_id=stable_id(key),
            match_id=f"{match_time:%Y-%m-%d-%H%M%S}",
            gaming_day=gaming_day_of_local(local, settings.day_start_hour),
            file_time_unix=(
                local_to_epoch(local, settings.server_tz)
                if file_time_unix is None
                else file_time_unix
            ),
            file_time_ambiguous=is_ambiguous_local(local, settings.server_tz),
            pairing_reason=None if pairing is None else pairing.reason,
            pairing_confirmed=None if pairing is None else pairing.confirmed,
            r1_limit_seconds=r1_limit_seconds,
        )


def _round_status(stats: RoundStats) -> str:
    return "orphan_r2" if stats.is_orphan_r2 else "completed"


def rows_for_round(
    stored: StoredRound,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """One ``rounds`` row, its ``player_comprehensive_stats`` rows and weapon rows."""
    s = stored.stats
    header = s.header
    local = s.file.local_time
    verdict = judge(header_facts(header))
    map_limit = header.map_time_seconds if s.round_number == 1 else stored.r1_limit_seconds
    attack = (
        verdict.duration_seconds
        if s.round_number == 1 and verdict.end_reason == OBJECTIVE
        else None
    )
    provenance = {"source_file": s.file.name, "source_sha256": stored.sha256}
    round_row: dict[str, Any] = {
        "id": stored.round_id,
        "round_key": stored.round_key,
        "match_id": stored.match_id,
        "gaming_day": stored.gaming_day,
        "round_number": s.round_number,
        "round_date": local.date(),
        "round_time": f"{local:%H%M%S}",
        "file_time_local": local,
        "file_time_unix": stored.file_time_unix,
        "file_time_ambiguous": stored.file_time_ambiguous,
        "map_name": s.map_name,
        "map_key": map_key(s.map_name),
        "server_name": header.server_name,
        "time_limit": header.map_time_text,
        "actual_time": header.actual_time_text,
        "time_limit_seconds": header.map_time_seconds,
        "actual_time_seconds": header.actual_time_seconds,
        "round_duration_ms": header.round_duration_ms,
        "round_duration_seconds": s.round_duration_seconds,
        "defender_team": header.defender_team,
        "winner_team": header.winner_team,
        "round_outcome": s.contract.round_outcome,
        "round_status": _round_status(s),
        "is_valid": not (s.is_orphan_r2 or s.is_bot_round),
        "is_orphan_r2": s.is_orphan_r2,
        "r1_file_name": s.r1_file_name,
        "differential_applied": s.differential_applied,
        "score_confidence": s.contract.score_confidence,
        "round_stopwatch_state": s.contract.round_stopwatch_state,
        "time_to_beat_seconds": s.contract.time_to_beat_seconds,
        "next_timelimit_minutes": s.contract.next_timelimit_minutes,
        "side_reasons": "; ".join(s.contract.side_reasons) or None,
        "player_count": len(s.players),
        "bot_player_count": s.bot_player_count,
        "human_player_count": s.human_player_count,
        "is_bot_round": s.is_bot_round,
        "warnings": "; ".join(s.warnings) or None,
        "pairing_reason": stored.pairing_reason,
        "pairing_confirmed": stored.pairing_confirmed,
        "end_reason": verdict.end_reason,
        "end_reason_source": verdict.end_reason_source,
        "duration_seconds": verdict.duration_seconds,
        "duration_source": verdict.duration_source,
        "map_time_limit_seconds": map_limit,
        "map_time_limit_source": "stats" if map_limit else "none",
        "r1_attack_time_seconds": attack,
        **provenance,
    }
    shared = {
        "round_id": stored.round_id,
        "gaming_day": stored.gaming_day,
        "round_date": local.date(),
        "map_name": s.map_name,
        "round_number": s.round_number,
    }
    player_rows: list[dict[str, Any]] = []
    weapon_rows: list[dict[str, Any]] = []
    for p in s.players:
        row = {
            **shared,
            "player_guid": p.player_guid,
            "guid8": p.guid8,
            "player_name": p.player_name,
            "clean_name": p.player_name,
            "raw_name": p.raw_name,
            "team": p.team,
            "is_bot": p.is_bot,
            "time_source": p.time_source,
            "counter_reset": p.counter_reset,
            "counter_reset_fields": ",".join(p.counter_reset_fields) or None,
            "joined_in_r2": p.joined_in_r2,
            **provenance,
        }
        for metric in PLAYER_METRICS:
            row[metric] = getattr(p, metric)
        player_rows.append(row)
        for w in p.weapons:
            weapon_rows.append(
                {
                    **shared,
                    "player_guid": p.player_guid,
                    "player_name": p.player_name,
                    "weapon_name": w.weapon_name,
                    "weapon_id": w.weapon_id,
                    "hits": w.hits,
                    "shots": w.shots,
                    "kills": w.kills,
                    "deaths": w.deaths,
                    "headshots": w.headshots,
                    "accuracy": w.accuracy,
                    **provenance,
                }
            )
    return round_row, player_rows, weapon_rows
