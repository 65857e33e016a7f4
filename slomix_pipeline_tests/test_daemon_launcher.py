"""The live daemon entry point: it shortens Dagster's sensor loop, or refuses to start."""

from __future__ import annotations

import pytest
from dagster._daemon import sensor as sensor_daemon

from slomix_pipeline import daemon
from slomix_pipeline.config import SettingsError
from slomix_pipeline.settings_model import read_env


def test_the_installed_dagster_still_has_the_loop_constant_at_5_s() -> None:
    # If an upgrade renames or changes it, the launcher's premise must be re-checked.
    assert sensor_daemon.MIN_INTERVAL_LOOP_TIME == 5


def test_apply_sensor_loop_sets_the_constant_the_loop_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sensor_daemon, "MIN_INTERVAL_LOOP_TIME", 5)
    assert daemon.apply_sensor_loop(0.5) == 5.0
    assert sensor_daemon.MIN_INTERVAL_LOOP_TIME == 0.5


def test_a_dagster_without_the_constant_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sensor_daemon, "MIN_INTERVAL_LOOP_TIME")
    with pytest.raises(RuntimeError, match="MIN_INTERVAL_LOOP_TIME is gone"):
        daemon.apply_sensor_loop(0.5)


def test_the_loop_setting_is_bounded_and_defaults_to_half_a_second() -> None:
    assert read_env({}).daemon_sensor_loop_seconds == 0.5
    assert read_env({"SLOMIX_DAEMON_SENSOR_LOOP_SECONDS": "2"}).daemon_sensor_loop_seconds == 2
    with pytest.raises(SettingsError, match="SLOMIX_DAEMON_SENSOR_LOOP_SECONDS"):
        read_env({"SLOMIX_DAEMON_SENSOR_LOOP_SECONDS": "0"})


def test_main_applies_the_setting_before_handing_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sensor_daemon, "MIN_INTERVAL_LOOP_TIME", 5)
    # ``--help`` makes Dagster's click CLI print its usage and exit 0 without starting anything.
    with pytest.raises(SystemExit) as done:
        daemon.main(["--help"], env={"SLOMIX_DAEMON_SENSOR_LOOP_SECONDS": "0.25"})
    assert done.value.code == 0
    assert sensor_daemon.MIN_INTERVAL_LOOP_TIME == 0.25


def test_the_daemon_batches_planned_events_like_the_code_location() -> None:
    from slomix_pipeline.definitions import EVENT_BATCH_SIZE

    assert daemon.EVENT_BATCH_SIZE == EVENT_BATCH_SIZE
