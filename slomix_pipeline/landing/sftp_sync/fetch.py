"""Landing one remote file whole or not at all: temp name, size/mtime/second-read checks, rename.

A torn or changing file never appears under its real name; an identical file already landed
is adopted, a different one is a conflict and kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paramiko

from slomix_pipeline.landing.sftp_sync.records import FetchOutcome, RemoteFile
from slomix_pipeline.landing.sftp_sync.settings import STREAM_FOLDERS, SftpSettings
from slomix_pipeline.landing.zone import (
    fsync_dir,
    sha256_of_file,
)

TEMP_PREFIX = ".landing-sftp-"
"""Temporary download names; a dot name is invisible to every landing-zone inventory."""


CHUNK_BYTES = 32_768


ChunkHook = Callable[[RemoteFile, int], None]
"""Called after every chunk with the bytes read so far (progress; tests inject faults here)."""


def fetch_file(
    sftp: paramiko.SFTPClient,
    settings: SftpSettings,
    remote: RemoteFile,
    data_dir: Path,
    *,
    on_chunk: ChunkHook | None = None,
) -> FetchOutcome:
    """Land one remote file whole, or not at all (see the module docstring for the checks).

    Raises on transport errors (after removing the temporary file); returns an outcome for
    everything that is a property of the file itself.
    """
    path = posixpath.join(settings.remote_dirs[remote.stream], remote.name)
    try:
        before = sftp.stat(path)
    except FileNotFoundError:
        return FetchOutcome("vanished", detail="removed before the download")
    if (before.st_size, before.st_mtime) != (remote.size, remote.mtime):
        return FetchOutcome(
            "changed",
            detail=f"listed {remote.size} B @ {remote.mtime}, now "
            f"{before.st_size} B @ {before.st_mtime}",
        )
    folder = data_dir / STREAM_FOLDERS[remote.stream]
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                source = sftp.open(path, "rb")
            except FileNotFoundError:
                tmp.unlink()
                return FetchOutcome("vanished", detail="removed before the download")
            with source:
                source.prefetch(before.st_size)
                received, sha = _copy(source, out, remote, before.st_size, on_chunk)
            out.flush()
            os.fsync(out.fileno())
        # Same size and same mtime second do not prove the bytes did not change (a rewrite in
        # place): a second read must hash the same.
        try:
            with sftp.open(path, "rb") as again:
                again.prefetch(before.st_size)
                _, second_sha = _copy(again, _Discard(), remote, before.st_size, None)
        except FileNotFoundError:
            tmp.unlink()
            return FetchOutcome("vanished", detail="removed during the download")
        if second_sha != sha:
            tmp.unlink()
            return FetchOutcome(
                "changed", detail="changed during transfer: two reads differ (rewritten in place)"
            )
        try:
            after = sftp.stat(path)
        except FileNotFoundError:
            tmp.unlink()
            return FetchOutcome("vanished", detail="removed during the download")
        if received != before.st_size or (after.st_size, after.st_mtime) != (
            before.st_size,
            before.st_mtime,
        ):
            tmp.unlink()
            return FetchOutcome(
                "changed",
                detail=f"changed during transfer: {before.st_size} B @ {before.st_mtime} -> "
                f"{after.st_size} B @ {after.st_mtime}, read {received} B",
            )
        final = folder / remote.name
        if final.exists():
            tmp.unlink()
            if sha256_of_file(final) == sha:
                return FetchOutcome("adopted", received, sha, "already landed, identical")
            return FetchOutcome(
                "conflict", received, sha, f"{final} exists with different content; kept"
            )
        os.replace(tmp, final)
        fsync_dir(folder)
        return FetchOutcome("landed", received, sha)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


class _Discard:
    """A write-only sink: the second read of a file is only hashed."""

    def write(self, data: bytes) -> int:
        return len(data)


def _copy(
    source: paramiko.SFTPFile,
    out: Any,
    remote: RemoteFile,
    expected: int,
    on_chunk: ChunkHook | None,
) -> tuple[int, str]:
    """Copy until EOF, or until more than ``expected`` bytes arrived.

    Reading past the listed size is how a file that grew shows up as grown; stopping right
    there keeps a file that is being appended to from being downloaded forever.
    """
    digest = hashlib.sha256()
    received = 0
    while received <= expected:
        chunk = source.read(CHUNK_BYTES)
        if not chunk:
            break
        out.write(chunk)
        digest.update(chunk)
        received += len(chunk)
        if on_chunk is not None:
            on_chunk(remote, received)
    return received, digest.hexdigest()


def remove_stale_temporaries(data_dir: Path) -> int:
    """Delete downloads a crashed run left behind (only ours; call while holding the lock)."""
    removed = 0
    for folder_name in STREAM_FOLDERS.values():
        folder = data_dir / folder_name
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.name.startswith(TEMP_PREFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
