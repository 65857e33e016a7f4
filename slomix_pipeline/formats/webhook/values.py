"""Typed values out of webhook JSON and embed text: lenient JSON decoding, numbers, clean strings.

Every reader raises ``EventRejected`` through ``reject`` so a rejection always carries a
``RejectReason``; recoverable oddities are appended to the caller's ``warnings`` instead.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from slomix_pipeline.domain.lua_rejections import EventRejected, RejectReason
from slomix_pipeline.domain.lua_values import has_control_chars, strip_control_chars
from slomix_pipeline.formats.limits import (
    MAX_INT_DIGITS,
    MAX_JSON_DEPTH,
    first_lone_surrogate,
    json_depth,
)

MAX_BODY_BYTES = 262_144


_INT_LIMIT = 10**MAX_INT_DIGITS
_INT_RE = re.compile(r"^\s*([+-]?\d+)(?:\.0*)?(?:\s+\S.*)?\s*$")
_FLOAT_RE = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:\s+\S.*)?\s*$")


def reject(reason: RejectReason, detail: str) -> EventRejected:
    """Build the exception the parsers raise; ``raise reject(...)`` reads like the policy."""
    return EventRejected(reason, detail)


def load_json(data: bytes | str, what: str, warnings: list[str], max_bytes: int) -> Any:
    """Decode JSON leniently enough to rescue pre-v1.6.4 Lua output, strictly otherwise.

    Invalid UTF-8 is replaced (warning), and raw control characters inside strings are accepted
    (warning) because old Lua versions wrote them unescaped; anything else that is not JSON is
    rejected as ``malformed_json``.
    """
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise reject(RejectReason.OVERSIZED_INPUT, f"{what}: {len(data)} > {max_bytes} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            warnings.append(f"invalid_utf8_replaced:{what}")
    else:
        text = data
    text = text.removeprefix("\ufeff")
    if len(text) > max_bytes:
        raise reject(RejectReason.OVERSIZED_INPUT, f"{what}: {len(text)} > {max_bytes} characters")
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise reject(
            RejectReason.MALFORMED_JSON, f"{what}: nesting depth {depth} > {MAX_JSON_DEPTH}"
        )
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        try:
            value = json.loads(text, strict=False)
        except (ValueError, RecursionError) as exc:
            detail = str(exc) if isinstance(exc, ValueError) else "nesting too deep"
            raise reject(RejectReason.MALFORMED_JSON, f"{what}: {detail:.200}") from None
        warnings.append(f"raw_control_chars_in_json:{what}")
    surrogate = first_lone_surrogate(value)
    if surrogate is not None:
        raise reject(
            RejectReason.MALFORMED_JSON,
            f"{what}: lone UTF-16 surrogate {surrogate} (not encodable as UTF-8)",
        )
    return value


def parse_int_text(value: str) -> int | None:
    """First token as an integer (``"562 sec"`` -> 562, ``"17.0"`` -> 17); None if not one."""
    match = _INT_RE.match(value)
    if not match or len(match.group(1).lstrip("+-")) > MAX_INT_DIGITS:
        return None
    return int(match.group(1))


def parse_float_text(value: str) -> float | None:
    """First token as a finite float, exactly as written (``"7.4333 min"`` -> 7.4333)."""
    match = _FLOAT_RE.match(value)
    if not match:
        return None
    number = float(match.group(1))
    return number if math.isfinite(number) else None


def json_int(value: Any, what: str) -> int:
    """An integer carried by typed JSON (meta, spawn stats, pause events); else ``wrong_type``."""
    if isinstance(value, bool):
        raise reject(RejectReason.WRONG_TYPE, f"{what}: boolean where an integer was expected")
    if isinstance(value, int):
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise reject(RejectReason.INVALID_VALUE, f"{what}: integer of more than 18 digits")
        return value
    if isinstance(value, float) and value.is_integer():
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise reject(RejectReason.INVALID_VALUE, f"{what}: {value!r:.40} out of range")
        return int(value)
    if isinstance(value, str) and (parsed := parse_int_text(value)) is not None:
        return parsed
    raise reject(RejectReason.WRONG_TYPE, f"{what}: expected an integer, got {value!r:.60}")


def clean_text(value: Any, what: str, limit: int, warnings: list[str]) -> str:
    """A display string made safe: control bytes stripped, trimmed, length-capped (warnings)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise reject(RejectReason.WRONG_TYPE, f"{what}: expected a string, got {value!r:.60}")
    if has_control_chars(value):
        value = strip_control_chars(value)
        warnings.append(f"control_chars_stripped:{what}")
    value = value.strip()
    if len(value) > limit:
        value = value[:limit]
        warnings.append(f"truncated:{what}")
    return value
