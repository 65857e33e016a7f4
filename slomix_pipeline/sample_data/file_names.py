"""File names the game server gives its stats files, side-cars and (for the sample) broken files.

One place for the naming rule, shared by the stats writer, the endstats renderer and the truth.
"""

from __future__ import annotations

from datetime import datetime

from slomix_pipeline.sample_data.model import SimMalformedFile, SimRound


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d-%H%M%S")


def stats_file_name(r: SimRound) -> str:
    """``YYYY-MM-DD-HHMMSS-<map>-round-N.txt`` from the moment the file was written."""
    return f"{_stamp(r.file_written_local)}-{r.map_name}-round-{r.round_number}.txt"


def endstats_file_name(r: SimRound) -> str | None:
    """The side-car's name (its own timestamp), or None when this round has no side-car."""
    if r.endstats_written_local is None:
        return None
    return f"{_stamp(r.endstats_written_local)}-{r.map_name}-round-{r.round_number}-endstats.txt"


def malformed_file_name(spec: SimMalformedFile) -> str:
    return f"{_stamp(spec.local_time)}-{spec.map_name}-round-{spec.round_number}.txt"
