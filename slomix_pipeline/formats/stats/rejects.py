"""Why a stats file cannot become a round: the stable reason codes and the rejection error."""

from __future__ import annotations

from slomix_pipeline.formats.rejection import FileRejected

REJECTION_REASONS: frozenset[str] = frozenset(
    {
        "bad_filename",  # not YYYY-MM-DD-HHMMSS-<map>-round-<N>..., or an impossible date
        "not_a_stats_file",  # a side-car (endstats, _ws) or unknown kind was handed to the parser
        "invalid_round_number",  # the file-name round is not 1 or 2
        "empty_file",  # no bytes, or only whitespace
        "binary_content",  # NUL bytes: not a text file
        "invalid_header",  # line 1 has fewer than 8 backslash fields
        "header_only",  # nothing after the header line
        "no_player_lines",  # only blank lines after the header
        "malformed_player_line",  # a player line breaks the layout (line number + value given)
        "truncated_file",  # the unterminated last line fails to parse: the write was cut off
        "oversized_file",  # more bytes or player lines than any real round writes
        "unreadable",  # a failure no rule anticipated (the detail names it); never fatal
    }
)
"""Every reason code :class:`StatsFileRejected` can carry."""


class StatsFileRejected(FileRejected):
    """A file that cannot become a round; ``reason`` is a stable code from REJECTION_REASONS."""


class _LineError(Exception):
    """A player line breaks the layout; the message names the offending value."""
