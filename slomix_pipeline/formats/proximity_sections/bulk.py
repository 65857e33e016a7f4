"""Bulk reader for large sections: one pandas C-parser pass per section instead of a Python
loop per row (``TEAM_COHESION`` and ``SHOT_FIRED`` carry thousands of rows per round).

It only handles the clean case and says so by returning ``None`` otherwise, in which case
:func:`~slomix_pipeline.formats.proximity_sections.parse.parse_section` reads the section row by
row and reports each bad line. Clean means: every row has exactly the spec's field count, no
``nan``/``inf`` text anywhere (so every float is finite), every integer fits 64 bits, every
boolean is ``0``/``1``. The result is identical to the row-wise reader's (a test compares them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import numpy as np

from slomix_pipeline.formats.proximity_sections.spec_model import SectionSpec

__all__ = ["BULK_MIN_ROWS", "read_bulk"]

BULK_MIN_ROWS = 1000
"""Below this many rows the row-wise reader is as fast (pandas costs ~2 ms per call)."""
_DTYPES = {"i": np.int64, "f": np.float64, "s": object, "o": object, "b": object}
_SUPPORTED = frozenset(_DTYPES) | {"oi", "of"}


def _flags(spec: SectionSpec, columns: dict[str, np.ndarray], n: int) -> list[str | None]:
    """The ``out_of_range`` text per row (vectorised masks; strings only for flagged rows)."""
    masks: list[tuple[str, np.ndarray]] = []
    for name, lo, hi in spec.ranges:
        values = columns[name]
        if values.dtype == object:  # optional numeric column with None
            numeric = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        else:
            numeric = values.astype(np.float64, copy=False)
        bad = ~np.isnan(numeric) & ((numeric < lo) | (numeric > hi))
        if bad.any():
            masks.append((name, bad))
    if spec.marker == "WEAPON_ACCURACY":
        bad = columns["hits"] > columns["shots_fired"]
        if bad.any():
            masks.append(("hits>shots_fired", bad))
    elif spec.marker == "AIM_LOCK":
        bad = columns["duration_ms"] > columns["samples"] * 400 + 400
        if bad.any():
            masks.append(("duration_ms>samples*400+400", bad))
    out: list[str | None] = [None] * n
    if not masks:
        return out
    any_bad = np.zeros(n, dtype=bool)
    for _, mask in masks:
        any_bad |= mask
    for i in np.flatnonzero(any_bad).tolist():
        out[i] = ",".join(name for name, mask in masks if mask[i])
    return out


def read_bulk(
    spec: SectionSpec, rows: Sequence[tuple[int, str]], clean_blob: str | None = None
) -> tuple[list[tuple[Any, ...]], int] | None:
    """``(rows as (line, *fields, out_of_range), flagged rows)`` or ``None`` if not clean.

    ``clean_blob``: the rows' text already joined and checked by :mod:`.raw` (exact field
    count, finite decimal floats), so the checks here are skipped."""
    kinds = [f.kind for f in spec.fields]
    if any(k not in _SUPPORTED for k in kinds):
        return None
    width = len(kinds)
    if clean_blob is not None:
        blob = clean_blob[:-1]
    else:
        texts = [text for _, text in rows]
        if any(text.count(";") != width - 1 for text in texts):
            return None
        blob = "\n".join(texts)
        lowered = blob.lower()
        if "nan" in lowered or "inf" in lowered:
            return None
    names = list(spec.names)
    dtypes: dict[str, Any] = {}
    na_columns: dict[str, list[str]] = {}
    for name, kind in zip(names, kinds, strict=True):
        if kind in ("oi", "of"):
            dtypes[name] = np.float64 if kind == "of" else object
            na_columns[name] = [""]
        else:
            dtypes[name] = _DTYPES[kind]
    # pandas is imported here, not at module level: every run process imports the
    # definitions, and pandas is ~0.5 s of a run's start-up that most runs never use.
    import pandas as pd

    try:
        frame = pd.read_csv(
            io.StringIO(blob),
            sep=";",
            header=None,
            names=names,
            dtype=dtypes,
            engine="c",
            keep_default_na=False,
            na_values=na_columns,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
        )
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError):
        return None
    if len(frame) != len(rows):
        return None
    columns: dict[str, np.ndarray] = {}
    lists: list[list[Any]] = []
    for name, kind in zip(names, kinds, strict=True):
        series = frame[name]
        if kind == "i" or kind == "f":
            columns[name] = series.to_numpy()
            if kind == "f" and not np.isfinite(columns[name]).all():
                return None  # "1e400": the row reader refuses an infinite value
            lists.append(columns[name].tolist())
        elif kind == "of":
            values = series.to_numpy()
            if np.isinf(values).any():
                return None
            as_list = [None if v != v else v for v in values.tolist()]
            columns[name] = np.array(as_list, dtype=object)
            lists.append(as_list)
        elif kind == "oi":
            raw = series.to_numpy()
            try:
                as_list = [None if v is None or v != v or v == "" else int(v) for v in raw]
            except ValueError:
                return None
            if any(v is not None and not -(2**63) <= v < 2**63 for v in as_list):
                return None
            columns[name] = np.array(as_list, dtype=object)
            lists.append(as_list)
        elif kind == "b":
            raw_list = series.tolist()
            if any(v not in ("0", "1") for v in raw_list):
                return None
            lists.append([v == "1" for v in raw_list])
        elif kind == "o":
            lists.append([v or None for v in series.tolist()])
        else:  # "s"
            lists.append(series.tolist())
    flags = _flags(spec, columns, len(rows))
    line_numbers = [line for line, _ in rows]
    flagged = sum(flag is not None for flag in flags)
    return list(zip(line_numbers, *lists, flags, strict=True)), flagged
