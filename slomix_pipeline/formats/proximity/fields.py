"""Field readers shared by every line handler: each turns one text field into a value or raises
``_LineError`` with the code that ends up as the broken line's reason."""

from __future__ import annotations

from slomix_pipeline.formats.limits import MAX_INT_DIGITS
from slomix_pipeline.formats.proximity.rejects import _LineError


def _int(text: str, code: str = "bad_value") -> int:
    """An integer field; more than 18 digits is ``code`` too (never int()'s 4,300-digit error)."""
    try:
        if len(text) > MAX_INT_DIGITS + 1:
            raise ValueError(text[:20])
        return int(text)
    except ValueError:
        raise _LineError(code) from None


def _float(text: str, code: str = "bad_value") -> float:
    try:
        value = float(text)
    except ValueError:
        raise _LineError(code) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _LineError(code)
    return value


def _flag(text: str) -> bool:
    if text == "1":
        return True
    if text == "0":
        return False
    raise _LineError("bad_flag")


def _opt_str(text: str) -> str | None:
    return text if text else None
