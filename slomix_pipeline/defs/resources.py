"""Resources, built from the typed settings (``settings_model.py``) so the UI shows real values.

Each resource's fields hold the values this process resolved (the warehouse URL with its
password masked), so the operator sees on the Resources page which database, landing zone,
acknowledgements file and SFTP server are in use. Tests pass explicit values instead.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
from sqlalchemy import Engine

from slomix_pipeline.config import load_settings
from slomix_pipeline.config import mask_url as masked_url  # the one URL masker
from slomix_pipeline.formats.acknowledgements import parse_acknowledgements
from slomix_pipeline.landing.sftp_sync import SftpSettings
from slomix_pipeline.settings_model import read_env, variable
from slomix_pipeline.warehouse.engine import open_warehouse

MASK = "***"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse database (``SLOMIX_DATABASE_URL``, default SQLite in the data dir).

    A password is shown masked; the connection takes the real URL from the settings when the
    shown URL is the masked form of it. Empty means "resolve from the settings now".
    """

    database_url: str = ""

    def url(self) -> str:
        if self.database_url and MASK not in self.database_url:
            return self.database_url
        real = load_settings().database_url
        if self.database_url and masked_url(real) != self.database_url:
            raise ValueError(
                f"warehouse {self.database_url} is masked but SLOMIX_DATABASE_URL is now "
                f"{masked_url(real)}: reload the code location"
            )
        return real

    def get_engine(self) -> Engine:
        """The process-wide engine, migrated to the latest schema on first use."""
        return open_warehouse(self.url())


class LandingZoneResource(dg.ConfigurableResource):
    """The landing zone folder (``SLOMIX_DATA_DIR``, default ./data)."""

    data_dir: str = ""

    def path(self) -> Path:
        return Path(self.data_dir).resolve() if self.data_dir else load_settings().data_dir


class GatesResource(dg.ConfigurableResource):
    """What the gates need beyond the warehouse: the operator's acknowledgements and the clock.

    ``acknowledgements_path`` is ``SLOMIX_GATE_ACKNOWLEDGEMENTS`` (default
    ``gate_acknowledgements.yaml`` in the data dir); a missing file means none.
    """

    acknowledgements_path: str
    server_tz: str = "Europe/Paris"
    day_start_hour: int = 6
    lua_grace_minutes: int = 15

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.server_tz)

    def acknowledgement_notes(self, check_name: str) -> dict[tuple[str, str], str]:
        """(subject, reason) -> note for one check; a malformed file fails with its message."""
        path = Path(self.acknowledgements_path)
        if not path.is_file():
            return {}
        entries = parse_acknowledgements(path.read_bytes(), str(path))
        return {(e.subject, e.reason): e.note for e in entries if e.check == check_name}


SFTP_ACCOUNT_FIELDS = (
    "host",
    "port",
    "user",
    "key_file",
    "known_hosts",
    "remote_stats_dir",
    "remote_gametimes_dir",
    "remote_proximity_dir",
)
"""The fields of :class:`SftpResource`: each is the setting ``sftp_<field>``, the environment
variable ``SLOMIX_SFTP_<FIELD>``."""


class SftpResource(dg.ConfigurableResource):
    """The game server's SFTP account (``SLOMIX_SFTP_*``); an empty host means sync is off.

    The key file and known_hosts are paths, never key material, so they are safe to show.
    """

    host: str = ""
    port: int = 22
    user: str = ""
    key_file: str = ""
    known_hosts: str = ""
    remote_stats_dir: str = ""
    remote_gametimes_dir: str = ""
    remote_proximity_dir: str = ""

    def settings(self) -> SftpSettings | None:
        """The validated SFTP settings (timeouts, retries from the environment) or None."""
        shown = {variable(f"sftp_{f}"): str(getattr(self, f)) for f in SFTP_ACCOUNT_FIELDS}
        return SftpSettings.from_env({k: v for k, v in {**shown, **_sftp_tuning()}.items() if v})


def _sftp_tuning() -> dict[str, str]:
    """Timeouts and retry knobs, from the typed settings (not shown: they have defaults)."""
    raw = read_env()
    fields = ("settle_seconds", "timeout_seconds", "attempts", "backoff_seconds")
    fields += ("retry_after_seconds", "max_files_per_run")
    return {variable(f"sftp_{f}"): str(getattr(raw, f"sftp_{f}")) for f in fields}


def build_resources() -> dict[str, dg.ConfigurableResource]:
    """The location's resources with the values this process resolved."""
    settings = load_settings()
    raw = read_env()
    sftp_account = {f: getattr(raw, f"sftp_{f}") for f in SFTP_ACCOUNT_FIELDS}
    return {
        "warehouse": WarehouseResource(database_url=masked_url(settings.database_url)),
        "landing": LandingZoneResource(data_dir=str(settings.data_dir)),
        "gates": GatesResource(
            acknowledgements_path=str(settings.acknowledgements_path),
            server_tz=settings.server_tz_name,
            day_start_hour=settings.day_start_hour,
            lua_grace_minutes=raw.lua_grace_minutes,
        ),
        "sftp": SftpResource(**{**sftp_account, "port": int(raw.sftp_port)}),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())


def gates_resource() -> GatesResource:
    """The gates resource as the location would build it now (tests bind it explicitly)."""
    resource = build_resources()["gates"]
    assert isinstance(resource, GatesResource)
    return resource


def sftp_resource() -> SftpResource:
    """The SFTP resource as the location would build it now (tests bind it explicitly)."""
    resource = build_resources()["sftp"]
    assert isinstance(resource, SftpResource)
    return resource
