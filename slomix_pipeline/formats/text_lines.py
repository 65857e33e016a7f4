"""A side-car file's bytes as the lines its parser walks (endstats, proximity).

Both writers are Lua scripts on the game server: UTF-8 text, LF line ends, a final newline.
"""

from __future__ import annotations


def decoded_lines(data: bytes) -> list[str]:
    """The lines of ``data``, without the empty string a final newline would leave behind.

    Decoded as UTF-8 with replacement: a high-ASCII byte in a player name becomes U+FFFD rather
    than failing the whole file. Split on LF only (not ``splitlines``), so a CR stays at the line
    end for the parser to strip and note, and no other control character ends a line.
    """
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
