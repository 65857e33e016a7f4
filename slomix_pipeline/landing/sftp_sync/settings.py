"""The remote streams and the validated ``SLOMIX_SFTP_*`` settings (read via the settings model)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slomix_pipeline.landing.sftp_sync.errors import SftpConfigError
from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, PROXIMITY_FOLDER, STATS_FOLDER
from slomix_pipeline.settings_model import SettingsError, read_env, variable

STREAM_STATS = "stats"
STREAM_GAMETIMES = "gametimes"
STREAM_PROXIMITY = "proximity"
STREAM_FOLDERS: dict[str, str] = {
    STREAM_STATS: STATS_FOLDER,
    STREAM_GAMETIMES: GAMETIMES_FOLDER,
    STREAM_PROXIMITY: PROXIMITY_FOLDER,
}
"""Each remote stream and the landing folder it mirrors into."""


@dataclass(frozen=True, slots=True)
class SftpSettings:
    """Where and how to fetch; ``remote_dirs`` maps a stream to its remote folder."""

    host: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path
    remote_dirs: Mapping[str, str]
    settle_seconds: float = 10.0
    timeout_seconds: float = 15.0
    attempts: int = 3
    backoff_seconds: float = 1.0
    retry_after_seconds: float = 60.0
    max_files_per_run: int = 500

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SftpSettings | None:
        """Read ``SLOMIX_SFTP_*``; None when ``SLOMIX_SFTP_HOST`` is unset (sync disabled)."""
        try:
            raw = read_env(env)
        except SettingsError as exc:
            raise SftpConfigError(str(exc)) from None
        host = raw.sftp_host.strip()
        if not host:
            return None

        def required(field: str) -> str:
            value = str(getattr(raw, field)).strip()
            if not value:
                raise SftpConfigError(f"SLOMIX_SFTP_HOST is set but {variable(field)} is empty")
            return value

        remote_dirs = {
            stream: getattr(raw, f"sftp_remote_{stream}_dir").strip()
            for stream in STREAM_FOLDERS
            if getattr(raw, f"sftp_remote_{stream}_dir", "").strip()
        }
        if not remote_dirs:
            raise SftpConfigError(
                "SLOMIX_SFTP_HOST is set but none of SLOMIX_SFTP_REMOTE_STATS_DIR, "
                "SLOMIX_SFTP_REMOTE_GAMETIMES_DIR, SLOMIX_SFTP_REMOTE_PROXIMITY_DIR is"
            )
        known_hosts = Path(required("sftp_known_hosts")).expanduser()
        if not known_hosts.is_file():
            raise SftpConfigError(f"SLOMIX_SFTP_KNOWN_HOSTS={known_hosts} is not a file")
        return cls(
            host=host,
            port=int(raw.sftp_port),
            user=required("sftp_user"),
            key_file=Path(required("sftp_key_file")).expanduser(),
            known_hosts=known_hosts,
            remote_dirs=remote_dirs,
            settle_seconds=raw.sftp_settle_seconds,
            timeout_seconds=raw.sftp_timeout_seconds,
            attempts=int(raw.sftp_attempts),
            backoff_seconds=raw.sftp_backoff_seconds,
            retry_after_seconds=raw.sftp_retry_after_seconds,
            max_files_per_run=int(raw.sftp_max_files_per_run),
        )
