"""``sftp_remote_sensor`` and ``sftp_sync_job`` against a REAL OpenSSH server.

The sensor is called directly with ``build_sensor_context``; the run it requests is executed in
process with the sensor's run config and run-key tags, exactly what the daemon would launch.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from slomix_pipeline.defs.resources import LandingZoneResource, sftp_resource
from slomix_pipeline.defs.sensors.folders import SPECS
from slomix_pipeline.defs.sensors.landing_sensor import build_landing_sensor
from slomix_pipeline.defs.sftp import sftp_remote_sensor, sftp_sync_job
from slomix_pipeline.landing.sftp_sync import HostKeyError, SftpCursor
from slomix_pipeline.landing.zone import STATS_FOLDER
from slomix_pipeline_tests.landing.sshd import SshdServer, free_port, keygen, running_sshd

OLD = "2026-02-10-213012-supply-round-1.txt"
FRESH = "2026-02-10-214530-supply-round-2.txt"


@pytest.fixture(scope="module")
def sshd(tmp_path_factory) -> Iterator[SshdServer]:
    with running_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


@pytest.fixture
def sftp_env(sshd: SshdServer, monkeypatch: pytest.MonkeyPatch) -> SshdServer:
    for stream in ("stats", "gametimes", "proximity"):
        for path in sshd.remote_dir(stream).iterdir():
            path.unlink()
    for key, value in sshd.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("SLOMIX_SFTP_SETTLE_SECONDS", "600")
    return sshd


def tick(zone: Path, cursor: str | None, instance) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={"landing": LandingZoneResource(data_dir=str(zone)), "sftp": sftp_resource()},
    )
    return sftp_remote_sensor(context)


def launch(request: dg.RunRequest, zone: Path, instance) -> dg.ExecuteInProcessResult:
    """What the daemon does with a request: one run, tagged with the sensor's run key."""
    return sftp_sync_job.execute_in_process(
        run_config=request.run_config,
        instance=instance,
        resources={"landing": LandingZoneResource(data_dir=str(zone)), "sftp": sftp_resource()},
        tags={
            "dagster/run_key": request.run_key or "",
            "dagster/sensor_name": "sftp_remote_sensor",
        },
        raise_on_error=False,
    )


def test_sensor_skips_when_sftp_is_not_configured(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLOMIX_SFTP_HOST", raising=False)
    result = tick(tmp_path, None, instance)
    assert isinstance(result, dg.SkipReason)
    assert "SLOMIX_SFTP_HOST" in (result.skip_message or "")


def test_sensor_skips_when_the_server_is_unreachable(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    known = tmp_path / "known_hosts"
    known.write_text("")
    for key, value in {
        "SLOMIX_SFTP_HOST": "127.0.0.1",
        "SLOMIX_SFTP_PORT": str(free_port()),
        "SLOMIX_SFTP_USER": "nobody",
        "SLOMIX_SFTP_KEY_FILE": str(tmp_path / "id"),
        "SLOMIX_SFTP_KNOWN_HOSTS": str(known),
        "SLOMIX_SFTP_REMOTE_STATS_DIR": "/srv/stats",
        "SLOMIX_SFTP_TIMEOUT_SECONDS": "2",
    }.items():
        monkeypatch.setenv(key, value)
    result = tick(tmp_path, None, instance)
    assert isinstance(result, dg.SensorResult) and not result.run_requests
    assert "unreachable" in (result.skip_reason.skip_message or "")


@pytest.mark.integration
def test_sensor_requests_settled_files_and_the_run_lands_them(
    sftp_env: SshdServer, tmp_path: Path, instance
) -> None:
    server = sftp_env
    zone = tmp_path / "zone"
    old = server.remote_dir("stats") / OLD
    old.write_bytes(b"round one\n")
    os.utime(old, (time.time() - 3600, time.time() - 3600))  # finished long ago
    (server.remote_dir("stats") / FRESH).write_bytes(b"round two\n")  # just written

    first = tick(zone, None, instance)
    assert isinstance(first, dg.SensorResult)
    (request,) = first.run_requests
    files = request.run_config["ops"]["sftp_sync"]["config"]["files"]
    assert [f["name"] for f in files] == [OLD]  # the fresh file waits for a second listing
    assert launch(request, zone, instance).success
    assert (zone / STATS_FOLDER / OLD).read_bytes() == b"round one\n"

    # Second tick: the run finished; the fresh file is unchanged since the last listing.
    second = tick(zone, first.cursor, instance)
    (request2,) = second.run_requests
    assert [f["name"] for f in request2.run_config["ops"]["sftp_sync"]["config"]["files"]] == [
        FRESH
    ]
    assert request2.run_key != request.run_key
    result = launch(request2, zone, instance)
    assert result.success
    (output_event,) = [
        e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"
    ]  # the op reports what it did
    assert output_event.event_specific_data.metadata["landed"].value == 1

    third = tick(zone, second.cursor, instance)
    assert not third.run_requests
    assert "nothing to fetch" in (third.skip_reason.skip_message or "")

    # The landed files are picked up by the landing-zone sensor like any other file.
    stats_spec = next(s for s in SPECS if s.folder == STATS_FOLDER)
    landing = build_landing_sensor(stats_spec)(
        dg.build_sensor_context(
            instance=instance,
            resources={"landing": LandingZoneResource(data_dir=str(zone)), "sftp": sftp_resource()},
        )
    )
    assert [(r.partition_key, r.tags["slomix/landed_files"]) for r in landing.run_requests] == [
        ("2026-02-10", "2")
    ]


@pytest.mark.integration
def test_no_second_run_while_one_is_in_flight_and_back_off_after_failure(
    sftp_env: SshdServer, tmp_path: Path, instance
) -> None:
    server = sftp_env
    zone = tmp_path / "zone"
    path = server.remote_dir("stats") / OLD
    path.write_bytes(b"round one\n")
    os.utime(path, (time.time() - 3600, time.time() - 3600))
    first = tick(zone, None, instance)
    (request,) = first.run_requests
    instance.create_run_for_job(
        job_def=sftp_sync_job,
        run_config=request.run_config,
        status=dg.DagsterRunStatus.STARTED,
        tags={"dagster/run_key": request.run_key, "dagster/sensor_name": "sftp_remote_sensor"},
    )
    busy = tick(zone, first.cursor, instance)
    assert not busy.run_requests and "in progress" in busy.skip_reason.skip_message

    # The run then fails (the server went away); the sensor backs off instead of retrying
    # on every tick.
    for run in instance.get_runs():
        instance.report_run_failed(run)
    backing = tick(zone, busy.cursor, instance)
    assert not backing.run_requests and "backing off" in backing.skip_reason.skip_message
    cursor = SftpCursor.from_json(backing.cursor)
    assert cursor.failed_runs == 1 and cursor.not_before > time.time()
    # After the back-off the same file is requested again, under a new run key.
    expired = SftpCursor(cursor.previous, cursor.seq, None, cursor.failed_runs, 0.0)
    retry = tick(zone, expired.to_json(), instance)
    (again,) = retry.run_requests
    assert again.run_key != request.run_key


@pytest.mark.integration
def test_sensor_refuses_a_changed_host_key(
    sftp_env: SshdServer, tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = tmp_path / "known_hosts"
    wrong.write_text(f"[127.0.0.1]:{sftp_env.port} {keygen(tmp_path / 'impostor')}\n")
    monkeypatch.setenv("SLOMIX_SFTP_KNOWN_HOSTS", str(wrong))
    with pytest.raises(HostKeyError, match="does NOT match"):
        tick(tmp_path / "zone", None, instance)
