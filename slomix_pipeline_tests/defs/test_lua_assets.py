"""The Lua assets through real Dagster materializations, on SQLite and PostgreSQL.

The landing zone holds the sample nights' webhook drops and gametime files; every stored field of
``lua_round_teams`` and ``lua_spawn_stats`` must equal the generator's truth, and re-running
(the same partition twice, a range versus each day alone, in any order) must leave identical
tables.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import Engine, select

from slomix_pipeline.defs.lua.assets import gametime_files, lua_round_teams, webhook_drops
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource, gates_resource
from slomix_pipeline.defs.tables import columns_of, table_text
from slomix_pipeline.runner import range_tags
from slomix_pipeline.sample_data.lua_files import write_lua_files
from slomix_pipeline.sample_data.lua_truth import LuaTruth, lua_truth
from slomix_pipeline.sample_data.simulate import simulate
from slomix_pipeline.warehouse import schema, schema_lua
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

LUA_ASSETS = [webhook_drops, gametime_files, lua_round_teams]
TABLES = [
    schema.processed_files,
    schema_lua.lua_events,
    schema_lua.lua_round_teams,
    schema_lua.lua_spawn_stats,
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, LuaTruth]:
    zone = tmp_path_factory.mktemp("lua_zone")
    corpus = simulate(seed=7, nights=3)
    write_lua_files(corpus, zone)
    return zone, lua_truth(corpus)


def _materialize(
    zone: Path, url: str, *, day: date | None = None, days: list[date] | None = None
) -> dg.ExecuteInProcessResult:
    resources = {
        "warehouse": WarehouseResource(database_url=url),
        "gates": gates_resource(),
        "landing": LandingZoneResource(data_dir=str(zone)),
    }
    with dg.instance_for_test() as instance:
        if day is not None:
            return dg.materialize(
                LUA_ASSETS, resources=resources, instance=instance, partition_key=day.isoformat()
            )
        assert days
        return dg.materialize(
            LUA_ASSETS, resources=resources, instance=instance, tags=range_tags(days[0], days[-1])
        )


def _rows(engine: Engine, table: Any, key: tuple[str, ...]) -> dict[Any, dict[str, Any]]:
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(table))]
    return {tuple(r[k] for k in key) if len(key) > 1 else r[key[0]]: r for r in rows}


def test_sample_nights_match_the_truth_field_by_field(
    sample: tuple[Path, LuaTruth], warehouse_url: str
) -> None:
    zone, truth = sample
    days = list(truth.days)
    result = _materialize(zone, warehouse_url, days=days)
    assert result.success
    engine = open_warehouse(warehouse_url)

    stored = _rows(engine, schema_lua.lua_round_teams, ("id",))
    assert set(stored) == set(truth.teams)
    for round_id, expected in truth.teams.items():
        assert stored[round_id] == expected, (expected["map_name"], expected["round_number"])

    spawns = _rows(engine, schema_lua.lua_spawn_stats, ("lua_round_id", "player_guid"))
    assert set(spawns) == set(truth.spawns)
    for key, expected in truth.spawns.items():
        assert spawns[key] == expected, key

    files = _rows(engine, schema.processed_files, ("source", "file_name"))
    assert set(files) == set(truth.files)
    for key, expected in truth.files.items():
        row = files[key]
        reason_code = row["reason"].split(":")[0] if row["reason"] else None
        got = (row["status"], reason_code, row["gaming_day"], row["kind"], row["sha256"])
        assert got == (
            expected.status,
            expected.reason_code,
            expected.gaming_day,
            expected.kind,
            expected.sha256,
        ), key

    # The planted cases the issue names, as stored.
    scenario = {name: stored[round_id] for name, round_id in truth.scenarios.items()}
    assert scenario["gametime_only"]["sources"] == "gametime"
    assert scenario["webhook_only"]["sources"] == "webhook"
    assert scenario["malformed"]["sources"] == "gametime"
    assert scenario["round_zero"]["round_number"] == 2
    assert scenario["redelivery"]["event_count"] == 2
    assert scenario["resend"]["last_update_at"] - scenario["resend"]["first_seen_at"] >= 600
    assert any(row["timelimit_minutes"] == 7.433 for row in stored.values())

    materializations = result.asset_materializations_for_node("lua_round_teams")
    assert len(materializations) == len(days)  # one per partition of the range
    # Each carries its own day's figures (issue 10); the detailed report of a single-day run
    # describes that day, so the days' reports add up to the truth.
    day_rows = [m.metadata["day_rows/lua_round_teams"].value for m in materializations]
    assert sum(day_rows) == len(truth.teams) and all(n > 0 for n in day_rows)
    webhook_days = result.asset_materializations_for_node("webhook_drops")
    assert sum(m.metadata["day_files_rejected"].value for m in webhook_days) == 1
    metas = [
        _materialize(zone, warehouse_url, day=day).asset_materializations_for_node(node)[0].metadata
        for day in days
        for node in ("lua_round_teams", "webhook_drops")
    ]
    teams, hooks = metas[0::2], metas[1::2]

    def total(metas: list, key: str) -> int:  # type: ignore[type-arg]
        return sum(m[key].value for m in metas)

    assert total(teams, "rounds") == len(truth.teams)
    assert total(teams, "rounds_webhook_only") == 2
    assert total(teams, "rounds_gametime_only") == 2
    assert total(teams, "rounds_both_sources") == len(truth.teams) - 4
    assert total(teams, "events_read") == sum(r["event_count"] for r in truth.teams.values())
    assert total(teams, "duplicates_merged") == total(teams, "events_read") - len(truth.teams)
    assert total(teams, "files_quarantined") == 1
    malformed = next(t for t in truth.files.values() if t.status == "rejected")
    quarantined = "".join(table_text(m["quarantined_files"]) for m in teams)
    assert malformed.file_name in quarantined and "malformed_json" in quarantined
    assert total(hooks, "files_quarantined") == 1
    assert total(hooks, "files_ignored") == 1
    listed = [m["quarantined_files"] for m in hooks if columns_of(m["quarantined_files"])]
    assert listed and all(columns_of(v) == ["source", "file", "reason"] for v in listed)
    reasons = [r.data["reason"] for v in listed for r in v.records]
    assert reasons and all(reasons)  # the reason column is there, filled, on screen


def test_same_partition_twice_and_range_vs_single_days_are_identical(
    sample: tuple[Path, LuaTruth], warehouse_url: str
) -> None:
    zone, truth = sample
    days = list(truth.days)
    assert len(days) == 3
    engine = open_warehouse(warehouse_url)
    for day in reversed(days):  # single days, latest first, into an empty warehouse
        assert _materialize(zone, warehouse_url, day=day).success
    after_days = dump_tables(engine, TABLES)
    assert len(after_days["lua_round_teams"]) == len(truth.teams)
    assert _materialize(zone, warehouse_url, days=days).success
    assert dump_tables(engine, TABLES) == after_days
    assert _materialize(zone, warehouse_url, days=days).success
    assert dump_tables(engine, TABLES) == after_days
    assert _materialize(zone, warehouse_url, day=days[1]).success
    assert dump_tables(engine, TABLES) == after_days
