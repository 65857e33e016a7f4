"""When a Lua delivery happened, read from the file itself even when it cannot be parsed.

A gaming day is decided by what a file says, never by when it was copied: an archive imported
with ``cp`` (no ``-p``) gives every file a fresh mtime, and a rejected file filed under its mtime
would show up under the day of the import instead of the night it belongs to. So for a Lua file
that yields no event (rejected, or a message that is not a round end) the round end is looked
for in order: the gametime file name's stamp (``gametime-<map>-R<n>-<round end>.json``), then a
``Lua_RoundEnd`` / ``round_end_unix`` value anywhere in the bytes (a body whose rosters are
broken still carries it). A number longer than an epoch (a hostile 5000-digit value) states
nothing: its first digits are not a time. Only a file that says nothing falls back to its
landing time.
Pure: bytes in, an epoch or None out.
"""

from __future__ import annotations

import re

from slomix_pipeline.formats.gametime import GAMETIME_NAME_RE

_MIN_EPOCH = 1_000_000_000  # 2001: anything smaller is not a round end
_CONTENT_RES = (
    re.compile(rb'"round_end_unix"\s*:\s*"?(\d{9,11})(?!\d)'),
    re.compile(rb'"Lua_RoundEnd"\s*,\s*"value"\s*:\s*"(\d{9,11})(?!\d)'),
    re.compile(rb"Lua_RoundEnd[^0-9]{0,40}?(\d{9,11})(?!\d)"),
    re.compile(rb'"(?:End Unix|end unix)"[^0-9]{0,40}?(\d{9,11})(?!\d)'),
)


def round_end_hint(name: str, data: bytes) -> int | None:
    """The round end a Lua file's name or bytes state, or None when it states none."""
    match = GAMETIME_NAME_RE.match(name.rsplit("/", 1)[-1])
    if match is not None:
        ts = int(match.group("ts"))
        if ts >= _MIN_EPOCH:
            return ts
    for pattern in _CONTENT_RES:
        found = pattern.search(data)
        if found is not None and int(found.group(1)) >= _MIN_EPOCH:
            return int(found.group(1))
    return None
