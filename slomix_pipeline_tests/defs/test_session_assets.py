"""``linked_rounds`` and ``session_aggregates`` through real Dagster materializations.

The whole asset graph runs on the sample nights (plus the planted linking cases): the session
tables must equal the generator's truth, every materialization must carry its metadata, and
landing the files in a random order while materializing the partitions in random orders must
leave every warehouse table identical to one clean range run. SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from slomix_pipeline.defs.lua.assets import gametime_files, lua_round_teams, webhook_drops
from slomix_pipeline.defs.proximity.assets import proximity_engagements
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.defs.sessions.assets import linked_rounds, session_aggregates
from slomix_pipeline.defs.stats.assets import raw_stats_files
from slomix_pipeline.runner import range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.session_truth import (
    SessionTruth,
    plant_linking_cases,
    session_truth,
)
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline_tests.ingest.test_sessions_ingest import assert_sessions_match
from slomix_pipeline_tests.tabledump import dump_tables

ASSETS = [
    raw_stats_files,
    webhook_drops,
    gametime_files,
    lua_round_teams,
    proximity_engagements,
    linked_rounds,
    session_aggregates,
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, SessionTruth]:
    zone = tmp_path_factory.mktemp("session_assets_zone")
    report = generate_landing_zone(zone, seed=7, nights=3)
    plan = plant_linking_cases(report.corpus, zone)
    return zone, session_truth(report.corpus, plan)


def _materialize(
    zone: Path,
    url: str,
    *,
    day: date | None = None,
    days: list[date] | None = None,
    assets: list | None = None,
) -> dg.ExecuteInProcessResult:
    resources = {
        "warehouse": WarehouseResource(database_url=url),
        "landing": LandingZoneResource(data_dir=str(zone)),
    }
    with dg.instance_for_test() as instance:
        if day is not None:
            return dg.materialize(
                assets or ASSETS,
                resources=resources,
                instance=instance,
                partition_key=day.isoformat(),
            )
        assert days
        return dg.materialize(
            ASSETS, resources=resources, instance=instance, tags=range_tags(days[0], days[-1])
        )


def test_range_run_matches_the_truth_and_reports_metadata(sample, warehouse_url: str) -> None:
    zone, truth = sample
    days = list(truth.days)
    result = _materialize(zone, warehouse_url, days=days)
    assert result.success
    assert_sessions_match(open_warehouse(warehouse_url), truth)

    links = result.asset_materializations_for_node("linked_rounds")
    assert len(links) == len(days)
    meta = links[0].metadata
    assert meta["rounds"].value == len(truth.round_links)
    assert meta["rounds_linked"].value == 45 and meta["rounds_unlinked"].value == 2
    assert meta["unlinked_reasons"].value == {"ambiguous": 1, "never_received": 1}
    assert meta["lua_unlinked_reasons"].value == {"ambiguous": 2, "never_received": 1}
    per_source = meta["rounds_linked_per_source"].value
    assert per_source["proximity"] == len(truth.round_links)
    assert per_source["lua:webhook+gametime"] == 41
    assert "| file time | map | round | reason | candidates |" in meta["unlinked_rounds"].value
    assert "never_received" in meta["unlinked_rounds"].value
    assert "NO LUA DATA" not in str(meta["timing_statuses"].value)

    sessions = result.asset_materializations_for_node("session_aggregates")
    assert len(sessions) == len(days)
    meta = sessions[0].metadata
    assert meta["sessions_found"].value == len(truth.sessions)
    assert meta["stale_partitions"].value == []
    top = meta["top_players"].value
    assert top.startswith("| # | player | guid | team | kills |")
    best = max(truth.players.items(), key=lambda item: item[1]["kills"])
    name = best[1]["display_name"].replace("|", "\\|")  # markdown-escaped
    assert f"| 1 | {name} | {best[0][1]} |" in top
    assert "| session | day |" in meta["sessions"].value


def _all_files(zone: Path) -> list[Path]:
    return sorted(p.relative_to(zone) for p in zone.rglob("*") if p.is_file())


LAYERS = [
    [raw_stats_files, webhook_drops, gametime_files, lua_round_teams],
    [proximity_engagements],
    [linked_rounds],
    [session_aggregates],
]
"""Asset layers whose partitions read neighbouring days of the layer above."""


def _reference(zone: Path, tmp_path: Path, days: list[date]) -> dict[str, list]:
    url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    assert _materialize(zone, url, days=days).success
    reference = dump_tables(open_warehouse(url))
    assert reference["gaming_sessions"] and reference["round_links"]
    return reference


def _land(zone: Path, live: Path, batch: list[Path]) -> None:
    for relative in batch:  # in the given order; mtimes (the arrival times) are kept
        target = live / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(zone / relative, target)


def test_shuffled_landing_and_partition_orders_give_identical_tables(
    sample, tmp_path: Path, warehouse_url: str
) -> None:
    """Half the files land in a random order and each partition runs the whole graph (random
    partition order, as sensors would); then the rest lands and a backfill runs each asset
    layer over the partitions in a random order. Every table equals one clean range run."""
    zone, truth = sample
    days = list(truth.days)
    reference = _reference(zone, tmp_path, days)
    rng = random.Random(20260210)
    files = _all_files(zone)
    rng.shuffle(files)
    live = tmp_path / "live"
    _land(zone, live, files[: len(files) // 2])
    for day in rng.sample(days, len(days)):
        assert _materialize(live, warehouse_url, day=day).success
    _land(zone, live, files[len(files) // 2 :])
    for layer in LAYERS:
        for day in rng.sample(days, len(days)):
            assert _materialize(live, warehouse_url, day=day, assets=layer).success
    assert dump_tables(open_warehouse(warehouse_url)) == reference


def test_whole_graph_per_partition_in_random_orders(sample, tmp_path: Path) -> None:
    """Files land in two random batches and every partition runs the whole graph, in a random
    order each time: the link and session tables (and the stats and Lua tables) still equal the
    range run. (``proximity_files.identity_candidates`` counts a neighbouring day's candidates
    as they were when it ran, so that one table is order-dependent in this mode.)"""
    zone, truth = sample
    days = list(truth.days)
    reference = _reference(zone, tmp_path, days)
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    for seed in (1,):
        rng = random.Random(seed)
        files = _all_files(zone)
        rng.shuffle(files)
        live = tmp_path / f"live{seed}"
        for batch in (files[: len(files) // 3], files[len(files) // 3 :]):
            _land(zone, live, batch)
            for day in rng.sample(days, len(days)):
                assert _materialize(live, url, day=day).success
        got = dump_tables(open_warehouse(url))
        assert {k: v for k, v in got.items() if k != "proximity_files"} == {
            k: v for k, v in reference.items() if k != "proximity_files"
        }
