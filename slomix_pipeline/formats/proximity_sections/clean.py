"""Clean sections without typed rows: range flags read column-wise, rows typed only on demand.

A section whose lines pass the strict grammar of :mod:`.raw` goes to PostgreSQL as written, so
its typed rows are needed only by SQLite, by tests, and (a few columns) by the per-player
figures. Typing every field of every row was most of the cost of a file with every section
(``SHOT_FIRED`` and ``TEAM_COHESION`` alone are thousands of rows per round). Here only the
columns the range flags look at are read, by Arrow's CSV reader in one C pass, and the flags are
computed with numpy exactly as the row reader computes them (same bounds, same order, same
cross-checks: ``bulk._flags``); the rows are typed by the row reader's own converter the first
time anything reads them (:class:`LazyRows`).

Why the values agree: the grammar leaves only plain decimal integers (at most 18 digits) and
plain finite decimals, which Arrow, Python and PostgreSQL all read to the same int64 or (all
three round correctly) the same double. Anything Arrow will not read (e.g. a ``+`` sign) makes
:func:`read_flags` return None and the section is read row by row as before.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

from slomix_pipeline.formats.proximity_sections.bulk import _flags
from slomix_pipeline.formats.proximity_sections.spec_model import SectionSpec

__all__ = ["LAZY_MIN_ROWS", "LazyRows", "read_flags", "typed_column"]

LAZY_MIN_ROWS = 100
"""Below this many rows the row reader is as cheap as a column pass (~0.4 ms per Arrow call)."""
_CROSS_FIELDS = {"WEAPON_ACCURACY": ("hits", "shots_fired"), "AIM_LOCK": ("duration_ms", "samples")}
_NUMERIC = {"i": "int64", "oi": "int64", "f": "float64", "of": "float64"}


@functools.cache
def _flag_fields(spec: SectionSpec) -> tuple[str, ...]:
    names = [name for name, _lo, _hi in spec.ranges]
    names += [n for n in _CROSS_FIELDS.get(spec.marker, ()) if n not in names]
    return tuple(names)


@functools.cache
def _options(spec: SectionSpec) -> tuple[Any, Any, Any] | None:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    kinds = {f.name: f.kind for f in spec.fields}
    wanted = _flag_fields(spec)
    if any(kinds[name] not in _NUMERIC for name in wanted):
        return None
    return (
        pa_csv.ReadOptions(column_names=list(spec.names), use_threads=False),
        pa_csv.ParseOptions(delimiter=";", quote_char=False, ignore_empty_lines=False),
        pa_csv.ConvertOptions(
            include_columns=list(wanted),
            column_types={n: getattr(pa, _NUMERIC[kinds[n]])() for n in wanted},
            null_values=[""],
            strings_can_be_null=False,
        ),
    )


def read_flags(spec: SectionSpec, blob: str, count: int) -> list[str | None] | None:
    """The ``out_of_range`` text of each of the ``count`` rows of a clean ``blob`` (lines each
    ending in a newline, checked by :func:`.raw.raw_texts`), or None to read row by row."""
    wanted = _flag_fields(spec)
    if not wanted:
        return [None] * count
    options = _options(spec)
    if options is None:
        return None
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        table = pa_csv.read_csv(pa.BufferReader(blob.encode()), *options)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    if table.num_rows != count:
        return None
    kinds = {f.name: f.kind for f in spec.fields}
    columns: dict[str, np.ndarray] = {}
    for name in wanted:
        column = table.column(name)
        if column.null_count and kinds[name] in ("i", "f"):
            return None  # the grammar has no empty required number; never guess
        # Optional numbers: nulls become NaN, which is never flagged (None is not, either).
        values = column.to_numpy(zero_copy_only=False)
        if kinds[name] in ("i", "f") or column.null_count == 0:
            columns[name] = values
        else:
            columns[name] = values.astype(np.float64)
    return _flags(spec, columns, count)


_BOOL = {"1": True, "0": False}
_CONVERT = {
    "i": int,
    "f": float,
    "s": str,
    "o": lambda t: t or None,
    "oi": lambda t: int(t) if t else None,
    "of": lambda t: float(t) if t else None,
    "b": _BOOL.__getitem__,
}


def typed_column(spec: SectionSpec, texts: Sequence[str], name: str) -> list[Any]:
    """One field of every clean line, typed as the row reader types it."""
    index = spec.names.index(name)
    convert = _CONVERT[spec.fields[index].kind]
    return [convert(text.split(";", index + 1)[index]) for text in texts]


class LazyRows(Sequence[tuple[Any, ...]]):
    """The typed rows ``(source_line, *fields, out_of_range)`` of a clean section, built on first
    use by the row reader's converter; compares equal to the tuple of the same rows."""

    __slots__ = ("_convert", "_flags", "_lines", "_rows")

    def __init__(
        self,
        convert: Any,
        lines: Sequence[tuple[int, str]],
        flags: Sequence[str | None],
    ) -> None:
        self._convert = convert
        self._lines = lines
        self._flags = flags
        self._rows: tuple[tuple[Any, ...], ...] | None = None

    def typed(self) -> tuple[tuple[Any, ...], ...]:
        if self._rows is None:
            convert = self._convert
            self._rows = tuple(
                (line_no, *convert(text.split(";")), flag)
                for (line_no, text), flag in zip(self._lines, self._flags, strict=True)
            )
        return self._rows

    def keys(self) -> list[tuple[int, str | None]]:
        """``(source_line, out_of_range)`` of every row, without typing the fields."""
        return [
            (line_no, flag) for (line_no, _), flag in zip(self._lines, self._flags, strict=True)
        ]

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[Any, ...], ...]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self.typed()[index]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.typed())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRows):
            other = other.typed()
        return isinstance(other, tuple) and self.typed() == other

    def __hash__(self) -> int:
        return hash(self.typed())

    def __repr__(self) -> str:
        return repr(self.typed())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self.typed(),))
