"""When a section's data lines may be handed to PostgreSQL as they are written.

A section's rows are parsed into typed tuples either way (SQLite, the per-player figures and the
range flags need them). Rendering those tuples back to text for PostgreSQL's ``COPY`` cost more
than parsing them (float ``repr`` above all); the file's own text says the same thing. It may be
sent as it is only when PostgreSQL is certain to read every field as the same value Python did,
so the whole section is checked once (one C regex pass over the joined lines) against a strict
per-kind grammar that is a subset of both readers' syntax:

* integers: optional sign and 1-18 ASCII digits (fits 64 bits; no ``_``, no other digits);
* floats: optional sign, 1-20 ASCII digits, optional ``.`` and up to 20 digits; no exponent, no
  ``nan``/``inf`` (always finite, never an underflow PostgreSQL would refuse); both readers round
  a decimal correctly, so the stored double is the same;
* booleans ``0``/``1``; text anything but ``;``, a newline, a carriage return (a line end to
  the COPY's CSV reader) or the ``\\x01`` used as the COPY's quote character; optional fields
  may be empty (NULL, as the parser maps them);
* exactly the spec's field count (no appended or missing fields to map).

Specs with an integer written as a decimal (kind ``I``) are never sent raw. Anything the grammar
refuses takes the ordinary rendering path; nothing is rejected here.
"""

from __future__ import annotations

import functools
import re

from slomix_pipeline.formats.proximity_sections.spec_model import SectionSpec

__all__ = ["RAW_QUOTE", "raw_pattern", "raw_texts"]

RAW_QUOTE = "\x01"
"""The COPY quote character of raw section text: it never occurs in a clean section."""

_INT = r"[+-]?[0-9]{1,18}"
_FLOAT = r"[+-]?[0-9]{1,20}(?:\.[0-9]{0,20})?"
_TEXT = r"[^;\n\r\x01]*"
_KINDS = {
    "i": _INT,
    "f": _FLOAT,
    "s": _TEXT,
    "o": _TEXT,
    "b": "[01]",
    "oi": f"(?:{_INT})?",
    "of": f"(?:{_FLOAT})?",
}


@functools.cache
def raw_pattern(spec: SectionSpec) -> re.Pattern[str] | None:
    """The grammar of a clean section blob (lines each ending in ``\\n``), or None if the spec
    has a field kind that is never sent raw."""
    if any(f.kind not in _KINDS for f in spec.fields):
        return None
    row = ";".join(_KINDS[f.kind] for f in spec.fields)
    return re.compile(f"(?:{row}\n)*")


def raw_texts(spec: SectionSpec, texts: list[str]) -> str | None:
    """The section's lines joined (each ending in ``\\n``) when all are clean, else None."""
    pattern = raw_pattern(spec)
    if pattern is None or not texts:
        return None
    blob = "\n".join(texts) + "\n"
    return blob if pattern.fullmatch(blob) is not None else None
