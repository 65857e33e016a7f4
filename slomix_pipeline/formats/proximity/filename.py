"""What the file name says (write time, map, round): informational, never round identity."""

from __future__ import annotations

import re
from datetime import datetime

from slomix_pipeline.formats.proximity.file_record import ProximityFileName

_FILENAME_RE = re.compile(
    r"^(?P<ts>\d{4}-\d{2}-\d{2}-\d{6})-(?P<map>.+)-round-(?P<round>\d+)_engagements\.txt$"
)


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
