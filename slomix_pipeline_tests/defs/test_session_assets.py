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
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource, gates_resource
from slomix_pipeline.defs.sessions.assets import linked_rounds, session_aggregates
from slomix_pipeline.defs.stats.assets import raw_stats_files
from slomix_pipeline.defs.tables import columns_of
from slomix_pipeline.runner import range_tags
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.linking_cases import plant_linking_cases
from slomix_pipeline.sample_data.session_truth import SessionTruth, session_truth
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
        "gates": gates_resource(),
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

    # A range run's materializations each describe their own day only (issue 10): the
    # range-wide report goes to the run log, each partition carries its day's figures.
    links = result.asset_materializations_for_node("linked_rounds")
    assert len(links) == len(days)
    assert {m.partition for m in links} == {d.isoformat() for d in days}
    assert all(m.metadata["day"].value == m.partition for m in links)
    assert sum(m.metadata["day_rows/round_links"].value for m in links) == len(truth.round_links)
    assert "rounds" not in links[0].metadata and "unlinked_reasons" not in links[0].metadata

    sessions = result.asset_materializations_for_node("session_aggregates")
    assert len(sessions) == len(days)
    found = sum(m.metadata["day_rows/gaming_sessions"].value for m in sessions)
    assert found == len(truth.sessions)
    assert all(m.metadata["day_rows/gaming_sessions"].value > 0 for m in sessions)


def test_single_day_run_reports_the_detailed_metadata(sample, warehouse_url: str) -> None:
    zone, truth = sample
    day = truth.days[0]
    assert _materialize(zone, warehouse_url, days=list(truth.days)).success
    result = _materialize(zone, warehouse_url, day=day)
    assert result.success
    (links,) = result.asset_materializations_for_node("linked_rounds")
    meta = links.metadata
    assert meta["rounds"].value == meta["day_rows/round_links"].value > 0
    unlinked_columns = ["file time", "map", "round", "reason", "candidates"]
    assert columns_of(meta["unlinked_rounds"]) in ([], unlinked_columns)  # [] when all linked
    assert "NO LUA DATA" not in str(meta["timing_statuses"].value)
    (sessions,) = result.asset_materializations_for_node("session_aggregates")
    meta = sessions.metadata
    assert meta["sessions_found"].value == meta["day_rows/gaming_sessions"].value > 0
    assert columns_of(meta["top_players"])[:5] == ["#", "player", "guid", "team", "kills"]
    assert [r.data["#"] for r in meta["top_players"].records][:2] == [1, 2]
    assert columns_of(meta["sessions"])[:2] == ["session", "day"]
    assert len(meta["sessions"].records) == meta["sessions_found"].value


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
    order each time: every table, ``proximity_files`` included, equals the range run (a
    neighbouring day outside the run is read from the landing zone, not from whatever the
    warehouse held then: ``ingest/proximity_candidates.py``)."""
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
        assert dump_tables(open_warehouse(url)) == reference
