"""Runtime settings, read from environment variables with documented defaults.

Every knob an operator may turn lives here so that the rest of the code receives plain values
and never reads the environment itself. The table in ``docs/operations.md`` lists the same
variables; keep both in step.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULTS: dict[str, str] = {
    "SLOMIX_DATA_DIR": "./data",
    "SLOMIX_DATABASE_URL": "",  # empty: SQLite file ``warehouse.sqlite`` inside the data dir
    "SLOMIX_SERVER_TZ": "Europe/Paris",
    "SLOMIX_DAY_START_HOUR": "6",
    "SLOMIX_PARTITION_START": "",  # empty: the first gaming day the landing zone holds
    "SLOMIX_ROUND_MATCH_WINDOW_MINUTES": "45",
    "SLOMIX_SESSION_GAP_MINUTES": "60",
    "SLOMIX_GATE_ACKNOWLEDGEMENTS": "",  # empty: gate_acknowledgements.yaml in the data dir
    "SLOMIX_PLAYER_MERGES": "",  # empty: player_merges.yaml in the data dir
    "SLOMIX_SEASONS": "",  # empty: seasons.yaml in the data dir
    "SLOMIX_LEADERBOARD_MIN_ROUNDS": "10",
    "SLOMIX_EXPORT_DIR": "",  # empty: exports/ in the data dir
}


class SettingsError(ValueError):
    """A setting has a value the platform cannot work with; the message names the variable."""


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


def _int_setting(env: Mapping[str, str], key: str, low: int, high: int) -> int:
    raw = env.get(key) or DEFAULTS[key]
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{key}={raw!r} is not a whole number") from exc
    if not low <= value <= high:
        raise SettingsError(f"{key}={value} is outside {low}..{high}")
    return value


def default_sqlite_url(data_dir: Path) -> str:
    """The embedded warehouse: one SQLite file next to the landing zone, no server needed."""
    return f"sqlite:///{(data_dir / 'warehouse.sqlite').resolve()}"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Resolve settings from ``env`` (default: ``os.environ``), validating every value."""
    env = os.environ if env is None else env
    data_dir = Path(env.get("SLOMIX_DATA_DIR") or DEFAULTS["SLOMIX_DATA_DIR"]).resolve()
    tz_name = env.get("SLOMIX_SERVER_TZ") or DEFAULTS["SLOMIX_SERVER_TZ"]
    try:
        ZoneInfo(tz_name)
    except Exception as exc:
        raise SettingsError(f"SLOMIX_SERVER_TZ={tz_name!r} is not a known IANA time zone") from exc
    start_raw = env.get("SLOMIX_PARTITION_START") or DEFAULTS["SLOMIX_PARTITION_START"]
    try:
        partition_start = date.fromisoformat(start_raw) if start_raw else None
    except ValueError as exc:
        raise SettingsError(f"SLOMIX_PARTITION_START={start_raw!r} is not YYYY-MM-DD") from exc
    window = _int_setting(env, "SLOMIX_ROUND_MATCH_WINDOW_MINUTES", 1, 24 * 60)
    gap = _int_setting(env, "SLOMIX_SESSION_GAP_MINUTES", 1, 24 * 60)
    if window >= gap:
        raise SettingsError(
            "SLOMIX_ROUND_MATCH_WINDOW_MINUTES must stay below SLOMIX_SESSION_GAP_MINUTES "
            f"({window} >= {gap}): an R1/R2 pair must never straddle two gaming sessions"
        )
    return Settings(
        data_dir=data_dir,
        database_url=env.get("SLOMIX_DATABASE_URL") or default_sqlite_url(data_dir),
        server_tz_name=tz_name,
        day_start_hour=_int_setting(env, "SLOMIX_DAY_START_HOUR", 0, 23),
        partition_start=partition_start,
        round_match_window_minutes=window,
        session_gap_minutes=gap,
        acknowledgements_path=Path(
            env.get("SLOMIX_GATE_ACKNOWLEDGEMENTS") or data_dir / "gate_acknowledgements.yaml"
        ).resolve(),
        player_merges_path=Path(
            env.get("SLOMIX_PLAYER_MERGES") or data_dir / "player_merges.yaml"
        ).resolve(),
        seasons_path=Path(env.get("SLOMIX_SEASONS") or data_dir / "seasons.yaml").resolve(),
        leaderboard_min_rounds=_int_setting(env, "SLOMIX_LEADERBOARD_MIN_ROUNDS", 0, 1_000_000),
        export_dir=Path(env.get("SLOMIX_EXPORT_DIR") or data_dir / "exports").resolve(),
    )


def mask_url(url: str) -> str:
    """A database URL safe to print or log: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)
