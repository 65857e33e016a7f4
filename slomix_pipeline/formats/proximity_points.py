"""Point lists of the proximity file (``time,x,y,...,event|...``): every track path of a file
(and, separately, every engagement path) read in one C-level pass into flat numpy columns.

Split out of :mod:`slomix_pipeline.formats.proximity` (the line parser), which hands it the texts
and turns the columns into records. Pure: no SQL, no Dagster.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import numpy as np

if TYPE_CHECKING:  # pandas and Arrow load on first use: every run process imports the
    import pyarrow as pa  # definitions, and most runs never read a proximity file.

__all__ = [
    "ENGAGEMENT_POINTS",
    "TRACK_POINTS",
    "PointChunk",
    "PointSchema",
    "merge_chunks",
    "read_isolating",
    "read_points",
]


class PointSchema(NamedTuple):
    """Column layout of one kind of ``|``-separated point list."""

    columns: tuple[str, ...]  # the last column is the event name
    dtypes: dict[str, object]
    float_columns: tuple[str, ...]

    @property
    def arrow_types(self) -> dict[str, pa.DataType]:
        """The same column types for Arrow (the event name as a dictionary of strings)."""
        return _arrow_types()[self.columns]


TRACK_POINTS = PointSchema(
    ("time_ms", "x", "y", "z", "health", "speed", "weapon", "stance", "sprint", "ev"),
    {
        "time_ms": np.int64,
        "x": np.float64,
        "y": np.float64,
        "z": np.float64,
        "health": np.int32,
        "speed": np.float64,
        "weapon": np.int32,
        "stance": np.int8,
        "sprint": np.int8,
        "ev": "category",
    },
    ("x", "y", "z", "speed"),
)
ENGAGEMENT_POINTS = PointSchema(
    ("time_ms", "x", "y", "z", "ev"),
    {"time_ms": np.int64, "x": np.float64, "y": np.float64, "z": np.float64, "ev": "category"},
    ("x", "y", "z"),
)


@functools.cache
def _arrow_types() -> dict[tuple[str, ...], dict[str, pa.DataType]]:
    """Each schema's column types for Arrow (built on first use, when Arrow is imported)."""
    import pyarrow as pa

    arrow_of = {
        np.int64: pa.int64(),
        np.int32: pa.int32(),
        np.int8: pa.int8(),
        np.float64: pa.float64(),
        "category": pa.dictionary(pa.int32(), pa.string()),
    }
    return {
        schema.columns: {name: arrow_of[kind] for name, kind in schema.dtypes.items()}  # type: ignore[index]
        for schema in (TRACK_POINTS, ENGAGEMENT_POINTS)
    }


class PointChunk(NamedTuple):
    columns: dict[str, np.ndarray]
    codes: np.ndarray
    names: tuple[str, ...]


def read_points(texts: Sequence[str], expected: int, schema: PointSchema) -> PointChunk | None:
    """Parse many point lists in one C-level pass; ``None`` if any point is malformed.

    Arrow's CSV reader is tried first (about half pandas' CPU time, and it releases the GIL, so
    the writer thread runs meanwhile); anything it does not read cleanly, or reads as another
    count, goes through pandas as before, which alone decides what is malformed."""
    import pandas as pd

    fast = _read_points_arrow(texts, expected, schema)
    if fast is not None:
        return _checked_chunk(fast[0], fast[1], fast[2], schema)
    try:
        frame = pd.read_csv(
            io.StringIO("|".join(texts)),
            sep=",",
            lineterminator="|",
            header=None,
            names=list(schema.columns),
            dtype=schema.dtypes,
            engine="c",
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
        )
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError):
        return None
    if len(frame) != expected:
        return None
    columns = {name: frame[name].to_numpy() for name in schema.columns[:-1]}
    events = frame[schema.columns[-1]]
    names = tuple(str(c) for c in events.cat.categories)
    return _checked_chunk(columns, events.cat.codes.to_numpy(), names, schema)


def _checked_chunk(
    columns: dict[str, np.ndarray], codes: np.ndarray, names: tuple[str, ...], schema: PointSchema
) -> PointChunk | None:
    """The chunk, or ``None`` if a float is not finite or an event name is not a word."""
    for name in schema.float_columns:
        if not np.isfinite(columns[name]).all():
            return None
    if any(not n or not n.replace("_", "").isalnum() for n in names):
        return None
    return PointChunk(columns, codes, names)


def _read_points_arrow(
    texts: Sequence[str], expected: int, schema: PointSchema
) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[str, ...]] | None:
    """The columns, event codes and names read by Arrow, or ``None`` (pandas decides then).

    Empty lines are rows here (an empty point list is malformed, as pandas finds), nothing is
    quoted, and a value Arrow does not parse strictly as its column type fails the whole read.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    joined = "\n".join(texts)
    if "\r" in joined:  # a line end to Arrow, data to pandas
        return None
    blob = joined.replace("|", "\n").encode()
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(blob),
            read_options=pa_csv.ReadOptions(column_names=list(schema.columns), use_threads=False),
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=schema.arrow_types, strings_can_be_null=False
            ),
        )
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    if table.num_rows != expected or table.num_rows == 0:
        return None
    columns = {}
    for name in schema.columns[:-1]:
        column = table.column(name)
        if column.null_count:
            return None
        columns[name] = column.to_numpy()
    events = table.column(schema.columns[-1]).combine_chunks()
    seen = events.dictionary.to_pylist()
    # Sorted like pandas' categories, so both readers give the same codes and name table.
    names = sorted(seen)
    remap = np.array([names.index(name) for name in seen], dtype=np.int8)
    codes = remap[events.indices.to_numpy(zero_copy_only=False)] if seen else remap[:0]
    return columns, codes, tuple(names)


_T = TypeVar("_T")


def read_isolating(
    items: Sequence[_T],
    text_of: Callable[[_T], str],
    count_of: Callable[[_T], int],
    schema: PointSchema,
) -> Iterator[tuple[Sequence[_T], PointChunk | None]]:
    """Yield (items, chunk) groups in input order; a ``None`` chunk is one broken item.

    The common case is one C-level call over every point list of the file. Only if some
    point is garbage does it bisect, so a bad line costs O(log n) extra passes.
    """
    if not items:
        return
    chunk = read_points([text_of(i) for i in items], sum(count_of(i) for i in items), schema)
    if chunk is not None:
        yield items, chunk
    elif len(items) == 1:
        yield items, None
    else:
        mid = len(items) // 2
        yield from read_isolating(items[:mid], text_of, count_of, schema)
        yield from read_isolating(items[mid:], text_of, count_of, schema)


def merge_chunks(
    chunks: Sequence[PointChunk], columns: Sequence[str]
) -> tuple[dict[str, np.ndarray], np.ndarray, tuple[str, ...]]:
    """Concatenate chunks, re-coding their event categories onto one shared name table."""
    event_names: list[str] = []
    index: dict[str, int] = {}
    code_parts = []
    for chunk in chunks:
        remap = np.empty(len(chunk.names), dtype=np.int16)
        for i, name in enumerate(chunk.names):
            if name not in index:
                index[name] = len(event_names)
                event_names.append(name)
            remap[i] = index[name]
        code_parts.append(remap[chunk.codes] if len(remap) else chunk.codes.astype(np.int16))
    merged = {}
    for name in columns:
        parts = [chunk.columns[name] for chunk in chunks]
        merged[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
    codes = code_parts[0] if len(code_parts) == 1 else np.concatenate(code_parts)
    return merged, codes, tuple(event_names)
