"""Proximity sections in the warehouse, on SQLite and PostgreSQL, against the sample truth:
row counts per file and section, capability states, per-player figures (NULL when not captured)
and the cross-check Σ revives per medic = the stats file's revives."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from slomix_pipeline.config import Settings, load_settings
from slomix_pipeline.formats.proximity import parse_proximity_file
from slomix_pipeline.formats.proximity_sections import LATER_SECTIONS, SECTION_SPECS
from slomix_pipeline.ingest.lua_events import build_lua_round_teams_days, ingest_lua_source_days
from slomix_pipeline.ingest.proximity import ingest_proximity_days
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER
from slomix_pipeline.runner import landed_stats_days
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.proximity_files import (
    SCENARIO_V5_UNDECLARED,
    SCENARIO_V6,
    SCENARIO_V6_FULL,
    V6_DISABLED_FLAGS,
    ProximityFileTruth,
    proximity_truth,
)
from slomix_pipeline.sample_data.proximity_render.sections_v5 import PLANTED_PUSH_QUALITY
from slomix_pipeline.warehouse import schema, schema_proximity_sections
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline.warehouse.schema_proximity import proximity_files

TABLE_OF = schema_proximity_sections.SECTION_TABLE_OF
CAPS = schema_proximity_sections.proximity_section_capability
PLAYERS = schema_proximity_sections.proximity_player_sections


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict[str, ProximityFileTruth]]:
    zone = tmp_path_factory.mktemp("prox_sections_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    return zone, proximity_truth(report.corpus)


def settings(zone: Path) -> Settings:
    return load_settings({"SLOMIX_DATA_DIR": str(zone)})


def rows(engine: Engine, table: Any, **where: Any) -> list[dict[str, Any]]:
    query = select(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def load_all(engine: Engine, zone: Path) -> list[date]:
    s = settings(zone)
    days = landed_stats_days(zone, s)
    ingest_stats_days(engine, zone, days, s)
    for source in ("webhook", "gametime"):
        ingest_lua_source_days(engine, zone, days, s, source)
    build_lua_round_teams_days(engine, days)
    ingest_proximity_days(engine, zone, days, s)
    return days


def by_scenario(truth: dict[str, ProximityFileTruth], scenario: str) -> ProximityFileTruth:
    return next(t for t in truth.values() if t.scenario == scenario)


def test_rows_per_file_and_section_match_the_truth(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, truth = sample
    engine = open_warehouse(warehouse_url)
    load_all(engine, zone)
    counts: dict[str, Counter[str]] = {}
    for marker, table in TABLE_OF.items():
        with engine.connect() as conn:
            for (name,) in conn.execute(select(table.c.source_file)):
                counts.setdefault(name, Counter())[marker] += 1
    later = {s.marker for s in LATER_SECTIONS}
    checked = 0
    for name, t in truth.items():
        got = counts.get(name, Counter())
        assert {m: n for m, n in got.items() if m in later} == dict(t.render_truth.section_rows)
        parsed = parse_proximity_file(name, (zone / PROXIMITY_FOLDER / name).read_bytes())
        assert got["KILL_HEATMAP"] == len(parsed.kill_heatmap) > 0
        assert got["MOVEMENT_HEATMAP"] == len(parsed.movement_heatmap) > 0
        assert got["OBJECTIVE_FOCUS"] == len(parsed.objective_focus)
        checked += bool(t.render_truth.section_rows)
    assert checked == 3  # the v6, v6_full and v5 files
    full = by_scenario(truth, SCENARIO_V6_FULL)
    # every section of the format (OBJECTIVE_FOCUS needs per-map objectives the sample has not)
    assert set(counts[full.file_name]) == set(SECTION_SPECS) - {"OBJECTIVE_FOCUS"}


def test_section_rows_carry_the_files_resolved_round_and_link(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, truth = sample
    engine = open_warehouse(warehouse_url)
    load_all(engine, zone)
    files = {r["source_file"]: r for r in rows(engine, proximity_files)}
    v6 = by_scenario(truth, SCENARIO_V6)
    stored = rows(engine, TABLE_OF["TEAM_COHESION"], source_file=v6.file_name)
    f = files[v6.file_name]
    assert f["round_id"] is not None
    assert {(r["round_id"], r["round_number"], r["gaming_day"]) for r in stored} == {
        (f["round_id"], f["resolved_round_number"], f["gaming_day"])
    }  # the other file facts (SHA-256, round key, times) are in proximity_files
    pushes = rows(engine, TABLE_OF["TEAM_PUSHES"], source_file=v6.file_name)
    planted = [r for r in pushes if r["out_of_range"]]
    assert [r["push_quality"] for r in planted] == [pytest.approx(PLANTED_PUSH_QUALITY)]
    assert planted[0]["out_of_range"] == "push_quality"  # kept raw, flagged, not clamped


def test_capability_states_per_file_and_section(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, truth = sample
    engine = open_warehouse(warehouse_url)
    load_all(engine, zone)

    def states(name: str) -> dict[str, tuple[str, str]]:
        return {
            r["name"]: (r["state"], r["evidence"])
            for r in rows(engine, CAPS, source_file=name)
            if r["kind"] == "section"
        }

    full = states(by_scenario(truth, SCENARIO_V6_FULL).file_name)
    assert all(full[s.marker] == ("enabled", "declared") for s in LATER_SECTIONS if s.flag)
    v6 = states(by_scenario(truth, SCENARIO_V6).file_name)
    off = {s.marker for s in LATER_SECTIONS if s.flag in V6_DISABLED_FLAGS}
    assert off == {"SHOT_FIRED", "SPAWN_SELECT", "SKILL_SNAPSHOT", "COMM_EVENTS"}
    assert {m for m, (state, _) in v6.items() if state == "disabled"} == off
    v5_truth = by_scenario(truth, SCENARIO_V5_UNDECLARED)
    v5 = states(v5_truth.file_name)
    written = {m for m, n in v5_truth.render_truth.section_rows if n}
    assert {m for m, (state, ev) in v5.items() if ev == "rows"} >= written
    assert v5["SHOT_FIRED"] == ("unknown", "none")  # never "disabled" without a declaration
    plain = next(t for t in truth.values() if t.scenario is None)
    assert states(plain.file_name)["REVIVES"] == ("unknown", "none")  # V4: could not write it


def test_revives_per_medic_match_the_stats_file_and_uncaptured_figures_are_null(
    sample: tuple[Path, dict[str, ProximityFileTruth]], warehouse_url: str
) -> None:
    zone, truth = sample
    engine = open_warehouse(warehouse_url)
    load_all(engine, zone)
    stats = {
        (r["round_id"], r["player_guid"]): r["revives_given"]
        for r in rows(engine, schema.player_comprehensive_stats)
    }
    compared = 0
    for scenario in (SCENARIO_V6, SCENARIO_V6_FULL, SCENARIO_V5_UNDECLARED):
        name = by_scenario(truth, scenario).file_name
        players = rows(engine, PLAYERS, source_file=name)
        assert players
        for p in players:
            if p["player_guid"].startswith("SLOT"):
                continue  # bots: the tracker writes SLOT<n>, the stats file a bot key
            key = (p["round_id"], p["player_guid"][:8].upper())
            assert p["revives_given"] == stats[key], (scenario, p["player_guid"])
            compared += 1
        if scenario == SCENARIO_V6:  # shot_fired declared off: not captured, NULL not 0
            assert all(p["shots_fired"] is None for p in players)
        else:
            assert all(p["revives_given"] is not None for p in players)
    assert compared >= 12
    total = sum(v for v in stats.values())
    assert total > 0
