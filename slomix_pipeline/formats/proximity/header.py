"""The ``# key=value`` metadata: the magic line, the known keys and their kinds, and the rule that
a known key keeps its first value wherever a later line repeats it."""

from __future__ import annotations

import re

from slomix_pipeline.formats.limits import MAX_INT_DIGITS
from slomix_pipeline.formats.proximity.fields import _flag, _float
from slomix_pipeline.formats.proximity.file_record import BrokenLine
from slomix_pipeline.formats.proximity.rejects import ProximityFileRejected, _LineError

_MAGIC_RE = re.compile(r"#\s*PROXIMITY_TRACKER_V(\d+)\s*$")
_HEADER_RE = re.compile(r"#\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")

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


def _header_line(
    key: str,
    raw: str,
    line_no: int,
    after: str | None,
    values: dict[str, object],
    extra: list[tuple[str, str]],
    broken: list[BrokenLine],
    notes: list[str],
) -> None:
    """Apply one ``# key=value`` line; ``after`` names the section it follows (None: the header).

    A key after a section counts like one in the header block (``proximity-v5-v6.md`` §7.4), with
    a note saying where it was. A known key that already has a value keeps its **first** value:
    a second, different one is a ``header:conflicting_value:<key>`` broken line (the header block
    identifies the round; a later line must not silently move it), an equal one is only noted.
    """
    spec = _HEADER_KEYS.get(key)
    if spec is None:
        extra.append((key, raw))
        if after is not None:
            notes.append(f"header key {key} after section {after} at line {line_no}")
        return
    attr, kind = spec
    try:
        value = _header_value(kind, raw, key)
    except _LineError as exc:
        broken.append(BrokenLine(line_no, f"header:{exc.code}:{key}"))
        return
    if after is not None:
        notes.append(f"header key {key} after section {after} at line {line_no}")
    if attr in values and values[attr] != value:
        broken.append(BrokenLine(line_no, f"header:conflicting_value:{key}"))
        return
    values[attr] = value
