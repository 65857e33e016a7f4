"""Which days a session build must read: the run's days, widened while a session may cross.

A session belongs to the gaming day of its first round, so building day D needs every round of
every session that *starts* on D, and enough of D-1 to know whether D's first rounds continue a
session that started the day before. The window grows a day at an edge while a session touches
it, bounded by :data:`MAX_EXTRA_DAYS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_bounds_epoch
from slomix_pipeline.domain.sessions import (
    GamingSession,
    SessionRound,
    group_sessions,
    touches_edge,
)
from slomix_pipeline.ingest.session_reads import (
    LinkedValues,
    PlayerRoundInput,
    read_guid_sets,
    read_links,
    read_players,
    read_stored_sessions,
)
from slomix_pipeline.ingest.stored_rounds import StoredRoundInfo, read_rounds

MAX_EXTRA_DAYS = 7
"""How far the window may grow past the run's days to see a whole session (per side)."""


@dataclass(slots=True)
class WindowData:
    """Everything read for one run: the rounds of the window and their per-player rows."""

    days: list[date]
    rounds: list[StoredRoundInfo]
    guid_sets: dict[int, frozenset[str]]
    links: dict[int, LinkedValues]
    players: dict[int, list[PlayerRoundInput]]
    stored_sessions: dict[int, set[tuple[int, date]]]


def _session_round(info: StoredRoundInfo, guids: frozenset[str]) -> SessionRound:
    return SessionRound(
        round_id=info.round_id,
        round_key=info.round_key,
        map_key=info.map_key,
        map_name=info.map_name,
        round_number=info.round_number,
        match_id=info.match_id,
        end_unix=info.file_time_unix,
        gaming_day=info.gaming_day,
        round_status=info.round_status,
        guids=guids,
    )


def sessions_of(
    rounds: Sequence[StoredRoundInfo], guid_sets: Mapping[int, frozenset[str]], gap_s: int
) -> tuple[GamingSession, ...]:
    """Group the play rounds (bot-only rounds are not play and never form a session)."""
    return group_sessions(
        (
            _session_round(r, guid_sets.get(r.round_id, frozenset()))
            for r in rounds
            if not r.is_bot_round
        ),
        gap_s,
    )


def _window(run: Sequence[date], before: int, after: int) -> list[date]:
    first, last = run[0] - timedelta(days=before), run[-1] + timedelta(days=after)
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def load_window(conn: Connection, days: Sequence[date], settings: Settings) -> WindowData:
    """Read the run's days plus neighbours, widening while a session may cross the window."""
    run = sorted(set(days))
    gap_s = settings.session_gap_minutes * 60
    tz, hour = settings.server_tz, settings.day_start_hour
    before = after = 1
    while True:
        window = _window(run, before, after)
        rounds = read_rounds(conn, window)
        guid_sets = read_guid_sets(conn, window)
        sessions = sessions_of(rounds, guid_sets, gap_s)
        first_unix = gaming_day_bounds_epoch(window[0], tz, hour)[0]
        last_unix = gaming_day_bounds_epoch(window[-1], tz, hour)[1]
        early, late = touches_edge(sessions, first_unix, last_unix, gap_s)
        grow_early = early and before < MAX_EXTRA_DAYS
        grow_late = late and after < MAX_EXTRA_DAYS
        if not (grow_early or grow_late):
            break
        before += int(grow_early)
        after += int(grow_late)
    return WindowData(
        days=window,
        rounds=rounds,
        guid_sets=guid_sets,
        links=read_links(conn, window),
        players=read_players(conn, window),
        stored_sessions=read_stored_sessions(conn, window),
    )
