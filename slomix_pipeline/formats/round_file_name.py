"""The ``YYYY-MM-DD-HHMMSS-<map>-round-<N><suffix>`` name the side-car writers give a round file.

The endstats side-car and the proximity tracker file share this shape and differ only in the
suffix; one pattern builder and one parser keep the two readings identical.
"""

from __future__ import annotations

import re
from datetime import datetime


def round_file_name_re(suffix: str) -> re.Pattern[str]:
    """The pattern of a round file name ending in ``suffix`` (taken literally)."""
    return re.compile(
        r"^(?P<ts>\d{4}-\d{2}-\d{2}-\d{6})-(?P<map>.+)-round-(?P<round>\d+)"
        + re.escape(suffix)
        + "$"
    )


def parse_round_file_name(pattern: re.Pattern[str], name: str) -> tuple[datetime, str, int] | None:
    """(server-local write time, map, round) of a path's base name, or None if it differs."""
    match = pattern.match(name.rsplit("/", 1)[-1])
    if match is None:
        return None
    try:
        written = datetime.strptime(match["ts"], "%Y-%m-%d-%H%M%S")
    except ValueError:
        return None
    return written, match["map"], int(match["round"])
