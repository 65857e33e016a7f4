"""The typed settings model: defaults, validation naming the variable, resources showing values."""

from __future__ import annotations

from pathlib import Path

import pytest

from slomix_pipeline.config import SettingsError, load_settings
from slomix_pipeline.defs.resources import build_resources, masked_url
from slomix_pipeline.settings_model import read_env


def test_defaults_are_the_documented_ones() -> None:
    env = read_env({})
    assert env.sensor_interval_seconds == 5
    assert env.lua_grace_minutes == 15
    assert env.sftp_port == 22
    assert env.sensors_default_running is False
    assert read_env({"SLOMIX_DAY_START_HOUR": ""}).day_start_hour == 6  # empty means default


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SLOMIX_DAY_START_HOUR", "24"),
        ("SLOMIX_SENSOR_INTERVAL_SECONDS", "soon"),
        ("SLOMIX_DISCORD_PUBLISH_HISTORY", "maybe"),
        ("SLOMIX_ALERT_MAX_PER_DAY", "0"),
    ],
)
def test_a_bad_value_names_its_variable(key: str, value: str) -> None:
    with pytest.raises(SettingsError, match=key):
        read_env({key: value})


def test_a_bad_secret_is_never_echoed() -> None:
    with pytest.raises(SettingsError) as err:
        read_env({"SLOMIX_ALERT_MAX_PER_DAY": "x", "SLOMIX_WEBHOOK_TOKENS": "a:b"})
    assert "a:b" not in str(err.value)


def test_process_environment_is_read_when_no_mapping_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLOMIX_LUA_GRACE_MINUTES", "7")
    assert read_env().lua_grace_minutes == 7
    assert read_env({}).lua_grace_minutes == 15  # a mapping is never mixed with the process


def test_resources_show_the_values_in_use_with_the_password_masked(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    real = "postgresql+psycopg2://slomix:s3cret@db.example:5432/warehouse"
    monkeypatch.setenv("SLOMIX_DATABASE_URL", real)
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SLOMIX_SFTP_HOST", "game.example")
    resources = build_resources()
    warehouse = resources["warehouse"]
    assert warehouse.database_url == "postgresql+psycopg2://slomix:***@db.example:5432/warehouse"
    assert "s3cret" not in repr(warehouse)
    assert warehouse.url() == real  # connects with the real URL
    assert resources["landing"].data_dir == str(tmp_path.resolve())
    assert resources["gates"].acknowledgements_path == str(load_settings().acknowledgements_path)
    assert resources["sftp"].host == "game.example"
    assert masked_url("sqlite:////x/warehouse.sqlite") == "sqlite:////x/warehouse.sqlite"


def test_a_masked_url_that_no_longer_matches_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLOMIX_DATABASE_URL", "postgresql://a:one@h/db")
    warehouse = build_resources()["warehouse"]
    monkeypatch.setenv("SLOMIX_DATABASE_URL", "postgresql://a:two@other/db")
    with pytest.raises(ValueError, match="reload the code location"):
        warehouse.url()


def test_a_demo_checkout_does_not_leak_into_the_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scripts/demo`` then ``scripts/test``: the demo leaves ``./data`` with an acknowledgements
    file (which flipped a WS1 test before, issue 16); the suite's settings never point there."""
    from slomix_pipeline.defs.resources import gates_resource
    from slomix_pipeline.formats.acknowledgements import Acknowledgement, render_acknowledgements

    checkout = tmp_path / "checkout"
    (checkout / "data").mkdir(parents=True)
    leak = Acknowledgement("ws1_lua_links", "round 1", "no_lua_round", "from the demo")
    (checkout / "data" / "gate_acknowledgements.yaml").write_bytes(render_acknowledgements([leak]))
    monkeypatch.chdir(checkout)
    data_dir = load_settings().data_dir.resolve()
    assert data_dir != (checkout / "data").resolve()
    assert gates_resource().acknowledgement_notes("ws1_lua_links") == {}
    # the same file, where the settings do point, is read: the assertion above can fail
    monkeypatch.setenv("SLOMIX_DATA_DIR", str(checkout / "data"))
    assert gates_resource().acknowledgement_notes("ws1_lua_links") == {
        ("round 1", "no_lua_round"): "from the demo"
    }
