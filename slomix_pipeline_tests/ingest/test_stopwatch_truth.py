"""Stopwatch as it is really played, end to end, on SQLite and PostgreSQL.

The generator's three nights with the planted cases of ``sample_data.stopwatch_cases`` (a
48-56 min half-time, a shutdown-path R2, an R2 with no Lua and a ``0:00``-estimate header, a
capped warm-up, an objective taken 29 s before the limit, a surrender in R1 and in R2) plus a
night across the autumn DST change. Every round's winner, end reason, duration (and its source)
and stopwatch state, every player's (R2) values and every session total are compared with the
truth stated from the simulation model.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from slomix_pipeline.ingest.linking import link_days
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data.session_truth import session_truth
from slomix_pipeline.sample_data.stopwatch_cases import (
    StopwatchZone,
    stopwatch_truth,
    write_stopwatch_zone,
)
from slomix_pipeline.sample_data.truth import round_truth
from slomix_pipeline.sample_data.truth_records import APPROXIMATE_FIELDS, EXACT_FIELDS
from slomix_pipeline.warehouse import schema, schema_sessions
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.ingest.test_linking_ingest import rows, settings_for
from slomix_pipeline_tests.ingest.test_sessions_ingest import assert_sessions_match, build_all


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> tuple[Path, StopwatchZone]:
    data_dir = tmp_path_factory.mktemp("stopwatch_zone")
    return data_dir, write_stopwatch_zone(data_dir, seed=7, nights=3)


def test_every_round_player_and_session_matches_the_truth(zone, warehouse_url: str) -> None:
    data_dir, planted = zone
    engine = open_warehouse(warehouse_url)
    days = landed_stats_days(data_dir, settings_for(data_dir))
    build_all(engine, data_dir, days)

    facts = stopwatch_truth(planted)
    with engine.connect() as conn:
        rounds = {r.source_file: r for r in conn.execute(select(schema.rounds))}
        players = conn.execute(select(schema.player_comprehensive_stats)).mappings().all()
    links = {r["source_file"]: r for r in rows(engine, schema_sessions.round_links)}
    assert set(rounds) == set(links) == set(facts)
    for name, want in facts.items():
        link, stored = links[name], rounds[name]
        got = (
            link["winner_team"],
            link["end_reason"],
            link["duration_seconds"],
            link["duration_source"],
            link["round_stopwatch_state"],
            stored.file_time_unix,
        )
        assert got == (
            want.winner_team,
            want.end_reason,
            want.duration_seconds,
            want.duration_source,
            want.stopwatch_state,
            want.file_epoch,
        ), name

    # Every player's values, R2s included (the long half-time R2 is paired, not cumulative).
    truth = round_truth(planted.corpus)
    by_round: dict[int, dict[str, Any]] = {}
    for row in players:
        by_round.setdefault(row["round_id"], {})[row["player_guid"]] = row
    for name, expected in truth.items():
        stored = rounds[name]
        assert stored.is_orphan_r2 == expected.is_orphan_r2, name
        assert stored.r1_file_name == expected.r1_file_name, name
        assert set(by_round[stored.id]) == set(expected.players), name
        for key, p in expected.players.items():
            row = by_round[stored.id][key]
            for field in EXACT_FIELDS:
                assert row[field] == getattr(p, field), (name, key, field)
            for field, tolerance in APPROXIMATE_FIELDS.items():
                assert math.isclose(row[field], getattr(p, field), abs_tol=tolerance), (
                    name,
                    key,
                    field,
                )

    # Sessions, per-player session totals, map summaries and scores, in real elapsed time.
    assert_sessions_match(engine, session_truth(planted.corpus, file_epochs=planted.file_epochs))


def test_the_planted_cases_as_stored(zone, sqlite_url: str) -> None:
    data_dir, planted = zone
    engine = open_warehouse(sqlite_url)
    days = landed_stats_days(data_dir, settings_for(data_dir))
    build_all(engine, data_dir, days)
    with engine.connect() as conn:
        rounds = {r.source_file: r for r in conn.execute(select(schema.rounds))}
    links = {r["source_file"]: r for r in rows(engine, schema_sessions.round_links)}
    cases = planted.cases

    long_r2 = rounds[cases["long_halftime"]]
    assert (long_r2.pairing_reason, long_r2.pairing_confirmed) == ("paired", True)
    r1 = rounds[long_r2.r1_file_name]
    start = links[cases["long_halftime"]]["round_start_unix"]
    assert 48 * 60 <= start - r1.file_time_unix <= 56 * 60  # beyond the old 45-min window

    shutdown = rounds[cases["shutdown_r2"]]
    assert (shutdown.winner_team, shutdown.round_duration_ms) == (1, None)  # as written
    assert (shutdown.end_reason, shutdown.end_reason_source) == ("map_change", "header_shutdown")
    assert links[cases["shutdown_r2"]]["winner_source"] == "lua"

    estimate = links[cases["no_lua_estimate_r2"]]
    assert (estimate["link_reason"], estimate["stats_clock_seconds"]) == ("never_received", 4037)
    assert (
        estimate["time_to_beat_seconds"] == rounds[cases["no_lua_estimate_r2"]].time_limit_seconds
    )

    capped = links[cases["capped_warmup"]]
    assert capped["lua_duration_seconds"] == capped["map_time_limit_seconds"]
    assert capped["duration_seconds"] < capped["lua_duration_seconds"]
    assert capped["round_times_source"] == "lua_end_minus_duration"
    assert capped["round_end_unix"] - capped["round_start_unix"] == capped["duration_seconds"]

    late = links[cases["late_objective"]]
    assert late["map_time_limit_seconds"] - late["duration_seconds"] == 29
    assert (late["lua_end_reason"], late["end_reason"]) == ("TIME_EXPIRED", "objective")
    assert late["r1_attack_time_seconds"] == late["duration_seconds"]
    assert rounds[cases["late_objective"]].round_stopwatch_state == "TIME_SET"

    surrender = links[cases["surrender_r2"]]
    assert (surrender["end_reason"], surrender["round_stopwatch_state"]) == ("surrender", None)

    # The linked_rounds metadata figures (a re-run gives the same links).
    report = link_days(engine, days, settings_for(data_dir))
    assert report.end_reason_counts()["map_change (header_shutdown)"] >= 1
    assert report.duration_source_counts()["lua"] >= 1

    # The DST night: some stamps repeat a wall-clock time; their epochs follow real time.
    dst = [r for r in rounds.values() if r.gaming_day.month == 10]
    assert any(r.file_time_ambiguous for r in dst)
    ordered = sorted(dst, key=lambda r: r.file_time_unix)
    assert [r.source_file for r in ordered] != sorted(r.source_file for r in dst)
    truth = round_truth(planted.corpus)
    for r in dst:
        if r.round_number == 2:
            orphan = truth[r.source_file].is_orphan_r2
            assert (r.pairing_reason == "paired") is not orphan, r.source_file
            assert orphan is r.is_orphan_r2
    # Every orphan of the zone (the R1 file never landed) says why it stayed one.
    orphans = [r for r in rounds.values() if r.is_orphan_r2]
    assert orphans and {r.pairing_reason for r in orphans} == {"previous_round_other_map"}


def test_sample_data_command_plants_the_cases(tmp_path: Path) -> None:
    from slomix_pipeline.cli import main

    data_dir = tmp_path / "zone"
    assert main(["sample-data", "--data-dir", str(data_dir), "--stopwatch-cases"]) == 0
    names = {p.name for p in (data_dir / "local_stats").iterdir()}
    expected = write_stopwatch_zone(tmp_path / "again", seed=7, nights=3).cases
    assert set(expected.values()) <= names
    shutdown = (data_dir / "local_stats" / expected["shutdown_r2"]).read_text().split("\n")[0]
    assert shutdown.split("\\")[5] == "1" and int(shutdown.split("\\")[8]) < 0
