"""The one typed model of every ``SLOMIX_*`` environment variable, and the only reader of them.

Why pydantic-settings rather than Dagster ``EnvVar`` fields on resources: the same knobs are
needed outside Dagster (the CLI, the webhook receiver, the sample-data generator, the SFTP
tool), most have defaults (an unset ``EnvVar`` is an error in Dagster), several are needed at
definition time (sensor intervals, the partition start), and an ``EnvVar`` shows only the
variable's *name* in the UI. Here each variable is a typed, bounded field with its documented
default; the Dagster resources (``defs/resources.py``) are built from the resolved values, so the
UI's resource pages show what the process actually uses (secrets masked).

Every other module asks :func:`read_env` (or :func:`slomix_pipeline.config.load_settings`, built
on it) instead of reading ``os.environ``; an invalid value raises
:class:`~slomix_pipeline.config.SettingsError` naming the variable, never echoing a secret.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "SLOMIX_"
SECRET_FIELDS = frozenset(
    {"discord_webhook_urls", "alert_discord_webhook_urls", "alert_webhook_urls", "webhook_tokens"}
)


class SettingsError(ValueError):
    """A setting has a value the platform cannot work with; the message names the variable."""


class SlomixFields(BaseModel):
    """Every ``SLOMIX_*`` variable (field name = variable name without the prefix, lower case),
    typed and bounded, with its documented default."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # core (config.py)
    data_dir: str = "./data"
    database_url: str = ""  # empty: SQLite file warehouse.sqlite inside the data dir
    server_tz: str = "Europe/Paris"
    day_start_hour: int = Field(6, ge=0, le=23)
    partition_start: str = ""  # empty: the first gaming day the landing zone holds
    round_match_window_minutes: int = Field(45, ge=1, le=24 * 60)
    session_gap_minutes: int = Field(60, ge=1, le=24 * 60)
    gate_acknowledgements: str = ""  # empty: gate_acknowledgements.yaml in the data dir
    # community datasets (docs/datasets.md)
    player_merges: str = ""  # empty: player_merges.yaml in the data dir
    seasons: str = ""  # empty: seasons.yaml in the data dir
    leaderboard_min_rounds: int = Field(10, ge=0, le=1_000_000)
    export_dir: str = ""  # empty: exports/ in the data dir
    # sensors and automation (defs/sensors/, defs/automation.py)
    sensor_interval_seconds: int = Field(5, ge=1, le=3600)
    sensor_max_runs_per_tick: int = Field(25, ge=1, le=1000)
    sensors_default_running: bool = False
    automation_interval_seconds: int = Field(5, ge=1, le=3600)
    daemon_sensor_loop_seconds: float = Field(0.5, ge=0.1, le=5)  # slomix_pipeline/daemon.py
    # gates (defs/checks/)
    lua_grace_minutes: int = Field(15, ge=0, le=24 * 60)
    freshness_active_hours: str = "19:00-01:00"
    freshness_window_minutes: int = Field(60, ge=1, le=24 * 60)
    freshness_cron: str = "*/15 * * * *"
    # SFTP (landing/sftp_sync.py, defs/sftp.py)
    sftp_interval_seconds: int = Field(10, ge=1, le=3600)
    sftp_host: str = ""
    sftp_user: str = ""
    sftp_key_file: str = ""
    sftp_known_hosts: str = ""
    sftp_remote_stats_dir: str = ""
    sftp_remote_gametimes_dir: str = ""
    sftp_remote_proximity_dir: str = ""
    sftp_port: float = Field(22, ge=1, le=65535)
    sftp_settle_seconds: float = Field(10, ge=0, le=86_400)
    sftp_timeout_seconds: float = Field(15, ge=1, le=600)
    sftp_attempts: float = Field(3, ge=1, le=20)
    sftp_backoff_seconds: float = Field(1, ge=0, le=600)
    sftp_retry_after_seconds: float = Field(60, ge=0, le=86_400)
    sftp_max_files_per_run: float = Field(500, ge=1, le=100_000)
    # webhook receiver (landing/receiver.py)
    webhook_tokens: str = ""
    webhook_header_timeout_seconds: float = Field(10.0, gt=0, le=600)
    webhook_read_timeout_seconds: float = Field(10.0, gt=0, le=600)
    webhook_max_connections: int = Field(64, ge=1, le=100_000)
    # recovery after a killed run (defs/recovery.py); off where run workers run on other hosts
    reap_abandoned_runs: bool = True
    # Discord publishing (publish/settings.py)
    discord_webhook_urls: str = ""
    discord_posts: str = "round,map,session"
    discord_live_hours: int = Field(12, ge=0, le=24 * 7)
    discord_publish_history: bool = False
    discord_timeout_seconds: int = Field(10, ge=1, le=120)
    discord_max_attempts: int = Field(5, ge=1, le=20)
    discord_max_wait_seconds: int = Field(60, ge=0, le=3600)
    discord_retry_minutes: int = Field(5, ge=1, le=24 * 60)
    discord_sensor_interval_seconds: int = Field(15, ge=1, le=3600)
    # alerting (alerting/)
    alert_discord_webhook_urls: str = ""
    alert_webhook_urls: str = ""
    alert_max_per_day: int = Field(20, ge=1, le=10_000)
    alert_timeout_seconds: int = Field(10, ge=1, le=120)


class SlomixEnv(BaseSettings, SlomixFields):
    """The fields read from the process environment by pydantic-settings.

    Empty values count as unset (``env_ignore_empty``), so ``SLOMIX_X=`` means "the default".
    """

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_ignore_empty=True, extra="ignore", frozen=True
    )


def variable(field: str) -> str:
    """The environment variable of a field: ``sftp_port`` -> ``SLOMIX_SFTP_PORT``."""
    return PREFIX + field.upper()


def read_env(env: Mapping[str, str] | None = None) -> SlomixFields:
    """Validate ``env`` (default ``os.environ``) into the typed model.

    A mapping is validated as given (tests and tools pass their own); the process environment
    is never mixed in then, so a caller's shell cannot leak into a test.
    """
    if env is None:  # the process environment, read by pydantic-settings itself
        try:
            return SlomixEnv()
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None
    values = {
        key[len(PREFIX) :].lower(): value
        for key, value in env.items()
        if key.startswith(PREFIX) and value != ""
    }
    try:
        return SlomixFields.model_validate({k: v for k, v in values.items() if k in _FIELDS})
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


_FIELDS = frozenset(SlomixFields.model_fields)


def _describe(exc: ValidationError) -> str:
    """One line per bad variable, with the value unless the field is a secret."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        shown = "<hidden>" if field in SECRET_FIELDS else repr(error.get("input"))
        lines.append(f"{variable(field)}={shown}: {error['msg']}")
    return "; ".join(lines)
