"""Runtime settings, read from environment variables with documented defaults.

The core settings, resolved from the typed model in ``settings_model.py`` (the only reader
of the environment), so that the rest of the code receives plain values
and never reads the environment itself. The table in ``docs/operations.md`` lists the same
variables; keep both in step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from slomix_pipeline.settings_model import SettingsError, SlomixFields, read_env, variable

__all__ = ["DEFAULTS", "Settings", "SettingsError", "default_sqlite_url", "load_settings"]

CORE_FIELDS = (
    "data_dir",
    "database_url",
    "server_tz",
    "day_start_hour",
    "partition_start",
    "round_match_window_minutes",
    "session_gap_minutes",
    "gate_acknowledgements",
    "player_merges",
    "seasons",
    "leaderboard_min_rounds",
    "export_dir",
)
DEFAULTS: dict[str, str] = {
    variable(name): str(SlomixFields.model_fields[name].default) for name in CORE_FIELDS
}
"""The core variables and their defaults (the typed model in ``settings_model.py`` owns them)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The resolved configuration of one process."""

    data_dir: Path
    database_url: str
    server_tz_name: str
    day_start_hour: int
    partition_start: date | None
    """None: start where the data starts (``defs/partitions.py`` reads the landing zone)."""
    round_match_window_minutes: int
    session_gap_minutes: int
    acknowledgements_path: Path
    player_merges_path: Path = Path("player_merges.yaml")
    seasons_path: Path = Path("seasons.yaml")
    leaderboard_min_rounds: int = 10
    export_dir: Path = Path("exports")

    @property
    def server_tz(self) -> ZoneInfo:
        return ZoneInfo(self.server_tz_name)


def default_sqlite_url(data_dir: Path) -> str:
    """The embedded warehouse: one SQLite file next to the landing zone, no server needed."""
    return f"sqlite:///{(data_dir / 'warehouse.sqlite').resolve()}"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from ``env`` (default: ``os.environ``), validating every value."""
    raw = read_env(env)
    data_dir = Path(raw.data_dir).resolve()
    try:
        ZoneInfo(raw.server_tz)
    except Exception as exc:
        raise SettingsError(
            f"SLOMIX_SERVER_TZ={raw.server_tz!r} is not a known IANA time zone"
        ) from exc
    try:
        partition_start = date.fromisoformat(raw.partition_start) if raw.partition_start else None
    except ValueError as exc:
        raise SettingsError(
            f"SLOMIX_PARTITION_START={raw.partition_start!r} is not YYYY-MM-DD"
        ) from exc
    window, gap = raw.round_match_window_minutes, raw.session_gap_minutes
    if window >= gap:
        raise SettingsError(
            "SLOMIX_ROUND_MATCH_WINDOW_MINUTES must stay below SLOMIX_SESSION_GAP_MINUTES "
            f"({window} >= {gap}): an R1/R2 pair must never straddle two gaming sessions"
        )
    return Settings(
        data_dir=data_dir,
        database_url=raw.database_url or default_sqlite_url(data_dir),
        server_tz_name=raw.server_tz,
        day_start_hour=raw.day_start_hour,
        partition_start=partition_start,
        round_match_window_minutes=window,
        session_gap_minutes=gap,
        acknowledgements_path=Path(
            raw.gate_acknowledgements or data_dir / "gate_acknowledgements.yaml"
        ).resolve(),
        player_merges_path=Path(raw.player_merges or data_dir / "player_merges.yaml").resolve(),
        seasons_path=Path(raw.seasons or data_dir / "seasons.yaml").resolve(),
        leaderboard_min_rounds=raw.leaderboard_min_rounds,
        export_dir=Path(raw.export_dir or data_dir / "exports").resolve(),
    )


def mask_url(url: str) -> str:
    """A database URL safe to print or log: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # not a URL SQLAlchemy parses: mask by pattern
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)
