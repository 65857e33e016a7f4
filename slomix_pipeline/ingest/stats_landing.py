"""The landing zone's stats files for one ingestion run: inventory, reads, server order.

Each file is classified and filed under its gaming day (its name's time, else its landing
time); the autumn's repeated hour is resolved by write order. Files are read and parsed at most
once per run, and R2 pairing walks the server sequence back from the R2, parsing only the few
rounds it looks at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_of_local, resolve_local_epochs
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.pairing import Pairing, RoundsBefore, SequencedRound, pair_one
from slomix_pipeline.formats.limits import MAX_STATS_FILE_BYTES
from slomix_pipeline.formats.stats_file import (
    ParsedStatsFile,
    StatsFileKind,
    StatsFileName,
    StatsFileRejected,
    classify_stats_filename,
    parse_stats_file,
)
from slomix_pipeline.ingest.outcomes import (
    FileOutcome,
    unusable_outcome,
)
from slomix_pipeline.landing.zone import (
    STATS_FOLDER,
    LandedFile,
    iter_landed,
    iter_unusable,
    sha256_hex,
)

SOURCE = "stats"


@dataclass(frozen=True, slots=True)
class StatsCandidate:
    landed: LandedFile
    name: StatsFileName | None
    gaming_day: date
    epoch: int | None = None


def payload_digest(data: bytes) -> str:
    """Hash of everything after the header line: equal for renamed mirror copies of one round."""
    newline = data.find(b"\n")
    return sha256_hex(data[newline + 1 :] if newline >= 0 else b"")


def _day_of_unnamed(landed: LandedFile, settings: Settings) -> date:
    """A file whose name carries no time is filed under the gaming day of its landing time."""
    return _day_of_mtime(landed.mtime_ns, settings)


def _day_of_mtime(mtime_ns: int, settings: Settings) -> date:
    local = datetime.fromtimestamp(mtime_ns / 1e9, settings.server_tz).replace(tzinfo=None)
    return gaming_day_of_local(local, settings.day_start_hour)


def unusable_outcomes(data_dir: Path, wanted: set[date], settings: Settings) -> list[FileOutcome]:
    """Symlinks, directories and undecodable names of the folder, each recorded as rejected."""
    outcomes = []
    for entry in iter_unusable(data_dir, STATS_FOLDER):
        # Filed by its name's time when it has one (a printable name spells bad bytes \xNN).
        name = classify_stats_filename(entry.name.replace("\\", "_"))
        if name is not None:
            day = gaming_day_of_local(name.local_time, settings.day_start_hour)
        else:
            day = _day_of_mtime(entry.mtime_ns, settings)
        if day in wanted:
            outcomes.append(unusable_outcome(SOURCE, entry, day))
    return outcomes


def stats_inventory(data_dir: Path, settings: Settings) -> list[StatsCandidate]:
    landed_files = list(iter_landed(data_dir, STATS_FOLDER))
    names = {landed.name: classify_stats_filename(landed.name) for landed in landed_files}
    epochs = resolve_local_epochs(
        (
            (landed.name, name.local_time, landed.mtime_ns)
            for landed in landed_files
            if (name := names[landed.name]) is not None
        ),
        settings.server_tz,
    )
    candidates = []
    for landed in landed_files:
        name = names[landed.name]
        if name is None:
            day = _day_of_unnamed(landed, settings)
        else:
            day = gaming_day_of_local(name.local_time, settings.day_start_hour)
        candidates.append(StatsCandidate(landed, name, day, epochs.get(landed.name)))
    return candidates


class ParseCache:
    """Reads and parses each file at most once per run (R1 files serve as pairing partners)."""

    def __init__(self, data_dir: Path) -> None:
        self._folder = data_dir / STATS_FOLDER
        self._bytes: dict[str, bytes] = {}
        self._parsed: dict[str, ParsedStatsFile | StatsFileRejected] = {}

    def data(self, file_name: str) -> bytes:
        if file_name not in self._bytes:
            self._bytes[file_name] = (self._folder / file_name).read_bytes()
        return self._bytes[file_name]

    def parsed(self, file_name: str) -> ParsedStatsFile | StatsFileRejected:
        if file_name not in self._parsed:
            try:
                size = (self._folder / file_name).stat().st_size
                if size > MAX_STATS_FILE_BYTES:  # an R1 partner too large to load: unusable
                    raise StatsFileRejected(
                        "oversized_file", f"{size} bytes > {MAX_STATS_FILE_BYTES}"
                    )
                self._parsed[file_name] = parse_stats_file(file_name, self.data(file_name))
            except StatsFileRejected as exc:
                self._parsed[file_name] = exc
            except OSError as exc:  # an R1 partner that cannot be read is unusable, not fatal
                self._parsed[file_name] = StatsFileRejected(
                    "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}"
                )
        return self._parsed[file_name]


class ServerSequence:
    """The landing zone's stats files in server order (epoch, name), read lazily for pairing.

    Pairing walks back from an R2 over the rounds before it and stops at the first readable one
    of another map or at the R1, so only those few files are ever parsed.
    """

    def __init__(self, candidates: Iterable[StatsCandidate], cache: ParseCache) -> None:
        stats = [
            c
            for c in candidates
            if c.name is not None and c.name.kind == StatsFileKind.STATS and c.epoch is not None
        ]
        stats.sort(key=lambda c: (c.epoch, c.landed.name))
        self._files = stats
        self._index = {c.landed.name: i for i, c in enumerate(stats)}
        self._cache = cache

    def sequenced(self, cand: StatsCandidate) -> SequencedRound:
        assert cand.name is not None and cand.epoch is not None
        parsed = self._cache.parsed(cand.landed.name)
        key = map_key(cand.name.map_name)
        if isinstance(parsed, StatsFileRejected):
            return SequencedRound(
                cand.landed.name, cand.epoch, key, cand.name.round_number, rejected=True
            )
        header = parsed.header
        ms = header.round_duration_ms
        return SequencedRound(
            cand.landed.name,
            cand.epoch,
            key,
            cand.name.round_number,
            header.map_time_seconds,
            header.actual_time_seconds,
            ms // 1000 if ms is not None and ms > 0 else None,
        )

    def pair(self, file_name: str, gap_s: int) -> Pairing:
        i = self._index[file_name]
        return pair_one(self.sequenced(self._files[i]), RoundsBefore(self._sequenced_at, i), gap_s)

    def _sequenced_at(self, i: int) -> SequencedRound:
        return self.sequenced(self._files[i])
