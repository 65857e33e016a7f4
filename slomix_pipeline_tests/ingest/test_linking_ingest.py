"""Round linking in the warehouse: every link and reason code of the sample nights vs the truth.

The sample zone is the generator's three nights plus the two planted linking cases (an R2 whose
Lua never arrived, an R1 the Lua emitted twice); proximity files are loaded too, so most links
are exact-start matches. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from slomix_pipeline.config import Settings, load_settings
from slomix_pipeline.domain.linking.reasons import METHOD_END_TOLERANCE, METHOD_EXACT_START
from slomix_pipeline.ingest.linking import link_days
from slomix_pipeline.ingest.lua_events import build_lua_round_teams_days, ingest_lua_source_days
from slomix_pipeline.ingest.proximity import ingest_proximity_days
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.clock import to_unix
from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.linking_cases import LinkingPlan, plant_linking_cases
from slomix_pipeline.sample_data.lua_truth import expected_lua_round_id
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.proximity_files import SCENARIO_CLOCK_DRIFT, plan_proximity_files
from slomix_pipeline.sample_data.session_truth import SessionTruth, session_truth
from slomix_pipeline.warehouse import schema, schema_sessions
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables


def settings_for(zone: Path) -> Settings:
    return load_settings({"SLOMIX_DATA_DIR": str(zone)})


def load_upstream(
    engine: Engine, zone: Path, days: Sequence[date], *, proximity: bool = True
) -> None:
    """Every upstream table for ``days`` (stats, both Lua sources, merged Lua, proximity)."""
    s = settings_for(zone)
    ingest_stats_days(engine, zone, days, s)
    for source in ("webhook", "gametime"):
        ingest_lua_source_days(engine, zone, days, s, source)
    build_lua_round_teams_days(engine, days)
    if proximity:
        ingest_proximity_days(engine, zone, days, s)


def rows(engine: Engine, table: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def file_names(engine: Engine) -> dict[int, str]:
    return {r["id"]: r["source_file"] for r in rows(engine, schema.rounds)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, SimCorpus, LinkingPlan, SessionTruth]:
    zone = tmp_path_factory.mktemp("linking_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    plan = plant_linking_cases(report.corpus, zone)
    return zone, report.corpus, plan, session_truth(report.corpus, plan)


def copy_zone(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, copy_function=shutil.copy2)
    return dst


def test_every_link_and_reason_code_matches_the_truth(planted, warehouse_url: str) -> None:
    zone, corpus, plan, truth = planted
    engine = open_warehouse(warehouse_url)
    days = landed_stats_days(zone, settings_for(zone))
    load_upstream(engine, zone, days)
    report = link_days(engine, days, settings_for(zone))

    names = file_names(engine)
    stored = {names[r["round_id"]]: r for r in rows(engine, schema_sessions.round_links)}
    assert set(stored) == set(truth.round_links)
    # The tracker of one round stamped its times a second early: no exact start for it.
    drifted = {
        stats_file_name(p.round)
        for p in plan_proximity_files(corpus)
        if p.scenario == SCENARIO_CLOCK_DRIFT
    }
    assert len(drifted) == 1
    for name, expected in truth.round_links.items():
        row = stored[name]
        got = (row["lua_round_id"], row["link_reason"])
        assert got == (expected.lua_round_id, expected.reason), name
        assert (row["duration_seconds"], row["duration_source"]) == (
            expected.duration_seconds,
            expected.duration_source,
        ), name
        if expected.reason == "linked":
            method = METHOD_END_TOLERANCE if name in drifted else METHOD_EXACT_START
            assert row["link_method"] == method, name
            assert row["timing_status"] in {"aligned", "discrepancy"}, name
            assert -4 <= row["link_delta_seconds"] <= -2, name  # file written 2-4 s after end
        else:
            assert row["link_method"] is None and row["timing_status"] == expected.reason, name
        assert row["proximity_file"] is not None and row["proximity_reason"] == "linked", name

    lua = {r["lua_round_id"]: r for r in rows(engine, schema_sessions.lua_round_links)}
    assert set(lua) == set(truth.lua_links)
    for lua_id, (name, reason) in truth.lua_links.items():
        assert (names.get(lua[lua_id]["round_id"]), lua[lua_id]["link_reason"]) == (
            name,
            reason,
        ), lua_id

    # The planted cases as stored, and the metadata figures.
    (dropped,) = plan.dropped
    ((target, ghost),) = plan.ghosts
    assert stored[stats_file_name(dropped)]["link_reason"] == "never_received"
    assert stored[stats_file_name(target)]["link_reason"] == "ambiguous"
    assert stored[stats_file_name(target)]["lua_candidates"] == 2
    assert lua[expected_lua_round_id(ghost)]["link_reason"] == "ambiguous"
    assert report.round_reason_counts() == {"ambiguous": 1, "linked": 45, "never_received": 1}
    assert report.lua_reason_counts() == {"ambiguous": 2, "linked": 45, "never_received": 1}
    by_source = report.linked_by_source()
    assert by_source["proximity"] == len(truth.round_links)
    assert by_source["lua:webhook"] == 2 and by_source["lua:gametime"] == 2
    assert sum(v for k, v in by_source.items() if k.startswith("lua:")) == 45
    assert report.players_clamped == 0  # no implausible time in the sample nights


def test_timing_comparison_per_round(planted, sqlite_url: str) -> None:
    zone, corpus, _plan, truth = planted
    engine = open_warehouse(sqlite_url)
    days = landed_stats_days(zone, settings_for(zone))
    load_upstream(engine, zone, days)
    link_days(engine, days, settings_for(zone))
    stored = {r["source_file"]: r for r in rows(engine, schema_sessions.round_links)}
    surrender = [r for r in corpus.rounds if r.end_reason == "surrender"]
    paused = [r for r in corpus.rounds if r.pauses and stats_file_name(r) in stored]
    assert surrender and paused
    for r in surrender:
        row = stored[stats_file_name(r)]
        assert row["lua_duration_seconds"] == r.actual_duration_seconds
        assert row["stats_clock_seconds"] == r.timelimit_seconds  # the header shows the limit
        assert row["timing_diff_seconds"] == r.timelimit_seconds - r.actual_duration_seconds
        assert row["timing_status"] == "discrepancy"
        # The engine's ms measured the surrender; the clock (a stopwatch target) did not.
        assert (row["duration_seconds"], row["duration_source"], row["duration_reason"]) == (
            r.actual_duration_seconds,
            "stats_duration",
            "engine_measured",
        )
        assert row["lua_end_reason"] == "SURRENDER"
        assert (row["end_reason"], row["round_stopwatch_state"]) == ("surrender", None)
    for r in paused:
        row = stored[stats_file_name(r)]
        assert (row["lua_pause_count"], row["lua_pause_seconds"]) == (
            r.pause_count,
            r.total_pause_seconds,
        )
        assert (row["duration_seconds"], row["duration_source"]) == (
            r.actual_duration_seconds,
            "stats_duration",
        )
    statuses = {row["timing_status"] for row in stored.values()}
    assert "NO LUA DATA" not in statuses
    assert statuses == {"aligned", "discrepancy", "ambiguous", "never_received"}
    assert all(row["winner_team"] in (1, 2) for row in stored.values())
    assert {row["winner_source"] for row in stored.values()} == {"lua", "stats"}
    assert len(truth.round_links) == len(stored)


def test_late_lua_is_linked_by_running_again_and_pending_inside_the_grace(
    planted, tmp_path: Path, sqlite_url: str
) -> None:
    zone, corpus, plan, _truth = planted
    late_zone = copy_zone(zone, tmp_path / "zone")
    (dropped,) = plan.dropped
    engine = open_warehouse(sqlite_url)
    s = settings_for(late_zone)
    days = landed_stats_days(late_zone, s)
    load_upstream(engine, late_zone, days)
    file_unix = to_unix(dropped.file_written_local)
    live = link_days(engine, days, s, now_unix=file_unix + 60)
    reasons = {stats_file_name(r): live.links[rid].reason for rid, r in _by_id(engine, corpus)}
    assert reasons[stats_file_name(dropped)] == "late_pending"
    # The Lua arrives: land the original deliveries, rebuild the Lua tables, link again.
    fresh = generate_landing_zone(tmp_path / "fresh", seed=7, nights=3).data_dir
    for folder in ("webhook_drops", "local_gametimes"):
        for path in (fresh / folder).iterdir():
            target = late_zone / folder / path.name
            if not target.exists():
                shutil.copy2(path, target)
    load_upstream(engine, late_zone, days)
    again = link_days(engine, days, s)
    lua_id = expected_lua_round_id(dropped)
    linked = {link.lua_round_id: rid for rid, link in again.links.items()}
    assert lua_id in linked
    assert again.links[linked[lua_id]].reason == "linked"


def _by_id(engine: Engine, corpus: SimCorpus) -> list[tuple[int, Any]]:
    by_name = {stats_file_name(r): r for r in corpus.rounds}
    return [(rid, by_name[name]) for rid, name in file_names(engine).items()]


def test_without_proximity_the_tolerance_step_gives_the_same_links(
    planted, sqlite_url: str
) -> None:
    zone, _corpus, _plan, truth = planted
    engine = open_warehouse(sqlite_url)
    days = landed_stats_days(zone, settings_for(zone))
    load_upstream(engine, zone, days, proximity=False)
    link_days(engine, days, settings_for(zone))
    names = file_names(engine)
    stored = {names[r["round_id"]]: r for r in rows(engine, schema_sessions.round_links)}
    for name, expected in truth.round_links.items():
        row = stored[name]
        assert (row["lua_round_id"], row["link_reason"]) == (
            expected.lua_round_id,
            expected.reason,
        )
        assert row["proximity_reason"] == "never_received"
        if expected.reason == "linked":
            assert row["link_method"] == METHOD_END_TOLERANCE


def test_single_days_in_any_order_equal_the_range(planted, warehouse_url: str) -> None:
    zone, _corpus, _plan, _truth = planted
    engine = open_warehouse(warehouse_url)
    s = settings_for(zone)
    days = landed_stats_days(zone, s)
    load_upstream(engine, zone, days)
    tables = list(schema_sessions.LINK_TABLES)
    link_days(engine, days, s)
    after_range = dump_tables(engine, tables)
    assert after_range["round_links"] and after_range["linked_player_rounds"]
    link_days(engine, days, s)
    assert dump_tables(engine, tables) == after_range
    for day in (days[1], days[2], days[0]):
        link_days(engine, [day], s)
        assert dump_tables(engine, tables) == after_range
