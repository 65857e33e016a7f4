"""Gaming sessions in the warehouse against the generator's truth, field by field.

Covers the sample nights (a > 60 min break, a night across midnight, the orphan R2, the planted
linking cases), a late file that joins its session, a gap filler that merges two sessions, a
session across the 06:00 gaming-day boundary, and restarted rounds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from slomix_pipeline.ingest.linking import link_days
from slomix_pipeline.ingest.sessions import build_sessions_days
from slomix_pipeline.landing.zone import STATS_FOLDER, write_atomically
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.linking_cases import LinkingPlan
from slomix_pipeline.sample_data.lua_files import write_lua_files
from slomix_pipeline.sample_data.model import SimCorpus, SimMapPlay, SimNight, SimRound
from slomix_pipeline.sample_data.session_truth import SessionTruth, session_truth
from slomix_pipeline.sample_data.simulate import simulate
from slomix_pipeline.sample_data.stats_writer import render_round_file, render_stats_landing
from slomix_pipeline.warehouse import schema_sessions
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.ingest.test_linking_ingest import (
    file_names,
    load_upstream,
    rows,
    settings_for,
)
from slomix_pipeline_tests.tabledump import dump_tables


def build_all(engine: Engine, zone: Path, days: list[date], *, proximity: bool = True) -> Any:
    load_upstream(engine, zone, days, proximity=proximity)
    s = settings_for(zone)
    link_days(engine, days, s)
    return build_sessions_days(engine, days, s)


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, float):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
    return got == expected


def assert_sessions_match(engine: Engine, truth: SessionTruth) -> None:
    """Every session, its rounds, every per-player total and every map summary vs the truth."""
    names = file_names(engine)
    sessions = {r["session_id"]: r for r in rows(engine, schema_sessions.gaming_sessions)}
    assert set(sessions) == {t.session_id for t in truth.sessions}
    members: dict[int, list[dict[str, Any]]] = {}
    for r in rows(engine, schema_sessions.session_rounds):
        members.setdefault(r["session_id"], []).append(r)
    for t in truth.sessions:
        row = sessions[t.session_id]
        counted = [r for r in sorted(members[t.session_id], key=lambda r: r["round_order"])]
        assert tuple(names[r["round_id"]] for r in counted if r["counted"]) == t.files
        got = (
            row["gaming_day"],
            row["crosses_midnight"],
            row["crosses_day_boundary"],
            frozenset(json.loads(row["team_a_players"])),
            frozenset(json.loads(row["team_b_players"])),
            json.loads(row["unassigned_players"]),
            (row["team_a_points"], row["team_b_points"]),
            (row["maps_counted"], row["maps_uncounted"]),
        )
        assert got == (
            t.gaming_day,
            t.crosses_midnight,
            t.crosses_day_boundary,
            t.team_a,
            t.team_b,
            [],
            (t.team_a_points, t.team_b_points),
            (t.maps_counted, t.maps_uncounted),
        ), t.session_id

    players = {
        (r["session_id"], r["player_guid"]): r
        for r in rows(engine, schema_sessions.session_player_stats)
    }
    assert set(players) == set(truth.players)
    for key, expected in truth.players.items():
        for name, value in expected.items():
            assert _same(players[key][name], value), (key, name, players[key][name], value)

    summaries = {
        (r["session_id"], r["map_name"], r["play_index"]): r
        for r in rows(engine, schema_sessions.map_summaries)
    }
    assert set(summaries) == set(truth.map_summaries)
    for key, expected in truth.map_summaries.items():
        for name, value in expected.items():
            assert _same(summaries[key][name], value), (key, name, summaries[key][name], value)

    # WS7 parity: the graph rows sum to the session totals, for every counter.
    graphs: dict[tuple[int, str], dict[str, int]] = {}
    for r in rows(engine, schema_sessions.session_round_graphs):
        key = (r["session_id"], r["player_guid"])
        acc = graphs.setdefault(key, {c: 0 for c in schema_sessions.COUNTER_COLUMNS})
        for c in schema_sessions.COUNTER_COLUMNS:
            acc[c] += r[c]
    assert set(graphs) == set(players)
    for key, sums in graphs.items():
        assert sums == {c: players[key][c] for c in schema_sessions.COUNTER_COLUMNS}, key


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, SimCorpus]:
    zone = tmp_path_factory.mktemp("sessions_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    return zone, report.corpus


def test_sample_nights_match_the_truth(base, warehouse_url: str) -> None:
    zone, corpus = base
    truth = session_truth(corpus)
    engine = open_warehouse(warehouse_url)
    days = landed_stats_days(zone, settings_for(zone))
    report = build_all(engine, zone, days)
    assert_sessions_match(engine, truth)
    # The shape the sample promises: a break splits night 0, night 1 crosses midnight.
    assert [t.gaming_day for t in truth.sessions] == [days[0], days[0], days[1], days[2]]
    assert [t.crosses_midnight for t in truth.sessions] == [False, False, True, False]
    assert len(report.sessions) == 4 and report.stale_days == []
    assert report.rounds_without_links == []
    orphan = [s for s in truth.map_summaries.values() if s["completeness"] == "r2_only"]
    assert len(orphan) == 1 and not orphan[0]["scoring_counted"]
    assert {s["map_winner"] for s in truth.map_summaries.values()} >= {"A", "B", "draw"}


def test_ranges_single_days_and_reruns_are_identical(base, warehouse_url: str) -> None:
    zone, _corpus = base
    engine = open_warehouse(warehouse_url)
    s = settings_for(zone)
    days = landed_stats_days(zone, s)
    build_all(engine, zone, days)
    tables = list(schema_sessions.SESSION_TABLES)
    after_range = dump_tables(engine, tables)
    for day in reversed(days):
        build_sessions_days(engine, [day], s)
    assert dump_tables(engine, tables) == after_range
    build_sessions_days(engine, days, s)
    assert dump_tables(engine, tables) == after_range


def test_a_late_file_joins_its_session(base, tmp_path: Path, sqlite_url: str) -> None:
    zone, corpus = base
    work = tmp_path / "zone"
    shutil.copytree(zone, work, copy_function=shutil.copy2)
    night = corpus.nights[1]
    late = night.map_plays[3].r2  # an R2 in the middle of the midnight session
    assert late is not None
    name = stats_file_name(late)
    parked = tmp_path / name
    shutil.move(work / STATS_FOLDER / name, parked)
    engine = open_warehouse(sqlite_url)
    s = settings_for(work)
    days = landed_stats_days(work, s)
    first = build_all(engine, work, days)
    (before,) = [r for r in first.sessions if r.session.gaming_day == night.date]
    shutil.move(parked, work / STATS_FOLDER / name)
    load_upstream(engine, work, [night.date])
    link_days(engine, [night.date], s)
    report = build_sessions_days(engine, [night.date], s)
    (after,) = report.sessions
    assert after.session.session_id == before.session.session_id
    assert len(after.session.rounds) == len(before.session.rounds) + 1
    late_id = next(rid for rid, n in file_names(engine).items() if n == name)
    assert report.rounds_joined == [late_id] and report.merged == {}
    assert report.stale_days == []
    assert_sessions_match(engine, session_truth(corpus))


def _shifted(r: SimRound, delta: timedelta) -> SimRound:
    seconds = int(delta.total_seconds())
    return replace(
        r,
        start_local=r.start_local + delta,
        end_local=r.end_local + delta,
        file_written_local=r.file_written_local + delta,
        endstats_written_local=(
            None if r.endstats_written_local is None else r.endstats_written_local + delta
        ),
        round_start_unix=r.round_start_unix + seconds,
        round_end_unix=r.round_end_unix + seconds,
    )


def _with_damage(r: SimRound, extra: int) -> SimRound:
    """A copy whose player lines differ (a renamed copy would be rejected as a duplicate)."""
    return replace(
        r, players=tuple(replace(p, damage_given=p.damage_given + extra) for p in r.players)
    )


def _land_stats(zone: Path, corpus: SimCorpus) -> None:
    for name, data in render_stats_landing(corpus, include_malformed=False):
        write_atomically(zone / STATS_FOLDER, name, data)


def test_a_file_filling_the_gap_merges_two_sessions(tmp_path: Path, warehouse_url: str) -> None:
    corpus = simulate(seed=7, nights=1)
    zone = tmp_path / "zone"
    _land_stats(zone, corpus)
    write_lua_files(corpus, zone)
    engine = open_warehouse(warehouse_url)
    day = corpus.nights[0].date
    first = build_all(engine, zone, [day], proximity=False)
    assert len(first.sessions) == 2
    old_ids = sorted(r.session.session_id for r in first.sessions)
    earlier = min(first.sessions, key=lambda r: r.session.start_unix).session.session_id

    plays = corpus.nights[0].map_plays
    ends = [
        (
            max(r.file_written_local for r in a.rounds),
            min(r.file_written_local for r in b.rounds),
            i,
        )
        for i, (a, b) in enumerate(pairwise(plays), start=1)
    ]
    gap_start, gap_end, cut = max(ends, key=lambda e: e[1] - e[0])
    assert gap_end - gap_start > timedelta(minutes=60)  # the planted break
    middle = gap_start + (gap_end - gap_start) / 2
    source = plays[1].r1
    filler = replace(
        _with_damage(_shifted(source, middle - source.file_written_local), 1), map_name="supply"
    )
    write_atomically(
        zone / STATS_FOLDER, stats_file_name(filler), render_round_file(filler, None, salt=7)
    )
    report = build_all(engine, zone, [day], proximity=False)
    (merged,) = report.sessions
    assert merged.session.session_id == earlier  # the id of the earlier session's first round
    assert sorted(report.merged[merged.session.session_id]) == old_ids
    assert report.sessions_removed and len(report.sessions_removed) == 1

    filler_play = SimMapPlay("supply", 99, filler, None)
    night = replace(corpus.nights[0], map_plays=(*plays[:cut], filler_play, *plays[cut:]))
    changed = replace(corpus, nights=(night,))
    truth = session_truth(changed, LinkingPlan(dropped=(filler,)))
    assert len(truth.sessions) == 1
    assert_sessions_match(engine, truth)


def test_a_session_across_the_day_boundary_belongs_to_its_first_day(
    tmp_path: Path, warehouse_url: str
) -> None:
    """The last night is moved to start at 05:40, so it runs past the 06:00 day boundary.

    First its pre-06:00 files are missing: the next day owns a session of the later rounds.
    When they land, the earlier day's session takes every round; the next day's stored session
    is reported stale (both coexist until it runs again), then vanishes when it does.
    """
    base_corpus = simulate(seed=7, nights=3)
    last = base_corpus.nights[2]
    start = last.rounds[0].file_written_local
    delta = (
        datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
        + timedelta(hours=5, minutes=40)
        - start
    )
    shifted = SimNight(
        last.date,
        tuple(
            replace(p, r1=_shifted(p.r1, delta), r2=_shifted(p.r2, delta) if p.r2 else None)
            for p in last.map_plays
        ),
    )
    corpus = replace(base_corpus, nights=(*base_corpus.nights[:2], shifted), malformed=())
    source, zone = tmp_path / "source", tmp_path / "zone"
    _land_stats(source, corpus)
    write_lua_files(corpus, zone)
    boundary = datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
    early = {
        stats_file_name(r)
        for r in shifted.rounds
        if r.file_written_local < boundary.replace(hour=6)
    }
    assert len(early) == 3
    for path in (source / STATS_FOLDER).iterdir():
        if path.name not in early:
            write_atomically(zone / STATS_FOLDER, path.name, path.read_bytes())
    engine = open_warehouse(warehouse_url)
    s = settings_for(zone)
    days = landed_stats_days(zone, s)
    day, next_day = last.date, last.date + timedelta(days=1)
    assert days[-1] == next_day  # the night now ends on the next gaming day
    build_all(engine, zone, days, proximity=False)
    stored = {r["gaming_day"] for r in rows(engine, schema_sessions.gaming_sessions)}
    assert next_day in stored and day not in stored  # the later rounds alone start after 06:00

    for name in sorted(early):
        write_atomically(zone / STATS_FOLDER, name, (source / STATS_FOLDER / name).read_bytes())
    load_upstream(engine, zone, [day, next_day], proximity=False)
    link_days(engine, [day, next_day], s)
    report = build_sessions_days(engine, [day], s)
    (crossing,) = report.sessions
    assert report.sessions_crossing_day_boundary == [crossing.session.session_id]
    assert report.stale_days == [next_day]  # its stored session lost its rounds to this one
    later = build_sessions_days(engine, [next_day], s)
    assert later.sessions == [] and later.stale_days == []
    assert later.sessions_removed and later.sessions_added == []

    truth = session_truth(corpus)
    assert truth.sessions[-1].crosses_day_boundary and truth.sessions[-1].gaming_day == day
    assert_sessions_match(engine, truth)


def test_restarted_rounds_are_excluded_everywhere(base, tmp_path: Path, sqlite_url: str) -> None:
    """A false start (same players) is cancelled, a restart with a roster change is a
    substitution; both stay in the session's round list and count for nothing else, so every
    total equals the truth of the nights without them."""
    zone, corpus = base
    work = tmp_path / "zone"
    shutil.copytree(zone, work, copy_function=shutil.copy2)
    night = corpus.nights[2]
    replayed = [p for p in night.map_plays if p.map_name in {"etl_ice", "supply"}]
    assert [p.map_name for p in replayed] == ["etl_ice", "supply"]
    ice, supply = (p.r1 for p in replayed)
    false_start = _with_damage(_shifted(ice, timedelta(minutes=-5)), 1)
    roster_change = replace(_shifted(supply, timedelta(minutes=-6)), players=supply.players[1:])
    for r in (false_start, roster_change):
        write_atomically(work / STATS_FOLDER, stats_file_name(r), render_round_file(r, None, 7))
    engine = open_warehouse(sqlite_url)
    days = landed_stats_days(work, settings_for(work))
    build_all(engine, work, days)
    assert_sessions_match(engine, session_truth(corpus))

    names = file_names(engine)
    by_name = {names[r["round_id"]]: r for r in rows(engine, schema_sessions.session_rounds)}
    cancelled = by_name[stats_file_name(false_start)]
    substitution = by_name[stats_file_name(roster_change)]
    assert (cancelled["round_status"], cancelled["counted"]) == ("cancelled", False)
    assert (substitution["round_status"], substitution["counted"]) == ("substitution", False)
    assert names[cancelled["superseded_by"]] == stats_file_name(ice)
    assert names[substitution["superseded_by"]] == stats_file_name(supply)
    assert cancelled["map_play_id"] is None and substitution["map_play_id"] is None
    session = next(
        r
        for r in rows(engine, schema_sessions.gaming_sessions)
        if r["session_id"] == cancelled["session_id"]
    )
    assert session["superseded_round_count"] == 2
    assert session["round_count"] == session["counted_round_count"] + 2
