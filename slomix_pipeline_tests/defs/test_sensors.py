"""The landing-zone sensor called directly with ``build_sensor_context``, and the live automation.

The sensor reads real folders (tmp_path) through the ``landing`` resource; the automation
condition is evaluated against a real (temporary) Dagster instance, with toy assets that share
the gaming-day partitions and with the real code location.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.asset_selection import CodeLocationAssetSelection
from dagster._core.remote_representation.external_data import RepositorySnap

import slomix_pipeline.defs.sensors.evaluation as sensors_module
from slomix_pipeline.config import default_sqlite_url, load_settings
from slomix_pipeline.definitions import defs
from slomix_pipeline.defs.automation import (
    AUTOMATED_ASSETS,
    LANDING_ONLY_ASSETS,
    LIVE_LABEL,
    downstream_selection,
    live_automation_sensor,
    live_update_condition,
)
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.publish.assets import PUBLISH_GROUP
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource, gates_resource
from slomix_pipeline.defs.sensors.evaluation import evaluate_landing_zone
from slomix_pipeline.defs.sensors.folders import ASSET_ORDER, DATASET_CHAIN, SPECS
from slomix_pipeline.defs.sensors.landing_sensor import LANDING_SENSOR_NAME, build_landing_sensor
from slomix_pipeline.defs.sensors.settings import default_sensor_status
from slomix_pipeline.defs.sensors.zone_cursor import ZoneCursor
from slomix_pipeline.defs.sensors.zone_requests import FILES_TAG, FOLDER_TAG
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    LANDING_FOLDERS,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
    write_atomically,
)
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses
from slomix_pipeline.warehouse.engine import dispose_warehouse, open_warehouse

SPEC_OF = {spec.folder: spec for spec in SPECS}
STATS_CHAIN = [
    "raw_stats_files",
    "proximity_engagements",
    "linked_rounds",
    "session_aggregates",
    "endstats",
    *DATASET_CHAIN,
]
BOUNDS = (date(2026, 1, 1), date(2026, 12, 31))
IGNORED_BODY = "other_" + "1" * 64 + ".json"  # not a round end: filed under its landing day


def land_stats(zone: Path, name: str) -> None:
    write_atomically(zone / STATS_FOLDER, name, f"payload of {name}\n".encode())


def land_ignored_webhook(zone: Path, epoch: int, name: str = IGNORED_BODY) -> None:
    body = write_atomically(zone / WEBHOOK_FOLDER, name, b"{}")
    os.utime(body, (epoch, epoch))  # 1_771_000_000 -> gaming day 2026-02-13


def run_sensor(zone: Path, cursor: str | None, instance, sensor=None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={"landing": LandingZoneResource(data_dir=str(zone))},
    )
    result = (sensor or build_landing_sensor())(context)
    assert isinstance(result, dg.SensorResult)
    return result


def selection(request: dg.RunRequest) -> list[str]:
    return [key.to_user_string() for key in request.asset_selection or []]


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


# ----------------------------------------------------------------------------- landing sensor


def test_one_request_per_partition_for_all_folders_then_nothing(tmp_path: Path, instance) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    land_stats(tmp_path, "2026-02-11-003000-supply-round-2.txt")  # after midnight: same night
    land_stats(tmp_path, "2026-02-11-213012-goldrush-round-1.txt")
    land_ignored_webhook(tmp_path, 1_770_757_000)  # 2026-02-10 21:56 UTC: the first night
    first = run_sensor(tmp_path, None, instance)
    by_day = {r.partition_key: r for r in first.run_requests}
    assert sorted(by_day) == ["2026-02-10", "2026-02-11"]
    night = by_day["2026-02-10"]
    assert night.tags[FILES_TAG] == "3"  # two stats files + the webhook body, ONE run
    assert night.tags[FOLDER_TAG] == f"{STATS_FOLDER},{WEBHOOK_FOLDER}"
    assert night.run_key.startswith("2026-02-10:")
    assert selection(night) == [
        "raw_stats_files",
        "webhook_drops",
        "lua_round_teams",
        "proximity_engagements",
        "linked_rounds",
        "session_aggregates",
        "endstats",
        *DATASET_CHAIN,
    ]
    assert selection(by_day["2026-02-11"]) == STATS_CHAIN
    assert by_day["2026-02-11"].tags[FOLDER_TAG] == STATS_FOLDER

    # Re-tick with the stored cursor: nothing new, nothing requested.
    second = run_sensor(tmp_path, first.cursor, instance)
    assert second.run_requests == []
    assert "no new files" in (second.skip_reason.skip_message if second.skip_reason else "")

    # The cursor of the first tick was lost (failed tick): the same run keys come back, and
    # Dagster launches a run key only once.
    replay = run_sensor(tmp_path, None, instance)
    assert sorted(r.run_key for r in replay.run_requests) == sorted(
        r.run_key for r in first.run_requests
    )

    # A new R2 of the first night: exactly one request, for that night and the stats chain only.
    land_stats(tmp_path, "2026-02-10-224500-supply-round-2.txt")
    third = run_sensor(tmp_path, second.cursor, instance)
    assert [(r.partition_key, r.tags[FILES_TAG]) for r in third.run_requests] == [
        ("2026-02-10", "1")
    ]
    assert selection(third.run_requests[0]) == STATS_CHAIN
    assert third.run_requests[0].run_key not in {r.run_key for r in first.run_requests}


def test_run_key_depends_on_every_folder_of_the_day(tmp_path: Path) -> None:
    land_stats(tmp_path, "2026-02-13-213012-supply-round-1.txt")
    stats_only = evaluate_landing_zone(SPECS, tmp_path, None, bounds=BOUNDS)
    land_ignored_webhook(tmp_path, 1_771_000_000)  # same gaming day, another folder
    both = evaluate_landing_zone(SPECS, tmp_path, None, bounds=BOUNDS)
    (alone,) = stats_only.requests
    (merged,) = both.requests
    assert alone.partition_key == merged.partition_key == "2026-02-13"
    assert merged.folders == (STATS_FOLDER, WEBHOOK_FOLDER)
    assert merged.run_key != alone.run_key
    again = evaluate_landing_zone(SPECS, tmp_path, None, bounds=BOUNDS)
    assert [r.run_key for r in again.requests] == [merged.run_key]  # deterministic


def test_cursor_survives_a_restart(tmp_path: Path, instance) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    land_ignored_webhook(tmp_path, 1_771_000_000)
    first = run_sensor(tmp_path, None, instance)
    stored = json.loads(first.cursor)  # what the instance keeps across daemon restarts
    assert stored["v"] == 2
    assert set(stored["folders"]) == set(LANDING_FOLDERS)
    assert all(folder["horizon_ns"] > 0 for folder in stored["folders"].values())
    fresh_sensor = build_landing_sensor()  # a new process builds the sensor again
    again = run_sensor(tmp_path, json.dumps(stored), instance, sensor=fresh_sensor)
    assert again.run_requests == []


def test_a_cursor_of_another_shape_is_an_error_not_a_reset(tmp_path: Path) -> None:
    old_per_folder = '{"v":1,"horizon_ns":5,"seen":{},"queued":{}}'
    with pytest.raises(ValueError, match="unknown version"):
        evaluate_landing_zone(SPECS, tmp_path, old_per_folder, bounds=BOUNDS)
    assert ZoneCursor.from_json(None) == ZoneCursor()


def test_file_landing_during_the_tick_is_not_skipped(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    real_scan = sensors_module.scan_folder

    def scan_then_land(folder: Path):
        listed = real_scan(folder)
        if folder.name == STATS_FOLDER:
            # Lands after the listing, within the same tick, with an mtime from long ago.
            land_stats(tmp_path, "2026-02-12-220000-radar-round-1.txt")
            os.utime(folder / "2026-02-12-220000-radar-round-1.txt", (1_000_000, 1_000_000))
        return listed

    monkeypatch.setattr(sensors_module, "scan_folder", scan_then_land)
    first = run_sensor(tmp_path, None, instance)
    monkeypatch.setattr(sensors_module, "scan_folder", real_scan)
    assert [r.partition_key for r in first.run_requests] == ["2026-02-10"]
    second = run_sensor(tmp_path, first.cursor, instance)
    assert [r.partition_key for r in second.run_requests] == ["2026-02-12"]
    third = run_sensor(tmp_path, second.cursor, instance)
    assert third.run_requests == []


def test_a_late_gametime_file_requests_the_lua_chain_on_the_next_tick(
    tmp_path: Path, instance
) -> None:
    """The stats file (and the rest) of a round is in; its gametime file lands a minute later."""
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=7, nights=1, include_malformed=False)
    late = sorted((zone / GAMETIMES_FOLDER).iterdir())[-1]
    held_back = tmp_path / late.name
    late.rename(held_back)
    first = run_sensor(zone, None, instance)
    (day_run,) = first.run_requests
    assert selection(day_run) == list(ASSET_ORDER)

    write_atomically(zone / GAMETIMES_FOLDER, late.name, held_back.read_bytes())
    second = run_sensor(zone, first.cursor, instance)
    (late_run,) = second.run_requests
    assert late_run.partition_key == day_run.partition_key
    assert (late_run.tags[FOLDER_TAG], late_run.tags[FILES_TAG]) == (GAMETIMES_FOLDER, "1")
    assert selection(late_run) == [
        "gametime_files",
        "lua_round_teams",
        "proximity_engagements",
        "linked_rounds",
        "session_aggregates",
        *DATASET_CHAIN,
    ]
    assert late_run.run_key != day_run.run_key


def test_a_file_already_ingested_unchanged_requests_nothing(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLOMIX_DATABASE_URL", raising=False)
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=7, nights=1, extra_renderers=(), include_malformed=False)
    url = default_sqlite_url(zone)  # the warehouse the sensor reads the ledger of
    try:
        first = run_sensor(zone, None, instance)
        (request,) = first.run_requests
        ingest_stats_days(
            open_warehouse(url), zone, [date.fromisoformat(request.partition_key)], load_settings()
        )
        name = sorted(p.name for p in (zone / STATS_FOLDER).glob("*-round-2.txt"))[0]
        path = zone / STATS_FOLDER / name
        data, stat = path.read_bytes(), path.stat()
        path.unlink()  # re-landed by a copy tool: same bytes and mtime, new inode and ctime
        write_atomically(zone / STATS_FOLDER, name, data)
        os.utime(path, ns=(stat.st_mtime_ns, stat.st_mtime_ns))
        again = run_sensor(zone, first.cursor, instance)
        assert again.run_requests == []
        assert f"{STATS_FOLDER}/{name}" in again.skip_reason.skip_message
    finally:
        dispose_warehouse(url)


def test_more_days_than_one_tick_may_request_wait_under_the_same_run_keys(
    tmp_path: Path,
) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    land_stats(tmp_path, "2026-02-11-213012-supply-round-1.txt")
    land_ignored_webhook(tmp_path, 1_770_757_000)  # 2026-02-10, webhook folder
    land_stats(tmp_path, "2026-02-12-213012-supply-round-1.txt")
    uncapped = evaluate_landing_zone(SPECS, tmp_path, None, bounds=BOUNDS, max_requests=25)
    keys = {r.partition_key: r.run_key for r in uncapped.requests}
    first = evaluate_landing_zone(SPECS, tmp_path, None, bounds=BOUNDS, max_requests=2)
    assert [r.partition_key for r in first.requests] == ["2026-02-12", "2026-02-11"]
    assert first.waiting_days == ("2026-02-10",)
    second = evaluate_landing_zone(
        SPECS, tmp_path, first.cursor.to_json(), bounds=BOUNDS, max_requests=2
    )
    (rest,) = second.requests
    assert rest.partition_key == "2026-02-10"
    assert rest.folders == (STATS_FOLDER, WEBHOOK_FOLDER)
    assert rest.run_key == keys["2026-02-10"]
    assert second.waiting_days == ()


def test_a_broken_folder_does_not_hold_back_the_others(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_tick = sensors_module.evaluate_landing_tick

    def proximity_breaks(spec, *args, **kwargs):
        if spec.folder == PROXIMITY_FOLDER:
            raise PermissionError("local_proximity/x.txt: permission denied")
        return real_tick(spec, *args, **kwargs)

    monkeypatch.setattr(sensors_module, "evaluate_landing_tick", proximity_breaks)
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    first = run_sensor(tmp_path, None, instance)
    assert [r.partition_key for r in first.run_requests] == ["2026-02-10"]
    assert PROXIMITY_FOLDER not in json.loads(first.cursor)["folders"]  # retried next tick

    # Nothing else to request: the tick fails visibly (and stores nothing).
    with pytest.raises(Exception, match="local_proximity/ could not be evaluated"):
        run_sensor(tmp_path, first.cursor, instance)

    monkeypatch.setattr(sensors_module, "evaluate_landing_tick", real_tick)
    healed = run_sensor(tmp_path, first.cursor, instance)
    assert healed.run_requests == []
    assert PROXIMITY_FOLDER in json.loads(healed.cursor)["folders"]


def test_requests_resolve_against_the_real_code_location(tmp_path: Path, instance) -> None:
    land_stats(tmp_path, "2026-02-10-213012-supply-round-1.txt")
    land_ignored_webhook(tmp_path, 1_771_000_000)  # ignored message: filed by landing day
    location = defs()
    sensor = location.resolve_sensor_def(LANDING_SENSOR_NAME)
    context = dg.build_sensor_context(
        instance=instance,
        definitions=location,
        resources={"landing": LandingZoneResource(data_dir=str(tmp_path))},
    )
    data = sensor.evaluate_tick(context)
    by_day = {r.partition_key: r for r in data.run_requests}
    assert sorted(by_day) == ["2026-02-10", "2026-02-13"]
    job = location.get_repository_def().get_job(sensor.job_name)
    for day, first_asset in (("2026-02-10", "raw_stats_files"), ("2026-02-13", "webhook_drops")):
        request = by_day[day]
        assert request.tags["dagster/partition"] == day  # resolved against the partitions
        assert selection(request)[0] == first_asset
        # What the daemon launches: the sensor's job narrowed to the request's assets, with
        # every check of those assets (no asset_check_keys needed).
        subset = job.get_subset(asset_selection=set(request.asset_selection or []))
        assert subset.asset_layer.selected_asset_keys == set(request.asset_selection or [])
        graph = location.resolve_asset_graph()
        checks = {
            key
            for key in graph.asset_check_keys
            if key.asset_key in subset.asset_layer.selected_asset_keys
        }
        assert checks  # both chains hold gated assets
        assert set(subset.asset_layer.asset_graph.asset_check_keys) == checks


def test_closures_are_the_real_asset_graph_downstream() -> None:
    """The static map of the sensor against the graph: a new downstream asset fails here.

    The Discord posts are downstream too but never ride in a landing run (their own sensor
    launches them, so Discord cannot delay ingestion): they are the one exclusion."""
    graph = defs().resolve_asset_graph()
    posts = dg.AssetSelection.groups(PUBLISH_GROUP)
    assert posts.resolve(graph)  # the exclusion names real assets
    for spec in SPECS:
        downstream = (dg.AssetSelection.assets(spec.asset).downstream() - posts).resolve(graph)
        assert {key.to_user_string() for key in downstream} == set(spec.assets), spec.folder
        assert list(spec.assets) == [a for a in ASSET_ORDER if a in spec.assets], spec.folder
    position = {name: index for index, name in enumerate(ASSET_ORDER)}
    for name in ASSET_ORDER:  # every asset after its inputs
        for parent in graph.get(dg.AssetKey(name)).parent_keys:
            assert position[parent.to_user_string()] < position[name], (parent, name)


def test_one_landing_sensor_watches_every_folder() -> None:
    location = defs()
    asset_keys = {
        key.to_user_string() for key in location.resolve_asset_graph().get_all_asset_keys()
    }
    assert {spec.folder for spec in SPECS} == set(LANDING_FOLDERS)
    assert {spec.asset for spec in SPECS} <= asset_keys
    names = {s.name for s in location.sensors or []}
    assert LANDING_SENSOR_NAME in names
    assert not names & {"local_stats_sensor", "webhook_drops_sensor", "local_gametimes_sensor"}
    sensor = location.resolve_sensor_def(LANDING_SENSOR_NAME)
    job = location.get_repository_def().get_job(sensor.job_name)
    assert {k.to_user_string() for k in job.asset_layer.selected_asset_keys} == set(ASSET_ORDER)


def test_sensors_start_stopped_unless_switched_on() -> None:
    assert default_sensor_status({}) == dg.DefaultSensorStatus.STOPPED
    assert default_sensor_status({"SLOMIX_SENSORS_DEFAULT_RUNNING": "0"}) == (
        dg.DefaultSensorStatus.STOPPED
    )
    assert default_sensor_status({"SLOMIX_SENSORS_DEFAULT_RUNNING": "1"}) == (
        dg.DefaultSensorStatus.RUNNING
    )
    ours = {LANDING_SENSOR_NAME, "slomix_live_automation", "sftp_remote_sensor"}
    if os.environ.get("SLOMIX_SENSORS_DEFAULT_RUNNING", "") in ("", "0"):
        found = [s for s in defs().sensors or [] if s.name in ours]
        assert len(found) == 3
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


def test_a_code_server_sensor_evaluates_a_declared_live_condition(instance) -> None:
    """The live setup in miniature: the asset declares the (unserializable) condition, a sensor
    evaluated in the code server targets it by key and runs it."""

    @dg.asset(
        name="plain_down",
        partitions_def=gaming_days,
        deps=[up_a],
        automation_condition=live_update_condition(),
    )
    def plain_down() -> None:
        return None

    sensor = dg.AutomationConditionSensorDefinition(
        name="toy_automation",
        target=dg.AssetSelection.assets(plain_down),
        use_user_code_server=True,
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
    assert selected == set(AUTOMATED_ASSETS)
    assert "lua_round_teams" in selected
    assert not selected & set(LANDING_ONLY_ASSETS)
    assert not {name for name in selected if name.startswith("discord_")}  # own sensor
    assert live_automation_sensor.default_condition is None  # declared on the assets instead
    assert "slomix_live_automation" in {s.name for s in location.sensors or []}


def test_each_fed_asset_declares_the_live_condition_and_its_page_shows_it() -> None:
    """Every automated asset carries ``slomix_live_update`` on its own definition, no other
    asset has a condition, the snapshot the UI reads describes it (the condition itself is not
    serializable), and Dagster adds no default automation sensor (it would run in the daemon,
    which cannot evaluate the Python-defined part)."""
    repository = defs().get_repository_def()
    graph = repository.asset_graph
    conditioned = {
        key.to_user_string(): graph.get(key).automation_condition
        for key in graph.get_all_asset_keys()
        if graph.get(key).automation_condition is not None
    }
    assert set(conditioned) == set(AUTOMATED_ASSETS)
    assert {c.get_label() for c in conditioned.values()} == {LIVE_LABEL}
    assert "default_automation_condition_sensor" not in {s.name for s in repository.sensor_defs}
    snap = RepositorySnap.from_def(repository)
    shown = {
        node.asset_key.to_user_string(): node.automation_condition_snapshot
        for node in snap.asset_nodes
        if node.automation_condition_snapshot is not None
    }
    assert set(shown) == set(AUTOMATED_ASSETS)
    assert {s.node_snapshot.label for s in shown.values()} == {LIVE_LABEL}


def test_the_automation_target_renders_as_a_readable_selection() -> None:
    """The UI shows ``str(target & code_location)``: a Python repr before (``.without_checks()``
    has no selection string), asset keys now."""
    snap = RepositorySnap.from_def(defs().get_repository_def())
    (sensor,) = [s for s in snap.sensors if s.name == "slomix_live_automation"]
    shown = str(
        sensor.asset_selection
        & CodeLocationAssetSelection(selected_code_location="slomix_pipeline")
    )
    assert "Selection(" not in shown and "AssetKey(" not in shown
    assert shown.startswith('(key:"careers" or key:"endstats" or ')
    assert shown.endswith(' and code_location:"slomix_pipeline"')


def test_a_landing_run_does_the_whole_chain_and_leaves_the_automation_nothing(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Land a night -> ONE landing run (every asset of the day, gates included) -> the
    automation asks for nothing more; a later re-run of raw_stats_files alone (from the UI) is
    still carried down the graph by the automation."""
    zone = tmp_path / "zone"
    report = generate_landing_zone(zone, seed=7, nights=1)
    acknowledgements = tmp_path / "acknowledgements.yaml"
    acknowledgements.write_bytes(
        render_acknowledgements(known_losses(report.corpus, load_settings().server_tz))
    )
    monkeypatch.setenv("SLOMIX_GATE_ACKNOWLEDGEMENTS", str(acknowledgements))
    location = defs()
    sensor = location.resolve_sensor_def(LANDING_SENSOR_NAME)
    context = dg.build_sensor_context(
        instance=instance,
        definitions=location,
        resources={"landing": LandingZoneResource(data_dir=str(zone))},
    )
    (request,) = sensor.evaluate_tick(context).run_requests
    automation = dg.build_sensor_context(instance=instance, definitions=location)
    idle = live_automation_sensor.evaluate_tick(automation)
    assert idle.run_requests == []  # nothing updated yet

    resources = {
        "landing": LandingZoneResource(data_dir=str(zone)),
        "warehouse": WarehouseResource(database_url=f"sqlite:///{tmp_path / 'w.sqlite'}"),
        "gates": gates_resource(),
    }
    job = location.get_repository_def().get_job(sensor.job_name)

    def launch(assets: list[dg.AssetKey], tags: dict[str, str]) -> dg.ExecuteInProcessResult:
        """The run the daemon launches for a request: the job narrowed to its assets."""
        subset = job.get_subset(asset_selection=set(assets))
        return subset.execute_in_process(
            partition_key=request.partition_key,
            instance=instance,
            resources=resources,
            tags=tags,
        )

    result = launch(list(request.asset_selection or []), dict(request.tags))
    assert result.success
    gates = {
        (e.asset_key.to_user_string(), e.check_name): e.passed
        for e in result.get_asset_check_evaluations()
    }
    blocking = {
        ("raw_stats_files", "ws0_round_contract"),
        ("proximity_engagements", "ws1c_unique_keys"),
        ("linked_rounds", "ws1_lua_links"),
        ("session_aggregates", "ws7_kill_assists"),
    }
    assert blocking <= set(gates)  # the gates ran in the landing run
    assert all(gates[gate] for gate in blocking), gates
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == set(ASSET_ORDER)

    automation = dg.build_sensor_context(
        instance=instance, definitions=location, cursor=idle.cursor
    )
    after_landing = live_automation_sensor.evaluate_tick(automation)
    assert after_landing.run_requests == []  # no second run for what the landing run did

    # raw_stats_files alone, as from the UI: the automation carries it down for that day.
    assert launch([dg.AssetKey("raw_stats_files")], {}).success
    automation = dg.build_sensor_context(
        instance=instance, definitions=location, cursor=after_landing.cursor
    )
    safety_net = live_automation_sensor.evaluate_tick(automation)
    requested = {
        (key.to_user_string(), run.partition_key)
        for run in safety_net.run_requests
        for key in run.asset_selection or []
    }
    assert requested == {(name, request.partition_key) for name in STATS_CHAIN[1:]}
