"""Operator-declared player merges and seasons (YAML files, reviewed like gate acknowledgements).

A merge says "these two GUIDs are one person" (a new install, a second PC)::

    - guid: 1A2B3C4D          # the GUID that disappears into the other
      into: 9F8E7D6C          # the GUID that stays canonical
      note: new install after the disk died, confirmed on Discord 2026-03-02

Removing the entry undoes the merge: every dataset is recomputed from the unmerged rows, so the
tables return exactly to what they were. Seasons are date ranges (inclusive, gaming days)::

    - name: 2026-Q1
      start: 2026-01-01
      end: 2026-03-31
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import yaml


class DatasetConfigError(ValueError):
    """A merges or seasons file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class PlayerMerge:
    guid: str
    into: str
    note: str


@dataclass(frozen=True, slots=True)
class Season:
    name: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _entries(data: bytes, source: str) -> list[dict]:
    try:
        document = yaml.safe_load(data.decode("utf-8")) if data.strip() else []
    # RecursionError: deeply nested YAML; ValueError: a date YAML accepts but the calendar does
    # not (2026-13-45). Both are a malformed file, not a crash.
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        raise DatasetConfigError(f"{source}: not valid YAML ({exc})") from exc
    if document is None:
        return []
    if not isinstance(document, list):
        raise DatasetConfigError(f"{source}: expected a list, found {type(document).__name__}")
    for position, entry in enumerate(document, start=1):
        if not isinstance(entry, dict):
            raise DatasetConfigError(f"{source}: entry {position} is not a mapping")
    return document


def _required(entry: dict, keys: tuple[str, ...], source: str, position: int) -> list[str]:
    missing = [k for k in keys if not str(entry.get(k) or "").strip()]
    if missing:
        raise DatasetConfigError(f"{source}: entry {position} lacks {', '.join(missing)}")
    return [str(entry[k]).strip() for k in keys]


def parse_merges(data: bytes, source: str = "player merges") -> tuple[PlayerMerge, ...]:
    """Each entry needs guid, into and note; GUIDs are compared upper-case; a GUID merged twice
    is an error (one person cannot disappear into two)."""
    merges: list[PlayerMerge] = []
    seen: set[str] = set()
    for position, entry in enumerate(_entries(data, source), start=1):
        guid, into, note = _required(entry, ("guid", "into", "note"), source, position)
        guid, into = guid.upper(), into.upper()
        if guid == into:
            raise DatasetConfigError(f"{source}: entry {position} merges {guid} into itself")
        if guid in seen:
            raise DatasetConfigError(f"{source}: entry {position} merges {guid} a second time")
        seen.add(guid)
        merges.append(PlayerMerge(guid, into, note))
    return tuple(merges)


def _day(value: object, source: str, position: int, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise DatasetConfigError(
            f"{source}: entry {position} {key}={value!r} is not a date"
        ) from exc


def parse_seasons(data: bytes, source: str = "seasons") -> tuple[Season, ...]:
    """Each entry needs name, start and end (YYYY-MM-DD, inclusive); names are unique, start is
    not after end, and seasons never overlap (a night belongs to at most one season)."""
    seasons: list[Season] = []
    for position, entry in enumerate(_entries(data, source), start=1):
        name, _, _ = _required(entry, ("name", "start", "end"), source, position)
        start = _day(entry["start"], source, position, "start")
        end = _day(entry["end"], source, position, "end")
        if start > end:
            raise DatasetConfigError(f"{source}: season {name} starts after it ends")
        if name == ALL_TIME or any(s.name == name for s in seasons):
            raise DatasetConfigError(f"{source}: season name {name!r} is reserved or repeated")
        for other in seasons:
            if start <= other.end and other.start <= end:
                raise DatasetConfigError(f"{source}: season {name} overlaps {other.name}")
        seasons.append(Season(name, start, end))
    return tuple(sorted(seasons, key=lambda s: s.start))


ALL_TIME = "all-time"
"""The season name of the career rows (every day)."""


def render_merges(merges: list[PlayerMerge]) -> bytes:
    document = [{"guid": m.guid, "into": m.into, "note": m.note} for m in merges]
    return yaml.safe_dump(document, sort_keys=False).encode("utf-8")


def render_seasons(seasons: list[Season]) -> bytes:
    document = [
        {"name": s.name, "start": s.start.isoformat(), "end": s.end.isoformat()} for s in seasons
    ]
    return yaml.safe_dump(document, sort_keys=False).encode("utf-8")
