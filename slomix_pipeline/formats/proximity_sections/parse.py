"""Generic reader of one spec'd section's data lines (pure; no numpy, no SQL).

Rules (``proximity-v5-v6.md`` §1.3, §7):

* a row needs at least the spec's ``min_fields`` ``;``-separated fields; fewer -> a broken line
  ``<section>:field_count``. Fields beyond the known ones are ignored (counted in
  ``extra_field_rows``): fields have only ever been appended. Missing appended fields (an older
  10-field ``SPAWN_TIMING``) are NULL, not upstream's 0.0;
* a field that does not convert -> ``<section>:bad_value``; an integer beyond 64 bits ->
  ``<section>:value_out_of_range`` (it could not be stored);
* plausibility ranges are **flagged**, never clamped: the row keeps its raw values and its
  ``out_of_range`` column names the fields (e.g. ``push_quality`` > 1, ``hits>shots_fired``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from slomix_pipeline.formats.proximity_sections.bulk import BULK_MIN_ROWS, read_bulk
from slomix_pipeline.formats.proximity_sections.clean import (
    LAZY_MIN_ROWS,
    LazyRows,
    read_flags,
    typed_column,
)
from slomix_pipeline.formats.proximity_sections.raw import raw_texts
from slomix_pipeline.formats.proximity_sections.spec_model import SectionSpec

__all__ = ["ParsedSection", "SectionLines", "flag_ranges", "parse_section"]

_MIN, _MAX = -(2**63), 2**63 - 1


@dataclass(slots=True)
class SectionLines:
    """What the file parser collected for one section: marker line, column comment, rows."""

    marker: str
    marker_line: int
    column_comment: str | None = None
    rows: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ParsedSection:
    """Typed rows ``(source_line, *fields, out_of_range)`` and what was dropped or flagged."""

    spec: SectionSpec
    marker_line: int
    rows: tuple[tuple[Any, ...], ...]
    broken: tuple[tuple[int, str], ...]
    extra_field_rows: int
    older_layout_rows: int
    out_of_range_rows: int
    column_comment: str | None
    #: The data lines as written, aligned with ``rows``, when every one is clean in the sense of
    #: :mod:`.raw` (PostgreSQL may read them as they are); otherwise None.
    raw: tuple[str, ...] | None = None

    def keys(self) -> list[tuple[int, str | None]]:
        """``(source_line, out_of_range)`` of every row (a clean section's rows stay untyped)."""
        if isinstance(self.rows, LazyRows):
            return self.rows.keys()
        return [(row[0], row[-1]) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        """One field of every row, typed (a clean section's rows stay untyped)."""
        if isinstance(self.rows, LazyRows) and self.raw is not None:
            return typed_column(self.spec, self.raw, name)
        index = self.spec.names.index(name) + 1  # rows start with the source line
        return [row[index] for row in self.rows]


def _int(text: str) -> int:
    value = int(text)
    if len(text) > 18 and not _MIN <= value <= _MAX:
        raise OverflowError(text)
    return value


def _int_via_float(text: str) -> int:
    try:
        return _int(text)
    except ValueError:
        return _int(str(int(_float(text))))


def _float(text: str) -> float:
    value = float(text)
    if value - value != 0:  # NaN or infinity
        raise ValueError(text)
    return value


def _bool(text: str) -> bool:
    if text == "1":
        return True
    if text == "0":
        return False
    raise ValueError(text)


def _opt(conv: Callable[[str], Any]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        return conv(text) if text else None

    return convert


def _text(text: str) -> str:
    return text


def _opt_text(text: str) -> str | None:
    return text or None


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "i": _int,
    "I": _int_via_float,
    "f": _float,
    "s": _text,
    "o": _opt_text,
    "oi": _opt(_int),
    "of": _opt(_float),
    "b": _bool,
}


def _hits_above_shots(values: Sequence[Any], names: dict[str, int]) -> str | None:
    return "hits>shots_fired" if values[names["hits"]] > values[names["shots_fired"]] else None


def _lock_too_long(values: Sequence[Any], names: dict[str, int]) -> str | None:
    limit = values[names["samples"]] * 400 + 400
    return "duration_ms>samples*400+400" if values[names["duration_ms"]] > limit else None


_CROSS_CHECKS: dict[str, Callable[[Sequence[Any], dict[str, int]], str | None]] = {
    "WEAPON_ACCURACY": _hits_above_shots,
    "AIM_LOCK": _lock_too_long,
}


_BOOL = {"1": True, "0": False}
_EXPR = {
    "i": "int(p[{i}])",
    "I": "_int_via_float(p[{i}])",
    "f": "float(p[{i}])",
    "s": "p[{i}]",
    "o": "(p[{i}] or None)",
    "oi": "(int(p[{i}]) if p[{i}] else None)",
    "of": "(float(p[{i}]) if p[{i}] else None)",
    "b": "_BOOL[p[{i}]]",
}


@functools.cache
def _fast_converter(spec: SectionSpec) -> Callable[[list[str]], tuple[Any, ...]]:
    """A generated ``p -> tuple`` for the spec's fields: one bytecode function per section,
    no per-field Python call for text fields (several times faster than a converter list)."""
    body = ", ".join(_EXPR[f.kind].format(i=i) for i, f in enumerate(spec.fields))
    namespace: dict[str, Any] = {"_int_via_float": _int_via_float, "_BOOL": _BOOL}
    # Generated only from the specs' constant field kinds, never from file content.
    exec(f"def convert(p):\n    return ({body},)\n", namespace)
    return namespace["convert"]  # type: ignore[no-any-return]


@functools.cache
def _fast_check(spec: SectionSpec) -> Callable[[tuple[Any, ...]], bool]:
    """A generated test that every integer fits 64 bits and every float is finite; a row that
    fails it is re-read by the slow converters, which say which reason applies."""
    terms = []
    for i, f in enumerate(spec.fields):
        if f.kind in ("i", "I"):
            terms.append(f"{_MIN} <= v[{i}] <= {_MAX}")
        elif f.kind == "oi":
            terms.append(f"(v[{i}] is None or {_MIN} <= v[{i}] <= {_MAX})")
        elif f.kind == "f":
            terms.append(f"v[{i}] - v[{i}] == 0")
        elif f.kind == "of":
            terms.append(f"(v[{i}] is None or v[{i}] - v[{i}] == 0)")
    namespace: dict[str, Any] = {}
    exec(f"def check(v):\n    return {' and '.join(terms) or 'True'}\n", namespace)
    return namespace["check"]  # type: ignore[no-any-return]


def parse_section(spec: SectionSpec, lines: SectionLines) -> ParsedSection:
    """Parse the collected lines of one section (see the module rules)."""
    texts = [text for _, text in lines.rows]
    blob = raw_texts(spec, texts)
    raw = tuple(texts) if blob is not None else None
    if blob is not None and len(texts) >= LAZY_MIN_ROWS:
        flags = read_flags(spec, blob, len(texts))
        if flags is not None:  # clean: flags read column-wise, rows typed on demand
            return ParsedSection(
                spec=spec,
                marker_line=lines.marker_line,
                rows=LazyRows(_fast_converter(spec), lines.rows, flags),  # type: ignore[arg-type]
                broken=(),
                extra_field_rows=0,
                older_layout_rows=0,
                out_of_range_rows=len(flags) - flags.count(None),
                column_comment=lines.column_comment,
                raw=raw,
            )
    if len(lines.rows) >= BULK_MIN_ROWS:
        bulk = read_bulk(spec, lines.rows, clean_blob=blob)
        if bulk is not None:  # the clean case, read in one C pass
            return ParsedSection(
                spec=spec,
                marker_line=lines.marker_line,
                rows=tuple(bulk[0]),
                broken=(),
                extra_field_rows=0,
                older_layout_rows=0,
                out_of_range_rows=bulk[1],
                column_comment=lines.column_comment,
                raw=raw,
            )
    convs = [_CONVERTERS[f.kind] for f in spec.fields]
    fast = _fast_converter(spec)
    plain = _fast_check(spec)
    width = len(convs)
    minimum = spec.min_fields
    index = {name: i for i, name in enumerate(spec.names)}
    ranges = [(index[name], lo, hi, name) for name, lo, hi in spec.ranges]
    cross = _CROSS_CHECKS.get(spec.marker)
    prefix = spec.marker.lower()
    rows: list[tuple[Any, ...]] = []
    broken: list[tuple[int, str]] = []
    extra = older = flagged = 0
    for line_no, text in lines.rows:
        parts = text.split(";")
        n = len(parts)
        if n != width:
            if n < minimum:
                broken.append((line_no, f"{prefix}:field_count"))
                continue
            if n > width:
                extra += 1
                parts = parts[:width]
            else:
                older += 1
                parts = parts + [""] * (width - n)
        try:
            values: Sequence[Any] = fast(parts)
            if not plain(values):  # overflow or NaN/infinity: the checked converters decide
                values = [conv(part) for conv, part in zip(convs, parts, strict=True)]
        except OverflowError:
            broken.append((line_no, f"{prefix}:value_out_of_range"))
            continue
        except (ValueError, KeyError):
            broken.append((line_no, f"{prefix}:bad_value"))
            continue
        out = None
        for i, lo, hi, name in ranges:
            value = values[i]
            if value is not None and not lo <= value <= hi:
                out = name if out is None else f"{out},{name}"
        if cross is not None:
            problem = cross(values, index)
            if problem is not None:
                out = problem if out is None else f"{out},{problem}"
        if out is not None:
            flagged += 1
        rows.append((line_no, *values, out))
    return ParsedSection(
        spec=spec,
        marker_line=lines.marker_line,
        rows=tuple(rows),
        broken=tuple(broken),
        extra_field_rows=extra,
        older_layout_rows=older,
        out_of_range_rows=flagged,
        column_comment=lines.column_comment,
        # A clean section has every row kept, one per line, in order.
        raw=raw if raw is not None and len(rows) == len(raw) else None,
    )


def flag_ranges(spec: SectionSpec, values: Sequence[Any]) -> str | None:
    """The ``out_of_range`` text for already typed ``values`` (fields only, spec order)."""
    index = {name: i for i, name in enumerate(spec.names)}
    out = [
        name
        for name, lo, hi in spec.ranges
        if values[index[name]] is not None and not lo <= values[index[name]] <= hi
    ]
    cross = _CROSS_CHECKS.get(spec.marker)
    problem = cross(values, index) if cross is not None else None
    if problem is not None:
        out.append(problem)
    return ",".join(out) if out else None
