"""The landing zone: the on-disk source of truth that every table is rebuilt from.

Only the SFTP sync and the webhook receiver write here, and they write whole files atomically
(temporary name in the same folder, fsync, rename, fsync of the folder) so that a reader never
sees a torn file and a crash never leaves a half-written one under a real name. Everything
downstream only reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STATS_FOLDER = "local_stats"
GAMETIMES_FOLDER = "local_gametimes"
PROXIMITY_FOLDER = "local_proximity"
WEBHOOK_FOLDER = "webhook_drops"
LANDING_FOLDERS: tuple[str, ...] = (
    STATS_FOLDER,
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    WEBHOOK_FOLDER,
)

TEMP_PREFIX = ".landing-"
"""Temporary files carry this prefix; inventories skip them so a half-written file is invisible."""


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the provenance fingerprint stored on every warehouse row."""
    return hashlib.sha256(data).hexdigest()


def content_addressed_name(data: bytes, prefix: str, suffix: str) -> str:
    """A file name derived from the content, so an identical redelivery maps to the same file."""
    return f"{prefix}{sha256_hex(data)}{suffix}"


def _fsync_dir(folder: Path) -> None:
    """Persist a directory entry (the rename) itself; a no-op where the OS cannot open folders."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """Land ``data`` as ``folder/name`` whole or not at all, and return the final path.

    An existing file with identical content is left untouched (its mtime, which records when it
    first landed, is preserved), so redeliveries are harmless. An existing file with different
    content is replaced atomically: the caller decided it is a newer version.
    """
    if "/" in name or name in {"", ".", ".."} or name.startswith(TEMP_PREFIX):
        raise ValueError(f"refusing to land a file named {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    with contextlib.suppress(OSError):
        if final.stat().st_size == len(data) and final.read_bytes() == data:
            return final
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, final)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(folder)
    return final


@dataclass(frozen=True, slots=True)
class LandedFile:
    """One file of the landing zone as seen by an inventory scan (no content read)."""

    folder: str
    name: str
    size: int
    mtime_ns: int

    @property
    def relative_path(self) -> str:
        return f"{self.folder}/{self.name}"


def iter_landed(data_dir: Path, folder: str) -> Iterator[LandedFile]:
    """Yield the landed files of one folder, skipping temporaries and hidden bookkeeping files."""
    base = data_dir / folder
    try:
        entries = list(os.scandir(base))
    except FileNotFoundError:
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
            continue
        stat = entry.stat(follow_symlinks=False)
        yield LandedFile(folder, entry.name, stat.st_size, stat.st_mtime_ns)
