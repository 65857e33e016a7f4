"""WS1C proximity: the reason codes and records the proximity gates judge.

One record per ``proximity_files`` row (its round link and the identity decision behind it), the
sprint distribution of a partition's tracks, and a natural key stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass

WS1C_FILE_UNLINKED = "file_unlinked"
WS1C_LINK_DANGLING = "link_dangling"
WS1C_SPRINT_FLAT = "sprint_flat"
WS1C_DUPLICATE_KEY = "duplicate_natural_key"


@dataclass(frozen=True, slots=True)
class ProximityFileLink:
    """One ``proximity_files`` row: its round link and the identity decision behind it."""

    source_file: str
    round_id: int | None
    round_exists: bool
    identity_reason: str
    sprint_signal: str
    player_tracks: int


@dataclass(frozen=True, slots=True)
class SprintDistribution:
    """The sprint percentages of a partition's tracks (``player_track``), summarised."""

    label: str
    tracks: int
    valued: int
    nonzero: int
    minimum: float | None
    maximum: float | None
    files_signal_absent: int = 0


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A natural key stored more than once (found by a GROUP BY ... HAVING count > 1)."""

    table: str
    key: str
    rows: int
    files: tuple[str, ...]
