"""Which landed proximity files belong to a run's gaming days, and under which day each is filed.

Only the header is read here (the sensors and the landing inventory use the same rules), so a
run knows its files before any worker reads one in full; see :mod:`.proximity` for the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_of_epoch, gaming_day_of_local
from slomix_pipeline.formats.proximity import (
    ProximityFileRejected,
    ProximityHeader,
    parse_proximity_file,
    parse_proximity_filename,
)
from slomix_pipeline.ingest.proximity_rounds import CANDIDATE_MARGIN_DAYS
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, LandedFile, iter_landed

ENGAGEMENTS_SUFFIX = "_engagements.txt"
HEADER_PEEK_BYTES = 16_384
"""Enough for any header (V6's capability list included); only this much is read to file a day."""


def _day_of_epoch(epoch: int, settings: Settings) -> date | None:
    try:
        return gaming_day_of_epoch(epoch, settings.server_tz, settings.day_start_hour)
    except (OverflowError, OSError, ValueError):
        return None


def file_gaming_day(
    header: ProximityHeader | None, file_name: str, mtime_ns: int, settings: Settings
) -> tuple[date, str, str | None]:
    """(gaming day, which input decided it, note) of one landed file; see the module rules."""
    name = parse_proximity_filename(file_name)
    name_day = gaming_day_of_local(name.written_local, settings.day_start_hour) if name else None
    end = header.round_end_unix if header is not None else None
    header_day = _day_of_epoch(end, settings) if end is not None and end > 0 else None
    if header_day is not None:
        if name_day is not None and abs((header_day - name_day).days) > CANDIDATE_MARGIN_DAYS:
            note = (
                f"header round_end_unix={end} is {(header_day - name_day).days} days from the "
                "file name's time: filed under the name's day"
            )
            return name_day, "filename", note
        return header_day, "round_end_unix", None
    if name_day is not None:
        return name_day, "filename", None
    local = datetime.fromtimestamp(mtime_ns / 1e9, settings.server_tz).replace(tzinfo=None)
    return gaming_day_of_local(local, settings.day_start_hour), "mtime", None


def _header_only(head: bytes, complete: bool) -> bytes:
    """The leading comment block of ``head`` (complete lines only): no data line, no pandas."""
    lines = head.split(b"\n")
    if not complete:
        lines = lines[:-1]
    end = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            break
        end += len(line) + 1
    return head[:end]


def peek_header(path: Path, name: str) -> ProximityHeader | None:
    """The header of a landed proximity file, reading only its first bytes (sensors use it).

    None when the header itself is refused (the file is then filed by name or landing time and
    its rejection recorded by the ingestion).
    """
    with open(path, "rb") as handle:
        head = handle.read(HEADER_PEEK_BYTES)
    block = _header_only(head, complete=len(head) < HEADER_PEEK_BYTES)
    try:
        return parse_proximity_file(name, block).header
    except ProximityFileRejected:
        return None


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A landed file that belongs to one of the run's days."""

    landed: LandedFile
    gaming_day: date
    day_source: str
    day_note: str | None
    is_engagements: bool


def _near(day: date, wanted: set[date]) -> bool:
    return any(day + timedelta(days=k) in wanted for k in range(-1, 2))


def plan_proximity_days(
    data_dir: Path, days: Sequence[date], settings: Settings
) -> tuple[list[PlannedFile], int]:
    """The landed files of ``days`` (by name order) and how many files were not looked into.

    A file whose name puts it more than a day away from every wanted day is skipped without
    being opened; the others have their header (only) read to file them under a gaming day.
    """
    wanted = set(days)
    planned: list[PlannedFile] = []
    skipped = 0
    folder = Path(data_dir) / PROXIMITY_FOLDER
    for landed in iter_landed(Path(data_dir), PROXIMITY_FOLDER):
        is_engagements = landed.name.endswith(ENGAGEMENTS_SUFFIX)
        name = parse_proximity_filename(landed.name)
        if name is not None and not _near(
            gaming_day_of_local(name.written_local, settings.day_start_hour), wanted
        ):
            skipped += 1
            continue
        try:
            header = peek_header(folder / landed.name, landed.name) if is_engagements else None
        except OSError:  # unreadable: filed by name or landing time, rejected when read
            header = None
        day, source, note = file_gaming_day(header, landed.name, landed.mtime_ns, settings)
        if day in wanted:
            planned.append(PlannedFile(landed, day, source, note, is_engagements))
    return planned, skipped
