"""Corpus-level expectations: the gaming sessions over the valid stats files, and where each
required edge case sits (found from the data, not from the simulation plan).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.model import (
    SimCorpus,
)
from slomix_pipeline.sample_data.truth import expected_rejects, round_truth


def expected_sessions(corpus: SimCorpus, gap_minutes: int = 60) -> tuple[tuple[str, ...], ...]:
    """Gaming sessions over the valid stats files: a gap of more than ``gap_minutes`` between
    consecutive filename timestamps starts a new one (rejected files are not rounds)."""
    ordered = sorted(round_truth(corpus).values(), key=lambda t: (t.local_time, t.file_name))
    sessions: list[list[str]] = []
    previous: datetime | None = None
    for t in ordered:
        if previous is None or t.local_time - previous > timedelta(minutes=gap_minutes):
            sessions.append([])
        sessions[-1].append(t.file_name)
        previous = t.local_time
    return tuple(tuple(s) for s in sessions)


def features(corpus: SimCorpus) -> dict[str, tuple[str, ...]]:
    """Where each required edge case sits, as file names, found from the data (not the plan),
    so a test that sees a non-empty entry knows the case is really in the landing zone."""
    truth = round_truth(corpus)
    found: dict[str, list[str]] = {
        name: []
        for name in (
            "surrender",
            "full_hold_r1",
            "reconnect_r2",
            "join_in_r2",
            "leave_after_r1",
            "bot",
            "two_bots_same_round",
            "after_midnight",
            "midnight_pair",
            "repeat_map",
            "orphan_r2",
            "endstats",
            "paused",
            "fractional_time_to_beat",
            "session_break",
            "malformed",
        )
    }
    for night in corpus.nights:
        seen_maps: set[str] = set()
        for play in night.map_plays:
            r1_name = stats_file_name(play.r1)
            r2_name = stats_file_name(play.r2) if play.r2 is not None else None
            if play.map_name in seen_maps:
                found["repeat_map"].append(r2_name or r1_name)
            seen_maps.add(play.map_name)
            if play.r1_file_missing and r2_name:
                found["orphan_r2"].append(r2_name)
            if play.r2 is not None and r2_name:
                r2_guids = {p.player.guid32 for p in play.r2.players}
                if any(p.player.guid32 not in r2_guids for p in play.r1.players):
                    found["leave_after_r1"].append(r1_name)
                if play.r2.file_written_local.date() != play.r1.file_written_local.date():
                    found["midnight_pair"].append(r2_name)
    by_name = {stats_file_name(r): r for r in corpus.rounds}
    for name, t in truth.items():
        r = by_name[name]
        if t.end_reason == "surrender":
            found["surrender"].append(name)
        if t.round_number == 1 and t.end_reason == "time_expired":
            found["full_hold_r1"].append(name)
        if any(p.counter_reset for p in t.players.values()):
            found["reconnect_r2"].append(name)
        if t.round_number == 2 and any(p.joined_in_this_round for p in r.players):
            found["join_in_r2"].append(name)
        if t.bot_player_count >= 1:
            found["bot"].append(name)
        if t.bot_player_count >= 2:
            found["two_bots_same_round"].append(name)
        if t.local_time.date() != t.gaming_day:
            found["after_midnight"].append(name)
        if t.endstats_file_name:
            found["endstats"].append(t.endstats_file_name)
        if r.pauses:
            found["paused"].append(name)
        if t.round_number == 2 and t.timelimit_seconds % 60:
            found["fractional_time_to_beat"].append(name)
    sessions = expected_sessions(corpus)
    for before, after in pairwise(sessions):
        if truth[before[-1]].gaming_day == truth[after[0]].gaming_day:
            found["session_break"].append(after[0])
    found["malformed"] = sorted(expected_rejects(corpus))
    return {k: tuple(sorted(v)) for k, v in found.items()}
