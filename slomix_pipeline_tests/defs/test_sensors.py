"""Landing-zone sensors called directly with ``build_sensor_context``, and the live automation.

The sensors read real folders (tmp_path) through the ``landing`` resource; the automation
condition is evaluated against a real (temporary) Dagster instance with toy assets that share
the gaming-day partitions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest

import slomix_pipeline.defs.sensors as sensors_module
from slomix_pipeline.definitions import defs
from slomix_pipeline.defs.automation import (
    LANDING_ONLY_ASSETS,
    LIVE_LABEL,
    downstream_selection,
    live_automation_sensor,
    live_update_condition,
)
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.defs.sensors import (
    FILES_TAG,
    SPECS,
    build_landing_sensor,
    default_sensor_status,
)
from slomix_pipeline.landing.zone import STATS_FOLDER, WEBHOOK_FOLDER, write_atomically
from slomix_pipeline.sample_data import generate_landing_zone

STATS_SPEC = next(s for s in SPECS if s.folder == STATS_FOLDER)
WEBHOOK_SPEC = next(s for s in SPECS if s.folder == WEBHOOK_FOLDER)


def land_stats(zone: Path, name: str) -> None:
    write_atomically(zone / STATS_FOLDER, name, f"payload of {name}\n".encode())


def run_sensor(sensor: dg.SensorDefinition, zone: Path, cursor: str | None, instance):
    context = dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={"landing": LandingZoneResource(data_dir=str(zone))},
    )
    result = sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def test_stats_sensor_one_request_per_partition_then_nothing(tmp_path: Path, instance) -> None:
    sensor = build_landing_sensor(STATS_SPEC)
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    land_stats(tmp_path, "2026-02-11-003000-supply-round-2.txt")  # after midnight: same night
    land_stats(tmp_path, "2026-02-11-213012-goldrush-round-1.txt")
    first = run_sensor(sensor, tmp_path, None, instance)
    by_day = {r.partition_key: r for r in first.run_requests}
    assert sorted(by_day) == ["2026-02-10", "2026-02-11"]
    assert by_day["2026-02-10"].tags[FILES_TAG] == "2"
    assert by_day["2026-02-10"].run_key.startswith("2026-02-10:")

    # Re-tick with the stored cursor: nothing new, nothing requested.
    second = run_sensor(sensor, tmp_path, first.cursor, instance)
    assert second.run_requests == []
    assert "no new files" in (second.skip_reason.skip_message if second.skip_reason else "")

    # The cursor of the first tick was lost (failed tick): the same run keys come back, and
    # Dagster launches a run key only once.
    replay = run_sensor(sensor, tmp_path, None, instance)
    assert sorted(r.run_key for r in replay.run_requests) == sorted(
        r.run_key for r in first.run_requests
    )

    # A new R2 of the first night: exactly one request, for that night only.
    land_stats(tmp_path, "2026-02-10-224500-supply-round-2.txt")
    third = run_sensor(sensor, tmp_path, second.cursor, instance)
    assert [(r.partition_key, r.tags[FILES_TAG]) for r in third.run_requests] == [
        ("2026-02-10", "1")
    ]
    assert third.run_requests[0].run_key not in {r.run_key for r in first.run_requests}


def test_cursor_survives_a_restart(tmp_path: Path, instance) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    first = run_sensor(build_landing_sensor(STATS_SPEC), tmp_path, None, instance)
    stored = json.loads(first.cursor)  # what the instance keeps across daemon restarts
    assert stored["v"] == 1 and stored["horizon_ns"] > 0
    fresh_sensor = build_landing_sensor(STATS_SPEC)  # a new process builds the sensor again
    again = run_sensor(fresh_sensor, tmp_path, json.dumps(stored), instance)
    assert again.run_requests == []


def test_file_landing_during_the_tick_is_not_skipped(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    real_scan = sensors_module.scan_folder

    def scan_then_land(folder: Path):
        listed = real_scan(folder)
        # Lands after the listing, within the same tick, with an mtime from long ago.
        land_stats(tmp_path, "2026-02-12-220000-radar-round-1.txt")
        os.utime(folder / "2026-02-12-220000-radar-round-1.txt", (1_000_000, 1_000_000))
        return listed

    monkeypatch.setattr(sensors_module, "scan_folder", scan_then_land)
    first = run_sensor(build_landing_sensor(STATS_SPEC), tmp_path, None, instance)
    monkeypatch.setattr(sensors_module, "scan_folder", real_scan)
    assert [r.partition_key for r in first.run_requests] == ["2026-02-10"]
    second = run_sensor(build_landing_sensor(STATS_SPEC), tmp_path, first.cursor, instance)
    assert [r.partition_key for r in second.run_requests] == ["2026-02-12"]
    third = run_sensor(build_landing_sensor(STATS_SPEC), tmp_path, second.cursor, instance)
    assert third.run_requests == []


def test_requests_resolve_against_the_real_code_location(tmp_path: Path, instance) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    body = write_atomically(tmp_path / WEBHOOK_FOLDER, "other_" + "1" * 64 + ".json", b"{}")
    os.utime(body, (1_771_000_000, 1_771_000_000))  # ignored message: filed by landing day
    location = defs()
    for spec, asset, day in (
        (STATS_SPEC, "raw_stats_files", "2026-02-10"),
        (WEBHOOK_SPEC, "webhook_drops", "2026-02-13"),
    ):
        sensor = location.resolve_sensor_def(spec.name)
        context = dg.build_sensor_context(
            instance=instance,
            definitions=location,
            resources={"landing": LandingZoneResource(data_dir=str(tmp_path))},
        )
        data = sensor.evaluate_tick(context)
        (request,) = data.run_requests
        assert request.partition_key == day
        assert request.tags["dagster/partition"] == day  # resolved against the partitions
        job = location.get_repository_def().get_job(sensor.job_name)
        assert job.asset_layer.selected_asset_keys == {dg.AssetKey(asset)}


def test_every_landing_folder_has_a_sensor_for_its_asset() -> None:
    location = defs()
    asset_keys = {
        key.to_user_string() for key in location.resolve_asset_graph().get_all_asset_keys()
    }
    names = {s.name for s in location.sensors or []}
    for spec in SPECS:
        if spec.asset in asset_keys:
            assert spec.name in names, spec
    assert {"local_stats_sensor", "webhook_drops_sensor", "local_gametimes_sensor"} <= names


def test_sensors_start_stopped_unless_switched_on() -> None:
    assert default_sensor_status({}) == dg.DefaultSensorStatus.STOPPED
    assert default_sensor_status({"SLOMIX_SENSORS_DEFAULT_RUNNING": "0"}) == (
        dg.DefaultSensorStatus.STOPPED
    )
    assert default_sensor_status({"SLOMIX_SENSORS_DEFAULT_RUNNING": "1"}) == (
        dg.DefaultSensorStatus.RUNNING
    )
    ours = {spec.name for spec in SPECS} | {"slomix_live_automation", "sftp_remote_sensor"}
    if os.environ.get("SLOMIX_SENSORS_DEFAULT_RUNNING", "") in ("", "0"):
        found = [s for s in defs().sensors or [] if s.name in ours]
        assert len(found) >= 5
        for sensor in found:
            assert sensor.default_status == dg.DefaultSensorStatus.STOPPED, sensor.name


# --------------------------------------------------------------------------- live automation

OLD_DAY = "2026-02-10"  # far from the latest partition: eager() would never touch it


@dg.asset(partitions_def=gaming_days)
def up_a() -> None:
    return None


@dg.asset(partitions_def=gaming_days)
def up_b() -> None:
    return None


@dg.asset(
    partitions_def=gaming_days, deps=[up_a, up_b], automation_condition=live_update_condition()
)
def down() -> None:
    return None


@dg.asset(partitions_def=gaming_days, deps=[down], automation_condition=live_update_condition())
def last() -> None:
    return None


def _requested(result, key: str) -> set[str]:
    return set(result.get_requested_partitions(dg.AssetKey(key)))


def test_live_condition_propagates_an_old_partition_through_the_chain(instance) -> None:
    assets = [up_a, up_b, down, last]
    first = dg.evaluate_automation_conditions(defs=assets, instance=instance)
    assert first.total_requested == 0  # nothing updated yet: nothing to do
    assert dg.materialize([up_a], partition_key=OLD_DAY, instance=instance).success
    result = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=first.cursor)
    # up_b was never materialized for that day: a missing input does not block.
    assert _requested(result, "down") == {OLD_DAY}
    assert _requested(result, "last") == {OLD_DAY}  # follows in the same tick
    again = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=result.cursor)
    assert again.total_requested == 0  # handled once, not every tick


@pytest.mark.parametrize("gate_passes", [True, False])
def test_live_condition_waits_for_failed_blocking_checks(instance, gate_passes: bool) -> None:
    @dg.asset(
        name="gated",
        partitions_def=gaming_days,
        check_specs=[dg.AssetCheckSpec("gate", asset="gated", blocking=True)],
    )
    def gated():
        return dg.MaterializeResult(check_results=[dg.AssetCheckResult(passed=gate_passes)])

    @dg.asset(
        partitions_def=gaming_days, deps=["gated"], automation_condition=live_update_condition()
    )
    def after_gate() -> None:
        return None

    assets = [gated, after_gate]
    first = dg.evaluate_automation_conditions(defs=assets, instance=instance)
    dg.materialize([gated], partition_key=OLD_DAY, instance=instance, raise_on_error=False)
    result = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=first.cursor)
    assert _requested(result, "after_gate") == ({OLD_DAY} if gate_passes else set())


def test_automation_sensor_applies_the_live_condition_by_default(instance) -> None:
    @dg.asset(name="plain_down", partitions_def=gaming_days, deps=[up_a])
    def plain_down() -> None:
        return None

    sensor = dg.AutomationConditionSensorDefinition(
        name="toy_automation",
        target=dg.AssetSelection.assets(plain_down),
        use_user_code_server=True,
        default_condition=live_update_condition(),
    )
    toy = dg.Definitions(assets=[up_a, plain_down], sensors=[sensor])
    context = dg.build_sensor_context(instance=instance, definitions=toy)
    first = sensor.evaluate_tick(context)
    assert first.run_requests == []
    assert dg.materialize([up_a], partition_key=OLD_DAY, instance=instance).success
    context = dg.build_sensor_context(instance=instance, definitions=toy, cursor=first.cursor)
    second = sensor.evaluate_tick(context)
    assert [(r.partition_key, r.asset_selection) for r in second.run_requests] == [
        (OLD_DAY, [dg.AssetKey("plain_down")])
    ]


def test_automation_sensor_targets_fed_assets_only() -> None:
    location = defs()
    selected = {
        key.to_user_string()
        for key in downstream_selection().resolve(location.resolve_asset_graph())
    }
    assert "lua_round_teams" in selected
    assert not selected & set(LANDING_ONLY_ASSETS)
    assert live_automation_sensor.default_condition is not None
    assert live_automation_sensor.default_condition.get_label() == LIVE_LABEL
    assert "slomix_live_automation" in {s.name for s in location.sensors or []}


def test_a_landed_stats_file_reaches_the_downstream_assets_without_clicks(
    tmp_path: Path, instance
) -> None:
    """Land -> landing sensor -> its run (raw_stats_files[D] + checks) -> automation asks for
    every asset fed by raw_stats_files, for that day only."""
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=7, nights=1, extra_renderers=())
    location = defs()
    sensor = location.resolve_sensor_def(STATS_SPEC.name)
    context = dg.build_sensor_context(
        instance=instance,
        definitions=location,
        resources={"landing": LandingZoneResource(data_dir=str(zone))},
    )
    (request,) = sensor.evaluate_tick(context).run_requests
    automation = dg.build_sensor_context(instance=instance, definitions=location)
    first = live_automation_sensor.evaluate_tick(automation)
    assert first.run_requests == []  # nothing updated yet

    # The run the daemon would launch for the request: the sensor's job, with the asset's checks.
    job = location.get_repository_def().get_job(sensor.job_name)
    result = job.execute_in_process(
        partition_key=request.partition_key,
        instance=instance,
        resources={
            "landing": LandingZoneResource(data_dir=str(zone)),
            "warehouse": WarehouseResource(database_url=f"sqlite:///{tmp_path / 'w.sqlite'}"),
        },
        tags=request.tags,
    )
    assert result.success
    assert result.get_asset_check_evaluations()  # the gates ran in the same run

    automation = dg.build_sensor_context(
        instance=instance, definitions=location, cursor=first.cursor
    )
    second = live_automation_sensor.evaluate_tick(automation)
    requested = {
        (key.to_user_string(), run.partition_key)
        for run in second.run_requests
        for key in run.asset_selection or []
    }
    graph = location.resolve_asset_graph()
    downstream = {
        key.to_user_string() for key in graph.get(dg.AssetKey("raw_stats_files")).child_keys
    }
    assert downstream  # proximity_engagements, linked_rounds (and what else reads the rounds)
    assert requested >= {(name, request.partition_key) for name in downstream}
    assert all(day == request.partition_key for _, day in requested)
    assert not {name for name, _ in requested} & set(LANDING_ONLY_ASSETS)
