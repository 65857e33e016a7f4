"""What to fetch: wanted names per stream, the remote listing, and which files are settled.

A file is ready when two consecutive listings agree on its size and mtime, or its mtime is
older than the settle time; files already landed are dropped, recent failures wait.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping, Sequence

import paramiko

from slomix_pipeline.formats.gametime import GAMETIME_NAME_RE
from slomix_pipeline.formats.proximity import parse_proximity_filename
from slomix_pipeline.formats.stats_file import StatsFileKind, classify_stats_filename
from slomix_pipeline.landing.sftp_sync.records import LedgerEntry, RemoteFile, RemoteListing
from slomix_pipeline.landing.sftp_sync.settings import (
    STREAM_GAMETIMES,
    STREAM_PROXIMITY,
    STREAM_STATS,
    SftpSettings,
)


def is_wanted(stream: str, name: str) -> bool:
    """Whether a remote file name belongs to the stream (see the module docstring)."""
    if not name or name.startswith(".") or "/" in name:
        return False
    if stream == STREAM_STATS:
        parsed = classify_stats_filename(name)
        return parsed is not None and parsed.kind in (StatsFileKind.STATS, StatsFileKind.ENDSTATS)
    if stream == STREAM_GAMETIMES:
        return GAMETIME_NAME_RE.match(name) is not None
    if stream == STREAM_PROXIMITY:
        return parse_proximity_filename(name) is not None
    raise ValueError(f"unknown SFTP stream {stream!r}")


def select_ready(
    listing: Sequence[RemoteFile],
    previous: Mapping[str, tuple[int, int]],
    ledger: Mapping[str, LedgerEntry],
    *,
    now: float,
    settle_seconds: float,
    retry_after_seconds: float,
) -> tuple[list[RemoteFile], list[RemoteFile]]:
    """Split the not-yet-landed files into (ready, unsettled).

    Ready: same size and mtime as in the ``previous`` listing, or mtime at least
    ``settle_seconds`` old. Files already landed are dropped; files that failed recently wait
    for their retry time (neither ready nor unsettled).
    """
    ready: list[RemoteFile] = []
    unsettled: list[RemoteFile] = []
    for remote in listing:
        entry = ledger.get(remote.key)
        if entry is not None and entry.done:
            continue
        if (
            entry is not None
            and entry.status == "failed"
            and now < entry.retry_at(retry_after_seconds)
        ):
            continue
        stable = previous.get(remote.key) == (remote.size, remote.mtime)
        settled = now - remote.mtime >= settle_seconds
        (ready if stable or settled else unsettled).append(remote)
    return ready, unsettled


def list_remote(sftp: paramiko.SFTPClient, settings: SftpSettings) -> RemoteListing:
    """List the wanted regular files of every configured remote folder (one request each)."""
    files: list[RemoteFile] = []
    missing: list[str] = []
    for stream, remote_dir in sorted(settings.remote_dirs.items()):
        try:
            attributes = sftp.listdir_attr(remote_dir)
        except FileNotFoundError:
            missing.append(f"{stream}:{remote_dir}")
            continue
        for attr in attributes:
            if attr.st_mode is None or not stat.S_ISREG(attr.st_mode):
                continue
            if not is_wanted(stream, attr.filename):
                continue
            files.append(RemoteFile(stream, attr.filename, attr.st_size or 0, attr.st_mtime or 0))
    files.sort(key=lambda f: (f.stream, f.name))
    return RemoteListing(tuple(files), tuple(missing))
