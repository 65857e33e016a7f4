"""Split a range of gaming days into chunks, so a range run holds one chunk's data at a time.

A whole-history rebuild is one Dagster step per asset over thousands of days; building every
row of the range before writing held over a gigabyte (issue 13). Ingestion plans and writes one
chunk at a time inside the step's single transaction: the tables and the all-or-nothing
behaviour of the range are unchanged, only the peak memory is bounded by the chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

CHUNK_DAYS = 28
"""Calendar days per chunk: about 11 nights of play, a few MB of rows (issue 13 bench)."""


def day_chunks(days: Sequence[date], size: int = CHUNK_DAYS) -> Iterator[list[date]]:
    """The sorted distinct ``days`` in consecutive runs of at most ``size`` calendar days."""
    ordered = sorted(set(days))
    chunk: list[date] = []
    for day in ordered:
        if chunk and (day - chunk[0]).days >= size:
            yield chunk
            chunk = []
        chunk.append(day)
    if chunk:
        yield chunk
