"""The ``YYYY-MM-DD-HHMMSS-<map>-round-<N><suffix>`` name the side-car writers give a round file.

The endstats side-car and the proximity tracker file share this shape and differ only in the
suffix; one record, one pattern builder and one parser keep the two readings identical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RoundFileName:
    """What the file name says: the server-local *write* time (round end), map and round number.

    Informational only: the round number is the same (possibly wrong) variable the file's own
    header carries, so round identity must never be decided from it.
    """

    written_local: datetime
    map_name: str
    round_number: int


def round_file_name_re(suffix: str) -> re.Pattern[str]:
    """The pattern of a round file name ending in ``suffix`` (taken literally)."""
    return re.compile(
        r"^(?P<ts>\d{4}-\d{2}-\d{2}-\d{6})-(?P<map>.+)-round-(?P<round>\d+)"
        + re.escape(suffix)
        + "$"
    )


def parse_round_file_name(pattern: re.Pattern[str], name: str) -> RoundFileName | None:
    """What a path's base name says, or None if it does not match ``pattern``."""
    match = pattern.match(name.rsplit("/", 1)[-1])
    if match is None:
        return None
    try:
        written = datetime.strptime(match["ts"], "%Y-%m-%d-%H%M%S")
    except ValueError:
        return None
    return RoundFileName(written, match["map"], int(match["round"]))
