"""The shape of a section spec (:class:`SectionSpec`, :class:`FieldSpec`) and the factory the
spec table in :mod:`.specs` is written with.

Field kinds: ``i`` integer, ``I`` integer written as a decimal (``int(float())``, e.g. objective
coordinates), ``f`` finite float, ``s`` text (may be empty), ``o`` optional text (empty -> NULL),
``oi``/``of`` optional integer/float, ``b`` ``1``/``0`` boolean.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FieldSpec", "SectionSpec", "section_spec"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """How one section is read and stored."""

    marker: str
    table: str
    flag: str | None  # the capability flag gating it; None = never gated
    since: str  # tracker version that introduced it
    fields: tuple[FieldSpec, ...]
    min_fields: int
    natural_key: tuple[str, ...]  # upstream key after the round scope (not unique here)
    ranges: tuple[tuple[str, float, float], ...] = ()
    names: tuple[str, ...] = ()  # the field names (filled by the factory; read per row)


def _f(text: str) -> tuple[FieldSpec, ...]:
    """``"name:kind name:kind ..."`` -> field specs."""
    out = []
    for item in text.split():
        name, _, kind = item.partition(":")
        out.append(FieldSpec(name, kind))
    return tuple(out)


def section_spec(
    marker: str,
    table: str,
    flag: str | None,
    since: str,
    fields: str,
    key: str,
    *,
    min_fields: int | None = None,
    ranges: tuple[tuple[str, float, float], ...] = (),
) -> SectionSpec:
    """One spec from the compact ``"name:kind ..."`` field text and a space-separated key."""
    parsed = _f(fields)
    return SectionSpec(
        marker,
        table,
        flag,
        since,
        parsed,
        min_fields if min_fields is not None else len(parsed),
        tuple(key.split()),
        ranges,
        tuple(f.name for f in parsed),
    )
