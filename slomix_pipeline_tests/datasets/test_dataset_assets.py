"""Community datasets through real Dagster materializations, against the generator's truth.

The whole chain runs on the sample nights (stats, Lua, proximity, endstats, links, sessions,
then players, careers, leaderboards, exports). Careers, per-map and per-weapon figures, records
and leaderboards must equal values recomputed from the truth; a declared merge moves every
figure and undoing it restores the tables exactly; day-by-day runs in any order equal one range
run. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from slomix_pipeline.defs.datasets.assets import careers, leaderboards, players, season_exports
from slomix_pipeline.defs.datasets.checks import careers_match_sessions, players_resolve
from slomix_pipeline.defs.endstats.assets import endstats
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.defs.tables import table_text
from slomix_pipeline.domain.careers.stats import LEADERBOARD_METRICS
from slomix_pipeline.formats.player_merges import (
    ALL_TIME,
    PlayerMerge,
    Season,
    parse_seasons,
    render_merges,
    render_seasons,
)
from slomix_pipeline.ingest.dataset_exports import EXPORT_SCHEMA
from slomix_pipeline.ingest.datasets import build_careers
from slomix_pipeline.runner import range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.career_truth import CareerTruth, career_truth
from slomix_pipeline.sample_data.session_truth import session_truth
from slomix_pipeline.warehouse import schema, schema_datasets
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.defs.test_session_assets import ASSETS as SESSION_ASSETS
from slomix_pipeline_tests.tabledump import dump_tables

ASSETS = [*SESSION_ASSETS, endstats, players, careers, leaderboards, season_exports]
CHECKS = [players_resolve, careers_match_sessions]
MIN_ROUNDS = 3


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, CareerTruth, list[date]]:
    zone = tmp_path_factory.mktemp("datasets_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    sessions = session_truth(report.corpus)
    return zone, career_truth(report.corpus, sessions), list(sessions.days)


@pytest.fixture
def settings_env(tmp_path, monkeypatch, sample) -> Path:
    zone, _, days = sample
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(zone))
    monkeypatch.setenv("SLOMIX_PLAYER_MERGES", str(tmp_path / "merges.yaml"))
    monkeypatch.setenv("SLOMIX_SEASONS", str(tmp_path / "seasons.yaml"))
    monkeypatch.setenv("SLOMIX_EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setenv("SLOMIX_LEADERBOARD_MIN_ROUNDS", str(MIN_ROUNDS))
    seasons = [Season("first-night", days[0], days[0]), Season("later", days[1], days[-1])]
    (tmp_path / "seasons.yaml").write_bytes(render_seasons(seasons))
    return tmp_path


def _run(
    zone: Path,
    url: str,
    *,
    days: list[date] | None = None,
    day: date | None = None,
    assets: list | None = None,
    raise_on_error: bool = True,
) -> dg.ExecuteInProcessResult:
    resources = {
        "warehouse": WarehouseResource(database_url=url),
        "landing": LandingZoneResource(data_dir=str(zone)),
    }
    with dg.instance_for_test() as instance:
        kwargs: dict[str, Any] = (
            {"partition_key": day.isoformat()}
            if day is not None
            else {"tags": range_tags(days[0], days[-1])}
        )
        return dg.materialize(
            [*(assets or ASSETS), *CHECKS],
            resources=resources,
            instance=instance,
            raise_on_error=raise_on_error,
            **kwargs,
        )


def _rows(url: str, table) -> list[dict[str, Any]]:
    engine = open_warehouse(url)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def _close(got: Any, expected: Any) -> bool:
    if isinstance(expected, float):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
    return got == expected


def test_careers_maps_weapons_records_and_boards_equal_the_truth(
    sample, settings_env, warehouse_url: str
) -> None:
    zone, truth, days = sample
    result = _run(zone, warehouse_url, days=days)
    assert result.success
    assert all(c.passed for c in result.get_asset_check_evaluations())
    for name in ("players", "careers", "leaderboards", "season_exports"):
        meta = result.asset_materializations_for_node(name)[0].metadata
        assert meta["dagster/row_count"].value > 0, name

    career = {
        r["canonical_guid"]: r
        for r in _rows(warehouse_url, schema_datasets.player_season_stats)
        if r["season"] == ALL_TIME
    }
    assert set(career) == set(truth.careers)
    for key, expected in truth.careers.items():
        for name, value in expected.items():
            assert _close(career[key][name], value), (key, name, career[key][name], value)

    per_map = {
        (r["canonical_guid"], r["map_name"]): r
        for r in _rows(warehouse_url, schema_datasets.player_map_stats)
    }
    assert set(per_map) == set(truth.per_map)
    for key, expected in truth.per_map.items():
        for name, value in expected.items():
            assert _close(per_map[key][name], value), (key, name)

    per_weapon = {
        (r["canonical_guid"], r["weapon_name"]): r
        for r in _rows(warehouse_url, schema_datasets.player_weapon_stats)
    }
    assert set(per_weapon) == set(truth.per_weapon)
    for key, expected in truth.per_weapon.items():
        assert {n: per_weapon[key][n] for n in expected} == expected, key

    file_of = {r["id"]: r["source_file"] for r in _rows(warehouse_url, schema.rounds)}
    records = {
        (r["canonical_guid"], r["record"]): r
        for r in _rows(warehouse_url, schema_datasets.player_records)
    }
    for key, (kills, file_name) in truth.most_kills_round.items():
        row = records[(key, "most_kills_round")]
        assert (row["value"], file_of[row["round_id"]]) == (kills, file_name), key

    boards = sorted(
        (r["metric"], r["rank"], r["canonical_guid"], r["value"])
        for r in _rows(warehouse_url, schema_datasets.season_leaderboards)
        if r["season"] == ALL_TIME
    )
    expected_boards = []
    for metric in LEADERBOARD_METRICS:
        if metric == "maps_won":
            continue
        eligible = [
            (k, c)
            for k, c in truth.careers.items()
            if k not in truth.bots and c["rounds_played"] >= MIN_ROUNDS
        ]
        eligible.sort(key=lambda kc: (-float(kc[1][metric]), -kc[1]["rounds_played"], kc[0]))
        expected_boards += [
            (metric, i, k, float(c[metric])) for i, (k, c) in enumerate(eligible, 1)
        ]
    got = [b for b in boards if b[0] != "maps_won"]
    assert len(got) == len(expected_boards)
    for g, e in zip(sorted(got), sorted(expected_boards), strict=True):
        assert g[:3] == e[:3] and math.isclose(g[3], e[3], rel_tol=1e-9), (g, e)

    # Award tallies: every awarded endstats line of a counted round, per session and career.
    per_session = _rows(warehouse_url, schema_datasets.session_award_tallies)
    assert per_session, "the sample has endstats awards"
    folded: dict[tuple[str, str], list[int]] = {}
    for r in per_session:
        tally = folded.setdefault((r["canonical_guid"], r["award_name"]), [0, 0])
        tally[0] += r["awards"]
        tally[1] += 1
    career_awards = {
        (r["canonical_guid"], r["award_name"]): [r["awards"], r["sessions"]]
        for r in _rows(warehouse_url, schema_datasets.player_award_tallies)
    }
    assert career_awards == folded
    awarded = [
        r
        for r in _rows(warehouse_url, schema.metadata.tables["round_awards"])
        if r["award_status"] == "awarded" and r["round_id"] is not None and r["player_guid"]
    ]
    assert sum(r["awards"] for r in per_session) == len(awarded)

    seasons = {r["season"] for r in _rows(warehouse_url, schema_datasets.player_season_stats)}
    assert seasons == {ALL_TIME, "first-night", "later"}
    exported = pq.read_table(settings_env / "exports" / "players_all-time.parquet")
    assert exported.schema.equals(EXPORT_SCHEMA)
    assert sorted(exported.column("canonical_guid").to_pylist()) == sorted(career)
    csv_lines = (settings_env / "exports" / "players_later.csv").read_text().splitlines()
    assert csv_lines[0].split(",") == EXPORT_SCHEMA.names


def test_a_merge_moves_every_figure_and_undoing_it_restores_the_tables(
    sample, settings_env, warehouse_url: str
) -> None:
    zone, truth, days = sample
    assert _run(zone, warehouse_url, days=days).success
    engine = open_warehouse(warehouse_url)
    before = dump_tables(engine, list(schema_datasets.DATASET_TABLES))
    humans = sorted(k for k in truth.careers if k not in truth.bots and ":" not in k)
    gone, kept = humans[0], humans[1]
    merges = settings_env / "merges.yaml"
    merges.write_bytes(render_merges([PlayerMerge(gone, kept, "second PC")]))
    assert _run(zone, warehouse_url, day=days[-1]).success

    career = {
        r["canonical_guid"]: r
        for r in _rows(warehouse_url, schema_datasets.player_season_stats)
        if r["season"] == ALL_TIME
    }
    assert gone not in career
    for name in ("kills", "deaths", "damage_given", "time_played_seconds", "rounds_played"):
        assert career[kept][name] == truth.careers[gone][name] + truth.careers[kept][name], name
    guid_map = {r["guid"]: r for r in _rows(warehouse_url, schema_datasets.player_guid_map)}
    assert (guid_map[gone]["canonical_guid"], guid_map[gone]["resolution"]) == (kept, "merged")
    player = {r["canonical_guid"]: r for r in _rows(warehouse_url, schema_datasets.players)}
    assert gone not in player and json.loads(player[kept]["stats_guids"]) == sorted([gone, kept])
    for table in (
        schema_datasets.player_map_stats,
        schema_datasets.player_weapon_stats,
        schema_datasets.player_records,
    ):
        assert all(r["canonical_guid"] != gone for r in _rows(warehouse_url, table)), table.name

    merges.write_bytes(b"")
    assert _run(zone, warehouse_url, day=days[0]).success
    assert dump_tables(engine, list(schema_datasets.DATASET_TABLES)) == before


def test_merge_cycle_fails_the_identity_gate(sample, settings_env, warehouse_url: str) -> None:
    zone, truth, days = sample
    humans = sorted(k for k in truth.careers if k not in truth.bots and ":" not in k)
    (settings_env / "merges.yaml").write_bytes(
        render_merges(
            [PlayerMerge(humans[0], humans[1], "a"), PlayerMerge(humans[1], humans[0], "b")]
        )
    )
    result = _run(zone, warehouse_url, days=days, raise_on_error=False)
    assert not result.success  # the blocking gate stops the steps after it
    gate = [e for e in result.get_asset_check_evaluations() if e.check_name == "players_resolve"]
    assert gate and not gate[0].passed
    assert "merge_cycle" in table_text(gate[0].metadata["failures"])


def test_day_runs_in_any_order_equal_one_range_run(
    sample, settings_env, warehouse_url: str
) -> None:
    zone, _, days = sample
    engine = open_warehouse(warehouse_url)
    order = list(days)
    random.Random(15).shuffle(order)
    for day in order:
        assert _run(zone, warehouse_url, day=day).success
    incremental = dump_tables(engine, list(schema_datasets.DATASET_TABLES))
    assert incremental["player_season_stats"]
    assert _run(zone, warehouse_url, days=days).success  # a range run over the existing tables
    assert dump_tables(engine, list(schema_datasets.DATASET_TABLES)) == incremental
    # A full rebuild (every player, every day) gives the same rows as the incremental runs.
    seasons = parse_seasons((settings_env / "seasons.yaml").read_bytes())
    full = build_careers(engine, seasons)
    assert full.touched_players is None
    assert dump_tables(engine, list(schema_datasets.DATASET_TABLES)) == incremental


def test_a_night_recomputes_only_the_players_it_touches(
    sample, settings_env, warehouse_url: str
) -> None:
    zone, _, days = sample
    assert _run(zone, warehouse_url, days=days).success
    engine = open_warehouse(warehouse_url)
    with engine.connect() as conn:
        night = {
            r.player_guid
            for r in conn.execute(
                select(schema_datasets.dataset_day_players.c.player_guid).where(
                    schema_datasets.dataset_day_players.c.gaming_day == days[-1]
                )
            )
        }
    seasons = parse_seasons((settings_env / "seasons.yaml").read_bytes())
    report = build_careers(engine, seasons, [days[-1]])
    assert report.touched_players == len(night) > 0
    total = len({r["canonical_guid"] for r in _rows(warehouse_url, schema_datasets.players)})
    assert report.touched_players < total


def _schema(spec: dg.AssetSpec) -> dg.TableSchema:
    """The spec's column schema (the catalog stores it wrapped as a metadata value)."""
    value = spec.metadata["dagster/column_schema"]
    return getattr(value, "schema", value)


def test_the_datasets_group_has_descriptions_and_column_schemas() -> None:
    from slomix_pipeline.definitions import defs

    specs = [s for s in defs().resolve_all_asset_specs() if s.group_name == "datasets"]
    assert {s.key.to_user_string() for s in specs} == {
        "players",
        "careers",
        "leaderboards",
        "season_exports",
    }
    for spec in specs:
        assert spec.description, spec.key
        schema_meta = _schema(spec)
        assert isinstance(schema_meta, dg.TableSchema) and schema_meta.columns, spec.key
    (careers,) = [s for s in specs if s.key.path == ["careers"]]
    # One column schema per written table (defs/asset_catalog.py).
    season_table = careers.metadata["tables/player_season_stats/column_schema"].schema
    assert "dpm" in {c.name for c in season_table.columns}
