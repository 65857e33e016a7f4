"""Bounds every parser enforces, so that what a parser accepts every warehouse backend can store.

SQLite stores any integer up to 64 bits in any INTEGER column, PostgreSQL's ``integer`` stops at
2**31 - 1; a value that fits one backend and not the other must be refused (or flagged) at the
parser, never discovered by the PostgreSQL COPY half-way through a partition. Likewise text:
PostgreSQL refuses NUL characters and neither driver encodes a lone UTF-16 surrogate (``\\ud800``
from a JSON escape). And input is hostile or broken often enough that nesting depth, digit
counts and file sizes are bounded too: Python's own failures there (RecursionError, the
4,300-digit ``int()`` limit, MemoryError) must never escape a parser.

Pure: no filesystem, SQL or Dagster.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

MAX_JSON_DEPTH = 32
"""Deepest array/object nesting accepted in any JSON input (the Lua writes at most 4 levels)."""

MAX_INT_DIGITS = 18
"""Longest run of digits read as an integer anywhere (fits int64; far below int()'s limit)."""

# File size per kind of landed file (bytes). Larger files are rejected before parsing, which
# bounds a materialization's memory (see docs/operations.md, "Limits").
MAX_STATS_FILE_BYTES = 4 * 1024 * 1024
"""A real stats file is ~10-30 KiB (at most 64 players of ~400 bytes)."""
MAX_STATS_PLAYERS = 128
"""Player lines per stats file: the engine allows 64 clients; twice that is corruption."""
MAX_PROXIMITY_FILE_BYTES = 64 * 1024 * 1024
"""A busy 20-minute round writes a few MiB; 64 MiB keeps parsing within the memory bound."""
MAX_PROXIMITY_SECTION_LINES = 200_000
"""Lines per proximity section (a full round has a few thousand engagements and lives)."""

_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def in_int32(value: int) -> bool:
    """Whether ``value`` fits a PostgreSQL ``integer`` column (and so every backend)."""
    return INT32_MIN <= value <= INT32_MAX


def in_int64(value: int) -> bool:
    """Whether ``value`` fits a ``bigint`` column (and SQLite's INTEGER)."""
    return INT64_MIN <= value <= INT64_MAX


def json_depth(text: str) -> int:
    """Deepest bracket nesting of JSON text, strings excluded (linear, no recursion)."""
    structure = _NOT_BRACKET_RE.sub("", _STRING_RE.sub("", text))
    # the deepest nesting is the largest running sum of +1 per opener, -1 per closer
    # (accumulate and map run in C: a character loop was 4 % of a whole-history rebuild)
    return max(0, max(accumulate(map(_BRACKET_STEP.__getitem__, structure)), default=0))


_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def lone_surrogate(text: str) -> str | None:
    """The first lone UTF-16 surrogate in ``text`` as ``U+XXXX``, else None.

    Python's JSON decoder joins a valid ``\\ud83d\\ude00`` pair into one code point, so any
    surrogate left in a decoded string is unpaired and cannot be encoded as UTF-8 by any driver.
    """
    match = _LONE_SURROGATE_RE.search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def first_lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate anywhere in a decoded JSON value (keys and strings), else None."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"U+{ord(exc.object[exc.start]):04X}"
    return None
