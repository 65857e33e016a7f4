"""Parser for the proximity tracker's per-round ``*_engagements.txt`` file (bytes -> records).

The file is written once per round by the game server's proximity tracker Lua (format family
V4; V5/V6 add header keys and optional sections). This module only turns bytes into typed
records; corrections and metrics live in ``slomix_pipeline.domain.proximity``.

Why it is built the way it is:

* **Streaming by line, vectorised by sample.** A round file holds a few hundred engagement and
  life lines but tens of thousands of player-track samples. Lines are walked once in Python
  (cheap: ~1k lines), while every track path of the file (and, separately, every engagement
  path) is handed in one piece to pandas' C CSV reader and comes back as flat numpy columns
  (:class:`TrackSamples`). No Python object is built per track sample, which keeps parsing
  well above the 40 MB/s target on one core.
* **Tolerant, but never silent.** A line that cannot be parsed is dropped and reported in
  ``broken_lines`` with its 1-based line number and a reason code; everything else still loads.
  Upstream dropped such lines with only a log entry, so a truncated file looked complete.
* **Later formats are accepted.** Extra header keys are kept verbatim; sections this parser does
  not model (V5/V6 additions such as ``REACTION_METRICS`` or ``SHOT_FIRED``) are skipped and
  listed in ``ignored_sections`` with their row counts, never rejected.
* **Nothing is assumed.** The sample interval, crossfire window and escape rules are read from
  the header; a missing key stays ``None`` (with a note) instead of silently becoming a default.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypeVar

import numpy as np

from slomix_pipeline.formats.limits import (
    MAX_INT_DIGITS,
    MAX_PROXIMITY_FILE_BYTES,
    MAX_PROXIMITY_SECTION_LINES,
)
from slomix_pipeline.formats.proximity_sections import (
    LATER_SECTIONS,
    SECTION_SPECS,
    ParsedSection,
    SectionLines,
    parse_section,
)

__all__ = [
    "KNOWN_SECTIONS",
    "Attacker",
    "BrokenLine",
    "Engagement",
    "EngagementPoint",
    "IgnoredSection",
    "KillHeatmapCell",
    "MovementHeatmapCell",
    "ObjectiveFocus",
    "PlayerLife",
    "ProximityFile",
    "ProximityFileName",
    "ProximityFileRejected",
    "ProximityHeader",
    "TrackSamples",
    "parse_proximity_file",
    "parse_proximity_filename",
]

ENGAGEMENTS = "ENGAGEMENTS"
PLAYER_TRACKS = "PLAYER_TRACKS"
KILL_HEATMAP = "KILL_HEATMAP"
MOVEMENT_HEATMAP = "MOVEMENT_HEATMAP"
OBJECTIVE_FOCUS = "OBJECTIVE_FOCUS"
_LATER = frozenset(spec.marker for spec in LATER_SECTIONS)
#: Sections of the V4 baseline that this parser turns into records.
KNOWN_SECTIONS: tuple[str, ...] = (
    ENGAGEMENTS,
    PLAYER_TRACKS,
    KILL_HEATMAP,
    MOVEMENT_HEATMAP,
    OBJECTIVE_FOCUS,
)

_MAGIC_RE = re.compile(r"#\s*PROXIMITY_TRACKER_V(\d+)\s*$")
# A section marker is a comment holding one upper-case word; column/legend comments never are.
_SECTION_RE = re.compile(r"#\s*([A-Z][A-Z0-9_]*)\s*$")
_HEADER_RE = re.compile(r"#\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")
_FILENAME_RE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}-\d{6})-(?P<map>.+)-round-(?P<round>\d+)_engagements\.txt$"
)

_ENGAGEMENT_FIELDS = 24
_ATTACKER_FIELDS = 9
_POINT_FIELDS = 10

# Header keys -> (attribute, kind). Kinds: int, float, str, bool, caps.
_HEADER_KEYS: dict[str, tuple[str, str]] = {
    "map": ("map_name", "str"),
    "round": ("round_number", "int"),
    "crossfire_window": ("crossfire_window_ms", "int"),
    "escape_time": ("escape_time_ms", "int"),
    "escape_distance": ("escape_distance", "float"),
    "position_sample_interval": ("position_sample_interval_ms", "int"),
    "round_start_unix": ("round_start_unix", "int"),
    "round_end_unix": ("round_end_unix", "int"),
    "axis_spawn_interval": ("axis_spawn_interval_ms", "int"),
    "allies_spawn_interval": ("allies_spawn_interval_ms", "int"),
    "tracker_version_full": ("tracker_version_full", "str"),
    "test_mode": ("test_mode", "bool"),
    "capabilities": ("capabilities", "caps"),
}
_INT_RE = re.compile(r"[+-]?\d+$")


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


class BrokenLine(NamedTuple):
    """A line that was dropped: 1-based line number and a ``section:code`` reason."""

    line_no: int
    reason: str


class EngagementPoint(NamedTuple):
    """One point of an engagement's victim path (``start``/``hit``/``sample``/``death``/...)."""

    time_ms: int
    x: float
    y: float
    z: float
    event: str


@dataclass(frozen=True, slots=True)
class ProximityHeader:
    """The ``# key=value`` block at the top of the file; ``None`` means the key was absent."""

    magic: str | None
    format_version: int
    map_name: str | None = None
    round_number: int | None = None
    crossfire_window_ms: int | None = None
    escape_time_ms: int | None = None
    escape_distance: float | None = None
    position_sample_interval_ms: int | None = None
    round_start_unix: int | None = None
    round_end_unix: int | None = None
    axis_spawn_interval_ms: int | None = None
    allies_spawn_interval_ms: int | None = None
    tracker_version_full: str | None = None
    test_mode: bool | None = None
    capabilities: tuple[tuple[str, bool], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Attacker:
    """One attacker entry of an engagement (one per distinct attacker GUID)."""

    guid: str
    name: str
    team: str
    damage: int
    hits: int
    first_hit_ms: int
    last_hit_ms: int
    got_kill: bool
    weapons: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Engagement:
    """One ``target under fire`` episode exactly as written (no corrections applied here)."""

    line_no: int
    engagement_id: int
    start_time_ms: int
    end_time_ms: int
    duration_ms: int
    target_guid: str
    target_name: str
    target_team: str
    outcome: str
    total_damage: int
    killer_guid: str | None
    killer_name: str | None
    num_attackers: int
    is_crossfire: bool
    crossfire_delay_ms: int | None
    crossfire_participants: tuple[str, ...]
    start_x: float
    start_y: float
    start_z: float
    end_x: float
    end_y: float
    end_z: float
    distance_traveled: float
    positions: tuple[EngagementPoint, ...]
    positions_text: str  # the path as written (compact storage form)
    attackers: tuple[Attacker, ...]


@dataclass(frozen=True, slots=True)
class PlayerLife:
    """One ``PLAYER_TRACKS`` line: a spawn-to-end window of one player.

    The path's samples live in the file's shared :class:`TrackSamples` columns at
    ``[sample_start, sample_stop)``; ``path_text`` keeps the compact text as written so a
    table can store it without re-serialising ~140 points per life.
    """

    line_no: int
    guid: str
    name: str
    team: str
    player_class: str
    spawn_time_ms: int
    death_time_ms: int | None
    first_move_time_ms: int | None
    death_type: str | None
    sample_count: int
    sample_start: int
    sample_stop: int
    path_text: str


@dataclass(frozen=True, slots=True, eq=False)
class TrackSamples:
    """Every track sample of the file as flat columns (one row per path point).

    ``event`` holds small-int codes into ``event_names``; lives index into these arrays.
    """

    time_ms: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    health: np.ndarray
    speed: np.ndarray
    weapon: np.ndarray
    stance: np.ndarray
    sprint: np.ndarray
    event: np.ndarray
    event_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.time_ms.shape[0])

    def event_mask(self, name: str) -> np.ndarray:
        """Boolean mask of the samples whose event is ``name`` (all False if never seen)."""
        if name not in self.event_names:
            return np.zeros(len(self), dtype=bool)
        return self.event == self.event_names.index(name)


@dataclass(frozen=True, slots=True)
class KillHeatmapCell:
    """``KILL_HEATMAP`` row: kills at the victim's 512-unit cell, by the killer's team."""

    line_no: int
    grid_x: int
    grid_y: int
    axis_kills: int
    allies_kills: int


@dataclass(frozen=True, slots=True)
class MovementHeatmapCell:
    """``MOVEMENT_HEATMAP`` row: traversal samples, hits taken and escapes per cell."""

    line_no: int
    grid_x: int
    grid_y: int
    traversal: int
    combat: int
    escape: int


@dataclass(frozen=True, slots=True)
class ObjectiveFocus:
    """``OBJECTIVE_FOCUS`` row: one per player for the whole round (all lives summed)."""

    line_no: int
    guid: str
    name: str
    team: str
    objective: str
    avg_distance: float
    time_within_radius_ms: int
    samples: int


@dataclass(frozen=True, slots=True)
class IgnoredSection:
    """A section this parser does not model (a later format's addition): kept as a note."""

    name: str
    line_no: int
    rows: int


@dataclass(frozen=True, slots=True)
class ProximityFileName:
    """What the file name says. Informational only: its round is the same (possibly wrong)
    variable as the header's, so round identity must never be decided from it."""

    written_local: datetime
    map_name: str
    round_number: int


@dataclass(frozen=True, slots=True, eq=False)
class ProximityFile:
    """Everything parsed from one file, plus what was dropped and why."""

    source_file: str
    byte_size: int
    line_count: int
    header: ProximityHeader
    file_name: ProximityFileName | None
    engagements: tuple[Engagement, ...]
    lives: tuple[PlayerLife, ...]
    samples: TrackSamples
    kill_heatmap: tuple[KillHeatmapCell, ...]
    movement_heatmap: tuple[MovementHeatmapCell, ...]
    objective_focus: tuple[ObjectiveFocus, ...]
    ignored_sections: tuple[IgnoredSection, ...]
    broken_lines: tuple[BrokenLine, ...]
    notes: tuple[str, ...] = field(default=())
    #: Later (v4.2 … v6.10) sections by marker, parsed by ``formats.proximity_sections``.
    sections: dict[str, ParsedSection] = field(default_factory=dict)
    #: Every section marker seen, in file order (an empty section is evidence too).
    section_markers: tuple[str, ...] = ()
    #: Whether the last line ended with a newline (a cut-off write does not).
    ends_with_newline: bool = True

    @property
    def tracks(self) -> tuple[PlayerLife, ...]:
        """Alias of :attr:`lives` (the file calls the section PLAYER_TRACKS)."""
        return self.lives


# --------------------------------------------------------------------------------------------
# Line-level parsing helpers
# --------------------------------------------------------------------------------------------


class _LineError(ValueError):
    """Raised by a line handler; ``code`` becomes the broken-line reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ProximityFileRejected(Exception):
    """A whole file refused (beyond the declared bounds, or unreadable); ``reason`` is stable.

    Line-level damage never raises: it becomes ``broken_lines``. Only what no line-by-line
    tolerance can absorb (a file or section larger than any real round writes) rejects the file.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"

    def __reduce__(self) -> tuple[type[ProximityFileRejected], tuple[str, str]]:
        return (type(self), (self.reason, self.detail))


def _int(text: str, code: str = "bad_value") -> int:
    """An integer field; more than 18 digits is ``code`` too (never int()'s 4,300-digit error)."""
    try:
        if len(text) > MAX_INT_DIGITS + 1:
            raise ValueError(text[:20])
        return int(text)
    except ValueError:
        raise _LineError(code) from None


def _float(text: str, code: str = "bad_value") -> float:
    try:
        value = float(text)
    except ValueError:
        raise _LineError(code) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _LineError(code)
    return value


def _flag(text: str) -> bool:
    if text == "1":
        return True
    if text == "0":
        return False
    raise _LineError("bad_flag")


def _opt_str(text: str) -> str | None:
    return text if text else None


def _parse_weapons(text: str) -> tuple[tuple[int, int], ...]:
    weapons = []
    for item in text.split(";"):
        if not item:
            continue
        weapon_id, sep, count = item.partition(":")
        if not sep:
            raise _LineError("bad_weapons")
        weapons.append((_int(weapon_id, "bad_weapons"), _int(count, "bad_weapons")))
    return tuple(weapons)


def _parse_attackers(text: str) -> tuple[Attacker, ...]:
    if not text:
        return ()
    attackers = []
    for item in text.split("|"):
        parts = item.split(",", _ATTACKER_FIELDS - 1)
        if len(parts) != _ATTACKER_FIELDS:
            raise _LineError("bad_attacker")
        attackers.append(
            Attacker(
                guid=parts[0],
                name=parts[1],
                team=parts[2],
                damage=_int(parts[3], "bad_attacker"),
                hits=_int(parts[4], "bad_attacker"),
                first_hit_ms=_int(parts[5], "bad_attacker"),
                last_hit_ms=_int(parts[6], "bad_attacker"),
                got_kill=_flag(parts[7]),
                weapons=_parse_weapons(parts[8]),
            )
        )
    return tuple(attackers)


class _PendingEngagement(NamedTuple):
    """An engagement line whose fields parsed; its positions are parsed in bulk later."""

    engagement_id: int
    head: tuple[object, ...]  # Engagement fields up to distance_traveled, in order
    positions_text: str
    n_points: int
    attackers: tuple[Attacker, ...]

    @property
    def line_no(self) -> int:
        return int(self.head[0])  # type: ignore[call-overload]

    def build(self, positions: tuple[EngagementPoint, ...]) -> Engagement:
        return Engagement(*self.head, positions, self.positions_text, self.attackers)  # type: ignore[arg-type]


def _parse_engagement(line_no: int, line: str) -> _PendingEngagement:
    # The attacker list nests ';' inside its weapon pairs, so only the first 23 split.
    f = line.split(";", _ENGAGEMENT_FIELDS - 1)
    if len(f) != _ENGAGEMENT_FIELDS:
        raise _LineError("field_count")
    participants = tuple(f[14].split(",")) if f[14] else ()
    attackers = _parse_attackers(f[23])
    num_attackers = _int(f[11])
    if num_attackers != len(attackers):
        # The tracker writes one item per counted GUID; a shortfall means a cut-off line.
        raise _LineError("attacker_count_mismatch")
    positions = f[22]
    n_points = positions.count("|") + 1 if positions else 0
    if positions.count(",") != 4 * n_points:
        raise _LineError("bad_position")  # every point is time,x,y,z,event
    engagement_id = _int(f[0])
    head = (
        line_no,
        engagement_id,
        _int(f[1]),
        _int(f[2]),
        _int(f[3]),
        f[4],
        f[5],
        f[6],
        f[7],
        _int(f[8]),
        _opt_str(f[9]),
        _opt_str(f[10]),
        num_attackers,
        _flag(f[12]),
        _int(f[13]) if f[13] else None,
        participants,
        _float(f[15]),
        _float(f[16]),
        _float(f[17]),
        _float(f[18]),
        _float(f[19]),
        _float(f[20]),
        _float(f[21]),
    )
    return _PendingEngagement(engagement_id, head, positions, n_points, attackers)


class _PendingLife(NamedTuple):
    """A track line whose scalar fields parsed and whose path has the right shape."""

    line_no: int
    guid: str
    name: str
    team: str
    player_class: str
    spawn_time_ms: int
    death_time_ms: int | None
    first_move_time_ms: int | None
    death_type: str | None
    sample_count: int
    path: str


def _parse_life_line(line_no: int, line: str) -> _PendingLife:
    f = line.split(";")
    if len(f) == 10:  # v4.1+ layout with death_type
        death_type: str | None = f[7]
        samples_text, path = f[8], f[9]
    elif len(f) == 9:  # v4.0 layout, no death_type
        death_type = None
        samples_text, path = f[7], f[8]
    else:
        raise _LineError("field_count")
    sample_count = _int(samples_text)
    if not path:
        raise _LineError("empty_path")
    n_points = path.count("|") + 1
    # Shape check without touching every point: each point holds exactly 9 commas, and the
    # count field must agree (a line cut at a point boundary would otherwise look whole).
    if path.count(",") != (_POINT_FIELDS - 1) * n_points:
        raise _LineError("path_shape")
    if n_points != sample_count:
        raise _LineError("sample_count_mismatch")
    death_text, first_move_text = f[5], f[6]
    return _PendingLife(
        line_no=line_no,
        guid=f[0],
        name=f[1],
        team=f[2],
        player_class=f[3],
        spawn_time_ms=_int(f[4]),
        # The tracker writes 0 for "never set"; a real death is always after the spawn.
        death_time_ms=_int(death_text) if death_text not in ("", "0") else None,
        first_move_time_ms=_int(first_move_text) if first_move_text else None,
        death_type=death_type,
        sample_count=sample_count,
        path=path,
    )


def _parse_kill_cell(line_no: int, line: str) -> KillHeatmapCell:
    f = line.split(";")
    if len(f) != 4:
        raise _LineError("field_count")
    return KillHeatmapCell(line_no, _int(f[0]), _int(f[1]), _int(f[2]), _int(f[3]))


def _parse_movement_cell(line_no: int, line: str) -> MovementHeatmapCell:
    f = line.split(";")
    if len(f) != 5:
        raise _LineError("field_count")
    return MovementHeatmapCell(line_no, _int(f[0]), _int(f[1]), _int(f[2]), _int(f[3]), _int(f[4]))


def _parse_objective_focus(line_no: int, line: str) -> ObjectiveFocus:
    f = line.split(";")
    if len(f) != 7:
        raise _LineError("field_count")
    return ObjectiveFocus(line_no, f[0], f[1], f[2], f[3], _float(f[4]), _int(f[5]), _int(f[6]))


# --------------------------------------------------------------------------------------------
# Vectorised track-path parsing
# --------------------------------------------------------------------------------------------


class _PointSchema(NamedTuple):
    """Column layout of one kind of ``|``-separated point list."""

    columns: tuple[str, ...]  # the last column is the event name
    dtypes: dict[str, object]
    float_columns: tuple[str, ...]


_TRACK_POINTS = _PointSchema(
    ("time_ms", "x", "y", "z", "health", "speed", "weapon", "stance", "sprint", "ev"),
    {
        "time_ms": np.int64,
        "x": np.float64,
        "y": np.float64,
        "z": np.float64,
        "health": np.int32,
        "speed": np.float64,
        "weapon": np.int32,
        "stance": np.int8,
        "sprint": np.int8,
        "ev": "category",
    },
    ("x", "y", "z", "speed"),
)
_ENGAGEMENT_POINTS = _PointSchema(
    ("time_ms", "x", "y", "z", "ev"),
    {"time_ms": np.int64, "x": np.float64, "y": np.float64, "z": np.float64, "ev": "category"},
    ("x", "y", "z"),
)


class _PointChunk(NamedTuple):
    columns: dict[str, np.ndarray]
    codes: np.ndarray
    names: tuple[str, ...]


def _read_points(texts: Sequence[str], expected: int, schema: _PointSchema) -> _PointChunk | None:
    """Parse many point lists in one C-level pass; ``None`` if any point is malformed."""
    # pandas is imported here, not at module level: every run process imports the
    # definitions, and pandas is ~0.5 s of a run's start-up that most runs never use.
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.StringIO("|".join(texts)),
            sep=",",
            lineterminator="|",
            header=None,
            names=list(schema.columns),
            dtype=schema.dtypes,
            engine="c",
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
        )
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError):
        return None
    if len(frame) != expected:
        return None
    columns = {name: frame[name].to_numpy() for name in schema.columns[:-1]}
    for name in schema.float_columns:
        if not np.isfinite(columns[name]).all():
            return None
    events = frame[schema.columns[-1]]
    names = tuple(str(c) for c in events.cat.categories)
    if any(not n or not n.replace("_", "").isalnum() for n in names):
        return None
    return _PointChunk(columns, events.cat.codes.to_numpy(), names)


_T = TypeVar("_T")


def _read_isolating(
    items: Sequence[_T],
    text_of: Callable[[_T], str],
    count_of: Callable[[_T], int],
    schema: _PointSchema,
) -> Iterator[tuple[Sequence[_T], _PointChunk | None]]:
    """Yield (items, chunk) groups in input order; a ``None`` chunk is one broken item.

    The common case is one C-level call over every point list of the file. Only if some
    point is garbage does it bisect, so a bad line costs O(log n) extra passes.
    """
    if not items:
        return
    chunk = _read_points([text_of(i) for i in items], sum(count_of(i) for i in items), schema)
    if chunk is not None:
        yield items, chunk
    elif len(items) == 1:
        yield items, None
    else:
        mid = len(items) // 2
        yield from _read_isolating(items[:mid], text_of, count_of, schema)
        yield from _read_isolating(items[mid:], text_of, count_of, schema)


def _merge_chunks(
    chunks: Sequence[_PointChunk], columns: Sequence[str]
) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[str, ...]]:
    """Concatenate chunks, re-coding their event categories onto one shared name table."""
    event_names: list[str] = []
    index: dict[str, int] = {}
    code_parts = []
    for chunk in chunks:
        remap = np.empty(len(chunk.names), dtype=np.int16)
        for i, name in enumerate(chunk.names):
            if name not in index:
                index[name] = len(event_names)
                event_names.append(name)
            remap[i] = index[name]
        code_parts.append(remap[chunk.codes] if len(remap) else chunk.codes.astype(np.int16))
    merged = {}
    for name in columns:
        parts = [chunk.columns[name] for chunk in chunks]
        merged[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
    codes = code_parts[0] if len(code_parts) == 1 else np.concatenate(code_parts)
    return merged, codes, tuple(event_names)


def _empty_samples() -> TrackSamples:
    return TrackSamples(
        time_ms=np.zeros(0, dtype=np.int64),
        x=np.zeros(0),
        y=np.zeros(0),
        z=np.zeros(0),
        health=np.zeros(0, dtype=np.int32),
        speed=np.zeros(0),
        weapon=np.zeros(0, dtype=np.int32),
        stance=np.zeros(0, dtype=np.int8),
        sprint=np.zeros(0, dtype=np.int8),
        event=np.zeros(0, dtype=np.int16),
        event_names=(),
    )


def _build_tracks(
    pending: Sequence[_PendingLife], broken: list[BrokenLine]
) -> tuple[tuple[PlayerLife, ...], TrackSamples]:
    good: list[tuple[Sequence[_PendingLife], _PointChunk]] = []
    groups = _read_isolating(pending, lambda p: p.path, lambda p: p.sample_count, _TRACK_POINTS)
    for group, chunk in groups:
        if chunk is None:
            broken.append(BrokenLine(group[0].line_no, "player_tracks:bad_path_value"))
        else:
            good.append((group, chunk))
    if not good:
        return (), _empty_samples()
    cols, codes, event_names = _merge_chunks(
        [chunk for _, chunk in good], _TRACK_POINTS.columns[:-1]
    )
    samples = TrackSamples(**cols, event=codes, event_names=event_names)
    lives: list[PlayerLife] = []
    cursor = 0
    for group, _ in good:
        for p in group:
            lives.append(
                PlayerLife(
                    line_no=p.line_no,
                    guid=p.guid,
                    name=p.name,
                    team=p.team,
                    player_class=p.player_class,
                    spawn_time_ms=p.spawn_time_ms,
                    death_time_ms=p.death_time_ms,
                    first_move_time_ms=p.first_move_time_ms,
                    death_type=p.death_type,
                    sample_count=p.sample_count,
                    sample_start=cursor,
                    sample_stop=cursor + p.sample_count,
                    path_text=p.path,
                )
            )
            cursor += p.sample_count
    return tuple(lives), samples


def _build_engagements(
    pending: Sequence[_PendingEngagement], broken: list[BrokenLine]
) -> tuple[Engagement, ...]:
    with_points = [p for p in pending if p.n_points]
    points: dict[int, tuple[EngagementPoint, ...]] = {}
    groups = _read_isolating(
        with_points, lambda p: p.positions_text, lambda p: p.n_points, _ENGAGEMENT_POINTS
    )
    for group, chunk in groups:
        if chunk is None:
            broken.append(BrokenLine(group[0].line_no, "engagements:bad_position"))
            continue
        c = chunk.columns
        names = np.asarray(chunk.names, dtype=object)
        rows = list(
            map(
                EngagementPoint._make,
                zip(
                    c["time_ms"].tolist(),
                    c["x"].tolist(),
                    c["y"].tolist(),
                    c["z"].tolist(),
                    names[chunk.codes].tolist() if len(names) else [],
                    strict=True,
                ),
            )
        )
        cursor = 0
        for p in group:
            points[p.line_no] = tuple(rows[cursor : cursor + p.n_points])
            cursor += p.n_points
    return tuple(
        p.build(points.get(p.line_no, ())) for p in pending if not p.n_points or p.line_no in points
    )


# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


def _parse_capabilities(text: str) -> tuple[tuple[str, bool], ...]:
    caps = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, value = item.partition(":")
        if not sep or value not in ("0", "1") or not name:
            raise _LineError("bad_value")
        caps.append((name, value == "1"))
    return tuple(caps)


def _header_value(kind: str, raw: str, key: str = "") -> object:
    if kind == "str":
        return raw
    if kind == "int":
        if not _INT_RE.match(raw):
            raise _LineError("bad_value")
        if len(raw.lstrip("+-")) > MAX_INT_DIGITS:
            # The header identifies the round: a corrupt figure there rejects the file.
            raise ProximityFileRejected(
                "value_out_of_range", f"header {key} holds {raw[:30]}..., beyond a 64-bit integer"
            )
        return int(raw)
    if kind == "float":
        return _float(raw)
    if kind == "bool":
        return _flag(raw)
    return _parse_capabilities(raw)


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


def parse_proximity_filename(name: str) -> ProximityFileName | None:
    """Parse ``YYYY-MM-DD-HHMMSS-<map>-round-<N>_engagements.txt``; ``None`` if it differs.

    The timestamp is the server's local wall clock at *write* time (round end), not the start.
    """
    base = name.rsplit("/", 1)[-1]
    match = _FILENAME_RE.match(base)
    if match is None:
        return None
    try:
        written = datetime.strptime(match["ts"], "%Y-%m-%d-%H%M%S")
    except ValueError:
        return None
    return ProximityFileName(written, match["map"], int(match["round"]))


def parse_proximity_file(name: str, data: bytes) -> ProximityFile:
    """Parse one proximity file's bytes into records; only ever raises ProximityFileRejected.

    Lines that fail to parse are listed in ``broken_lines`` (line number, reason) and left out;
    unknown sections are listed in ``ignored_sections``; observations go to ``notes``. A file
    beyond the declared bounds (bytes, lines per section) is rejected whole, and a failure no
    rule anticipated becomes the ``unreadable`` rejection naming it.
    """
    if len(data) > MAX_PROXIMITY_FILE_BYTES:
        raise ProximityFileRejected(
            "oversized_file", f"{len(data)} bytes > {MAX_PROXIMITY_FILE_BYTES}"
        )
    try:
        return _parse_proximity_file(name, data)
    except ProximityFileRejected:
        raise
    except Exception as exc:
        raise ProximityFileRejected("unreadable", f"{type(exc).__name__}: {exc!s:.160}") from None


def _parse_proximity_file(name: str, data: bytes) -> ProximityFile:
    """The parser proper (see :func:`parse_proximity_file`)."""
    # Upstream's encoding choice: high-ASCII name bytes become U+FFFD rather than failing.
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    broken: list[BrokenLine] = []
    notes: list[str] = []
    header_values: dict[str, object] = {}
    extra_header: list[tuple[str, str]] = []
    magic: str | None = None
    format_version = 4
    section: str | None = None
    in_header = True
    pending_engagements: list[_PendingEngagement] = []
    seen_ids: set[int] = set()
    pending_lives: list[_PendingLife] = []
    kill_cells: list[KillHeatmapCell] = []
    movement_cells: list[MovementHeatmapCell] = []
    focus_rows: list[ObjectiveFocus] = []
    ignored_at: list[tuple[str, int]] = []  # (name, marker line) of unmodelled sections
    ignored_rows: list[int] = []
    section_seen: set[str] = set()
    markers: list[str] = []
    later: dict[str, SectionLines] = {}
    section_lines = 0

    for line_no, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line[0] != "#":
            section_lines += 1
            if section_lines > MAX_PROXIMITY_SECTION_LINES:
                raise ProximityFileRejected(
                    "oversized_section",
                    f"section {section or 'file'} has more than "
                    f"{MAX_PROXIMITY_SECTION_LINES} lines (line {line_no})",
                )
        if line[0] == "#":
            if in_header and magic is None:
                magic_match = _MAGIC_RE.match(line)
                if magic_match is not None:
                    magic = line[1:].strip()
                    format_version = int(magic_match.group(1))
                    continue
            marker = _SECTION_RE.match(line)
            if marker is not None:
                in_header = False
                section = marker.group(1)
                section_lines = 0
                if section in section_seen:
                    notes.append(f"section {section} repeated at line {line_no}")
                section_seen.add(section)
                markers.append(section)
                if section in _LATER:
                    later.setdefault(section, SectionLines(section, line_no))
                elif section not in KNOWN_SECTIONS:
                    ignored_at.append((section, line_no))
                    ignored_rows.append(0)
                continue
            collected = later.get(section) if section is not None else None
            if collected is not None and collected.column_comment is None and not collected.rows:
                collected.column_comment = line  # the first '#' line lists the columns
            if in_header:
                kv = _HEADER_RE.match(line)
                if kv is not None:
                    key, raw_value = kv.group(1), kv.group(2).strip()
                    spec = _HEADER_KEYS.get(key)
                    if spec is None:
                        extra_header.append((key, raw_value))
                        continue
                    attr, kind = spec
                    try:
                        header_values[attr] = _header_value(kind, raw_value, key)
                    except _LineError as exc:
                        broken.append(BrokenLine(line_no, f"header:{exc.code}:{key}"))
            continue  # column lists, legends and other comments
        try:
            if section == ENGAGEMENTS:
                engagement = _parse_engagement(line_no, line)
                if engagement.engagement_id in seen_ids:
                    # The id is the row's natural key within the file: keep the first.
                    raise _LineError("duplicate_engagement_id")
                seen_ids.add(engagement.engagement_id)
                pending_engagements.append(engagement)
            elif section == PLAYER_TRACKS:
                pending_lives.append(_parse_life_line(line_no, line))
            elif section == KILL_HEATMAP:
                kill_cells.append(_parse_kill_cell(line_no, line))
            elif section == MOVEMENT_HEATMAP:
                movement_cells.append(_parse_movement_cell(line_no, line))
            elif section == OBJECTIVE_FOCUS:
                focus_rows.append(_parse_objective_focus(line_no, line))
            elif section in later:
                later[section].rows.append((line_no, line))
            elif section is None:
                raise _LineError("outside_section")
            else:
                ignored_rows[-1] += 1
        except _LineError as exc:
            prefix = (section or "file").lower()
            broken.append(BrokenLine(line_no, f"{prefix}:{exc.code}"))

    sections = {name: parse_section(SECTION_SPECS[name], got) for name, got in later.items()}
    for parsed_section in sections.values():
        broken.extend(BrokenLine(*b) for b in parsed_section.broken)
    ends_with_newline = not data or data.endswith(b"\n")
    if not ends_with_newline:
        notes.append("possibly_truncated: the last line has no newline")
    elif markers and markers[-1] in later and not later[markers[-1]].rows:
        notes.append(f"possibly_truncated: the last section {markers[-1]} has no rows")
    engagements = _build_engagements(pending_engagements, broken)
    lives, samples = _build_tracks(pending_lives, broken)

    if magic is None:
        notes.append("missing magic line; assuming format version 4")
    header = ProximityHeader(
        magic=magic,
        format_version=format_version,
        extra=tuple(extra_header),
        **header_values,  # type: ignore[arg-type]
    )
    if header.position_sample_interval_ms is None:
        notes.append("header has no position_sample_interval; interval-based metrics unknown")
    if ENGAGEMENTS not in section_seen or PLAYER_TRACKS not in section_seen:
        notes.append("file lacks the ENGAGEMENTS or PLAYER_TRACKS section (truncated?)")
    if any(life.death_type is None for life in lives):
        notes.append("v4.0 track layout (no death_type) present")
    ignored_sections = tuple(
        IgnoredSection(n, ln, rows) for (n, ln), rows in zip(ignored_at, ignored_rows, strict=True)
    )
    for item in ignored_sections:
        notes.append(f"ignored section {item.name} ({item.rows} rows) at line {item.line_no}")
    broken.sort()
    return ProximityFile(
        source_file=name,
        byte_size=len(data),
        line_count=len(lines),
        header=header,
        file_name=parse_proximity_filename(name),
        engagements=engagements,
        lives=lives,
        samples=samples,
        kill_heatmap=tuple(kill_cells),
        movement_heatmap=tuple(movement_cells),
        objective_focus=tuple(focus_rows),
        ignored_sections=ignored_sections,
        broken_lines=tuple(broken),
        notes=tuple(notes),
        sections=sections,
        section_markers=tuple(markers),
        ends_with_newline=ends_with_newline,
    )
