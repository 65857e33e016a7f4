"""What the file name says (write time, map, round): informational, never round identity."""

from __future__ import annotations

from slomix_pipeline.formats.proximity.file_record import ProximityFileName
from slomix_pipeline.formats.round_file_name import parse_round_file_name, round_file_name_re

_FILENAME_RE = round_file_name_re("_engagements.txt")


def parse_proximity_filename(name: str) -> ProximityFileName | None:
    """Parse ``YYYY-MM-DD-HHMMSS-<map>-round-<N>_engagements.txt``; ``None`` if it differs.

    The timestamp is the server's local wall clock at *write* time (round end), not the start.
    """
    return parse_round_file_name(_FILENAME_RE, name)
