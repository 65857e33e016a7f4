"""A whole stats file: checks of the bytes, then the header and the player lines.

Bytes in, typed records out; no filesystem, SQL or Dagster. A file is either parsed whole or
rejected with a :class:`StatsFileRejected` carrying a stable reason code: a round is never
half-written, so one malformed player line rejects the whole file. The whole-file fast path is
tried first, then each line goes to the per-line fast path and, if unusual, to the reference
parser, which decides and words the rejection.
"""

from __future__ import annotations

import codecs

from slomix_pipeline.formats.limits import (
    MAX_STATS_FILE_BYTES,
    MAX_STATS_PLAYERS,
)
from slomix_pipeline.formats.stats.header import (
    _parse_header,
)
from slomix_pipeline.formats.stats.identity import (
    _disambiguate,
)
from slomix_pipeline.formats.stats.names import (
    StatsFileKind,
    classify_stats_filename,
)
from slomix_pipeline.formats.stats.per_line import (
    _parse_player_line_fast,
)
from slomix_pipeline.formats.stats.player_rows import (
    PlayerRows,
    line_of_row,
)
from slomix_pipeline.formats.stats.records import (
    ParsedStatsFile,
    PlayerLine,
    _new_parsed_stats_file,
)
from slomix_pipeline.formats.stats.reference import (
    _parse_player_line,
)
from slomix_pipeline.formats.stats.rejects import (
    StatsFileRejected,
    _LineError,
)
from slomix_pipeline.formats.stats.whole_file import (
    parse_rows_fast,
)


def _lines_of(data: bytes) -> tuple[list[bytes], bool]:
    """Lines split with universal newlines and whether the last line was newline-terminated.

    Splitting bytes rather than text is equivalent (CR and LF never occur inside a UTF-8
    multi-byte sequence) and lets the number-only parts of a line skip decoding.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = data.split(b"\n")
    terminated = lines[-1] == b""
    if terminated:
        lines.pop()
    return lines, terminated


def _parse_players(
    rows: list[tuple[int, bytes]], terminated: bool, last_line: int, warnings: list[str]
) -> list[PlayerLine]:
    """Every player line: the fast path when the line is canonical, else the reference path."""
    players = []
    for line_number, line in rows:
        player = _parse_player_line_fast(line, line_number, warnings)
        if player is not None:
            players.append(player)
            continue
        try:
            text = line.decode("utf-8", errors="replace")
            players.append(_parse_player_line(text, line_number, warnings))
        except _LineError as exc:
            if line_number == last_line and not terminated:
                raise StatsFileRejected(
                    "truncated_file",
                    f"line {line_number} (last, no newline) does not parse: {exc}",
                ) from None
            raise StatsFileRejected("malformed_player_line", f"line {line_number}: {exc}") from None
    return players


def parse_stats_file(name: str, data: bytes) -> ParsedStatsFile:
    """Parse one stats file (bare file name + bytes) or raise :class:`StatsFileRejected`.

    Nothing else ever escapes: a failure no rule anticipated (a bug, MemoryError on absurd
    input) becomes the ``unreadable`` rejection naming it, so one file can only ever be
    quarantined, never stop the ingestion of the others. See :func:`_parse_stats_file`.
    """
    try:
        return _parse_stats_file(name, data)
    except StatsFileRejected:
        raise
    except Exception as exc:
        raise StatsFileRejected(
            "unreadable", f"{name!r}: {type(exc).__name__}: {exc!s:.160}"
        ) from None


def _parse_stats_file(name: str, data: bytes) -> ParsedStatsFile:
    """The parser proper.

    Text is UTF-8 decoded with ``errors="replace"`` (a bad byte in a name becomes U+FFFD instead
    of vanishing and silently changing the identity hash), with universal newlines. Side-car kinds
    are refused with ``not_a_stats_file``; callers classify first and never feed them.
    """
    file = classify_stats_filename(name)
    if file is None:
        raise StatsFileRejected(
            "bad_filename", f"{name!r} is not YYYY-MM-DD-HHMMSS-<map>-round-<N>.txt"
        )
    if file.kind is not StatsFileKind.STATS:
        raise StatsFileRejected(
            "not_a_stats_file", f"{name!r} is a {file.kind.value} file, not a stats file"
        )
    if file.round_number not in (1, 2):
        raise StatsFileRejected(
            "invalid_round_number", f"{name!r}: round {file.round_number} is not 1 or 2"
        )
    if len(data) > MAX_STATS_FILE_BYTES:
        raise StatsFileRejected(
            "oversized_file", f"{name!r} has {len(data)} bytes > {MAX_STATS_FILE_BYTES}"
        )
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        raise StatsFileRejected("empty_file", f"{name!r} has no content ({len(data)} bytes)")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise StatsFileRejected("binary_content", f"{name!r} has a NUL byte at offset {nul}")
    lines, terminated = _lines_of(data)
    header = _parse_header(lines[0].decode("utf-8", errors="replace"), file)
    if len(lines) == 1:
        raise StatsFileRejected("header_only", f"{name!r} has a header line and no player lines")
    rows = [(i + 1, line) for i, line in enumerate(lines) if i and line.strip()]
    if len(rows) > MAX_STATS_PLAYERS:
        raise StatsFileRejected(
            "oversized_file", f"{name!r} has {len(rows)} player lines > {MAX_STATS_PLAYERS}"
        )
    if not rows:
        raise StatsFileRejected(
            "no_player_lines", f"{name!r} has only blank lines after the header"
        )

    warnings: list[str] = list(header.warnings)
    fast = parse_rows_fast(rows, warnings)  # the whole file in one pass, when canonical
    if fast is None:
        players = _parse_players(rows, terminated, len(lines), warnings)
    if not terminated:
        warnings.append("missing_final_newline")
    if fast is not None:
        if len({row[1][3] for row in fast}) == len(fast):
            # Player keys distinct: rows, read as PlayerLine records only when someone asks.
            lazy = PlayerRows(fast, None)
            return _new_parsed_stats_file(file, header, lazy, tuple(warnings))
        players = list(map(line_of_row, fast))
    if len({p.player_key for p in players}) != len(players):
        players = _disambiguate(players, warnings)
    return _new_parsed_stats_file(file, header, tuple(players), tuple(warnings))
