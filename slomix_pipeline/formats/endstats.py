"""Parser for the endstats side-car (``…-round-N-endstats.txt``): bytes -> award and VS records.

The game server's ``endstats.lua`` writes, at every round end, one TAB-separated file with an
award table (one winner per category) followed by one head-to-head ("VS") block per player.
This module only turns bytes into typed records; the writer's mislabelled awards are decoded,
names resolved and files linked to rounds in :mod:`slomix_pipeline.domain.endstats`.

Why it is built the way it is (see ``docs/formats.md``, "Endstats side-cars"):

* **Exact award names.** Upstream recognised an award when the first cell *started with* a known
  name and silently dropped every other line that was not a VS row. Here the first cell must
  equal a catalogue name, and an unknown one is rejected with ``unknown_award``: a new award
  added to the Lua shows up in the ledger instead of vanishing.
* **One reason per bad line.** Every line that is not kept is listed in ``rejected`` with its
  1-based line number and a stable reason code (:data:`REJECT_REASONS`); the rest still loads.
* **Raw value kept.** The value text is stored as written; the numeric reading (and the second
  number of ``Full respawn king``/``Least time dead``/``Quickest multikill``) is extra. Both
  ``1 min`` (LuaJIT) and ``1.0 min`` (Lua 5.4) read as 1.0, and the Tank/Meatshield text
  ``Damage received vs death ratio: 4.04x`` reads as 4.04 (upstream stored no number).
* **Headerless VS rows are kept.** Files written before the ``VS_HEADER`` line existed (about
  before March 2026) carry head-to-head rows with no subject; they load with ``subject=None``.
* CRLF line ends are accepted; bytes are decoded as UTF-8 with replacement.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from slomix_pipeline.formats.round_file_name import (
    RoundFileName,
    parse_round_file_name,
    round_file_name_re,
)
from slomix_pipeline.formats.text_lines import decoded_lines

__all__ = [
    "AWARD_CATALOGUE",
    "LUA",
    "REJECT_REASONS",
    "SESS",
    "AwardInfo",
    "AwardLine",
    "EndstatsFile",
    "EndstatsFileName",
    "RejectedLine",
    "VersusRow",
    "VersusSubject",
    "parse_endstats_file",
    "parse_endstats_filename",
]

SESS = "sess"
"""Engine session counter: survives the stopwatch half-time, so an R2 file holds R1+R2."""
LUA = "lua"
"""The module's own counter, reset at every map load: this round only."""


class AwardInfo(NamedTuple):
    """Catalogue entry: counter source (:data:`SESS`/:data:`LUA`) and the value's unit."""

    source: str
    unit: str


_INT, _DEC = "count", "decimal"
AWARD_CATALOGUE: dict[str, AwardInfo] = {
    "Most damage given": AwardInfo(SESS, "hp"),
    "Most damage received": AwardInfo(SESS, "hp"),
    "Most team damage given": AwardInfo(SESS, "hp"),
    "Most team damage received": AwardInfo(SESS, "hp"),
    "Most teamkills": AwardInfo(SESS, _INT),
    "Most selfkills": AwardInfo(SESS, _INT),
    "Most deaths": AwardInfo(SESS, _INT),
    "Most kills per minute": AwardInfo(SESS, "kills_per_minute"),
    "Most doublekills": AwardInfo(LUA, _INT),
    "Most multikills": AwardInfo(LUA, _INT),
    "Quickest multikill w/ light weapons": AwardInfo(LUA, "kills_in_seconds"),
    "Farthest riflenade kill": AwardInfo(LUA, "metres"),
    "Most light weapon kills": AwardInfo(LUA, _INT),
    "Most pistol kills": AwardInfo(LUA, _INT),
    "Most rifle kills": AwardInfo(LUA, _INT),
    "Most riflenade kills": AwardInfo(LUA, _INT),
    "Most sniper kills": AwardInfo(LUA, _INT),
    "Most knife kills": AwardInfo(LUA, _INT),
    "Most air support kills": AwardInfo(LUA, _INT),
    "Most mine kills": AwardInfo(LUA, _INT),
    "Most grenade kills": AwardInfo(LUA, _INT),
    "Most panzer kills": AwardInfo(LUA, _INT),
    "Most mortar kills": AwardInfo(LUA, _INT),
    "Most panzer deaths": AwardInfo(LUA, _INT),
    "Mortarmagnet": AwardInfo(LUA, _INT),
    "Most MG42 kills": AwardInfo(LUA, _INT),
    "Most MG42 deaths": AwardInfo(LUA, _INT),
    "Most revives": AwardInfo(LUA, _INT),
    "Most revived": AwardInfo(LUA, _INT),
    "Best K/D ratio": AwardInfo(SESS, "ratio"),
    "Most dynamites planted": AwardInfo(LUA, _INT),
    "Most dynamites defused": AwardInfo(LUA, _INT),
    "Longest killing spree": AwardInfo(LUA, _INT),
    "Longest death spree": AwardInfo(LUA, _INT),
    "Most objectives stolen": AwardInfo(LUA, _INT),
    "Most objectives returned": AwardInfo(LUA, _INT),
    "Most corpse gibs": AwardInfo(SESS, _INT),
    "Most kill assists": AwardInfo(LUA, _INT),
    "Most killsteals": AwardInfo(LUA, _INT),
    "Most headshot kills": AwardInfo(LUA, _INT),
    "Tank/Meatshield (Refuses to die)": AwardInfo(SESS, "ratio"),
    "Full respawn king": AwardInfo(LUA, "percent_and_minutes"),
    "Least time dead (What spawn?)": AwardInfo(LUA, "percent_and_minutes"),
    "Most playtime denied": AwardInfo(LUA, "seconds"),
    "Highest light weapons accuracy": AwardInfo(SESS, "percent"),
    "Highest headshot accuracy": AwardInfo(SESS, "percent"),
    "Most headshots": AwardInfo(SESS, _INT),
    "Most bullets fired": AwardInfo(SESS, _INT),
    # In the Lua's name table but never written (bugs/disabled); kept so a fixed Lua is read.
    "Most damage per minute": AwardInfo(SESS, _DEC),
    "Most useful kills (>Half respawn time left)": AwardInfo(LUA, _INT),
    "Most useless kills": AwardInfo(LUA, _INT),
}
"""Every award label the endstats Lua can write, with its counter source and unit."""

REJECT_REASONS: tuple[str, ...] = (
    "blank_line",  # the writer never leaves one
    "too_few_fields",  # fewer than 3 TAB cells
    "too_many_fields",  # more than 3 TAB cells
    "unknown_award",  # a non-VS line before the VS blocks whose label is not in the catalogue
    "bad_value",  # an award value with no number where its unit needs one
    "empty_subject",  # a VS_HEADER without a subject name
    "bad_count",  # a VS row whose kills/deaths are not non-negative integers of ≤ 9 digits
    "award_after_versus",  # an award line after a VS block started (the writer never does)
)

_FILENAME_RE = round_file_name_re("-endstats.txt")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
_MAX_VALUE = 1e15  # far beyond any award; keeps every backend's float exact and finite
_COUNT_RE = re.compile(r"\d{1,9}$")  # at most 9 digits: fits every backend's 32-bit integer
_VS_HEADER = "VS_HEADER"


class RejectedLine(NamedTuple):
    """A line that was not kept: 1-based line number, reason code, the text as written."""

    line_no: int
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class AwardLine:
    """One award line as written (label not corrected here)."""

    line_no: int
    label: str
    player_name: str
    value_text: str
    value_numeric: float | None
    value_secondary: float | None


@dataclass(frozen=True, slots=True)
class VersusSubject:
    """A ``VS_HEADER`` line: whose head-to-head block follows; ``guid`` as written (32 hex)."""

    line_no: int
    name: str
    guid: str | None


@dataclass(frozen=True, slots=True)
class VersusRow:
    """One head-to-head row: the subject killed ``opponent`` ``kills`` times and died to him
    ``deaths`` times this round. ``subject`` is None for files without ``VS_HEADER`` lines."""

    line_no: int
    subject: VersusSubject | None
    opponent_name: str
    kills: int
    deaths: int


EndstatsFileName = RoundFileName
"""What the side-car's file name says (the shape every round file name shares)."""


@dataclass(frozen=True, slots=True)
class EndstatsFile:
    """Everything parsed from one side-car, plus the lines dropped and why."""

    source_file: str
    file_name: EndstatsFileName | None
    awards: tuple[AwardLine, ...]
    subjects: tuple[VersusSubject, ...]
    versus: tuple[VersusRow, ...]
    rejected: tuple[RejectedLine, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def quality(self) -> tuple[int, int]:
        """(award lines, VS rows): how rich the file is (split halves, duplicates)."""
        return len(self.awards), len(self.versus)


def parse_endstats_filename(name: str) -> EndstatsFileName | None:
    """Parse ``YYYY-MM-DD-HHMMSS-<map>-round-<N>-endstats.txt``; ``None`` if it differs."""
    return parse_round_file_name(_FILENAME_RE, name)


class _BadLine(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _award_value(label: str, text: str) -> tuple[float | None, float | None]:
    """(main number, second number) of an award value; raises ``bad_value`` if none."""
    numbers = _NUMBER_RE.findall(text)
    if not numbers:
        raise _BadLine("bad_value")
    main = float(numbers[0])
    second = float(numbers[1]) if len(numbers) > 1 else None
    if not all(math.isfinite(v) and abs(v) < _MAX_VALUE for v in (main, second or 0.0)):
        raise _BadLine("bad_value")  # a hostile 400-digit number reads as infinity
    if AWARD_CATALOGUE[label].unit in ("percent_and_minutes", "kills_in_seconds"):
        return main, second
    return main, None


def parse_endstats_file(name: str, data: bytes) -> EndstatsFile:
    """Parse one side-car; never raises on content (bad lines go to ``rejected``)."""
    lines = decoded_lines(data)
    awards: list[AwardLine] = []
    subjects: list[VersusSubject] = []
    versus: list[VersusRow] = []
    rejected: list[RejectedLine] = []
    notes: list[str] = []
    subject: VersusSubject | None = None
    in_versus = False
    crlf = False
    for line_no, raw in enumerate(lines, start=1):
        if raw.endswith("\r"):
            raw, crlf = raw[:-1], True
        try:
            if not raw.strip():
                raise _BadLine("blank_line")
            cells = raw.split("\t")
            if cells[0] == _VS_HEADER and len(cells) in (2, 3):
                # An empty GUID leaves a trailing TAB, which an editor may have stripped.
                if not cells[1].strip():
                    raise _BadLine("empty_subject")
                guid = cells[2].strip() if len(cells) == 3 else ""
                subject = VersusSubject(line_no, cells[1].strip(), guid or None)
                subjects.append(subject)
                in_versus = True
                continue
            if len(cells) < 3:
                raise _BadLine("too_few_fields")
            if len(cells) > 3:
                raise _BadLine("too_many_fields")
            first = cells[0]
            if first in AWARD_CATALOGUE:
                if in_versus:
                    raise _BadLine("award_after_versus")
                value_text = cells[2].strip()
                main, second = _award_value(first, value_text)
                awards.append(AwardLine(line_no, first, cells[1].strip(), value_text, main, second))
                continue
            kills, deaths = cells[1].strip(), cells[2].strip()
            if _COUNT_RE.match(kills) and _COUNT_RE.match(deaths):
                in_versus = True
                versus.append(VersusRow(line_no, subject, first.strip(), int(kills), int(deaths)))
                continue
            raise _BadLine("bad_count" if in_versus else "unknown_award")
        except _BadLine as exc:
            rejected.append(RejectedLine(line_no, exc.code, raw))
    if crlf:
        notes.append("crlf_line_ends")
    headerless = sum(1 for row in versus if row.subject is None)
    if headerless:
        notes.append(f"headerless_versus_rows:{headerless}")
    return EndstatsFile(
        source_file=name,
        file_name=parse_endstats_filename(name),
        awards=tuple(awards),
        subjects=tuple(subjects),
        versus=tuple(versus),
        rejected=tuple(rejected),
        notes=tuple(notes),
    )
