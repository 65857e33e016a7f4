"""ET colour-code stripping.

ET:Legacy names and hostnames carry colour escapes: a caret followed by one character. Only the
alphanumeric escapes (``^0``..``^9``, ``^a``..``^z``, ``^A``..``^Z``) are removed, exactly one
pass, left to right. Other escapes such as ``^!`` or ``^*`` stay, and in ``^^1`` only ``^1`` is an
escape, so one ``^`` survives (``^^1Neo^!X`` -> ``^Neo^!X``). Stripping in a single regex pass
(rather than repeatedly until nothing changes) is what the game's own ``Q_CleanStr``-style
display does, and it keeps a clean name stable: identities are hashed from it.
"""

from __future__ import annotations

import re

_COLOUR_CODE = re.compile(r"\^[0-9a-zA-Z]")


def strip_colour_codes(text: str) -> str:
    """Return ``text`` without ``^x`` colour codes (x ASCII alphanumeric)."""
    if "^" not in text:  # the common case costs one scan, no regex
        return text
    return _COLOUR_CODE.sub("", text)
