"""Endstats decisions: which round a side-car belongs to, what its awards really are, who won.

Pure functions over the records of :mod:`slomix_pipeline.formats.endstats` (no SQL, no files):

* :func:`decode_awards` undoes the writer's known mislabelling (``endstats.md`` §4): a second
  ``Longest killing spree`` line, or one with value 0, is the broken "useful kills" slot
  (``bogus``); a ``Most objectives stolen`` line right after it is really "Most useless kills"
  (relabelled, raw label kept); ``Most multikills`` ≤ 1 is below the award threshold
  (``not_awarded``). It also gives each award its **scope**: an R1 file is the round, an R2
  file mixes R1+R2 session counters with R2-only Lua counters (§5).
* :func:`split_partners` finds the old Lua's split pairs (awards in one file, VS blocks in a
  second one a second later) so they are merged into one logical file instead of one being lost.
* :func:`link_round` links a file to the stats round of the same map and round number whose file
  time is closest to the endstats file time, within :data:`LINK_WINDOW_S` either side, across
  midnight (unix times), and only if that closest round is unique. No 45-minute fallback: a file
  with no stats round in the window stays unlinked with a reason and is retried by the next run.
* :func:`resolve_name` maps a name to a GUID **within the linked round's roster only**, with the
  same cleaning on both sides; zero or several matches are ``unresolved``/``ambiguous``, never a
  guess. A name that matches no roster entry may still be resolved through the file's own
  ``VS_HEADER`` lines (the mirror rule), when that name is unique among the subjects.
* :data:`DERIVABLE_AWARDS` and :func:`award_disagreement` support the check that an award's
  value equals its winner's value in the round's player rows (in the award's scope).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from slomix_pipeline.domain.closest_round import closest_rounds
from slomix_pipeline.formats.colour import strip_colour_codes
from slomix_pipeline.formats.endstats import AWARD_CATALOGUE, LUA, AwardLine, VersusSubject

__all__ = [
    "DERIVABLE_AWARDS",
    "LINK_WINDOW_S",
    "SPLIT_WINDOW_S",
    "DecodedAward",
    "FileKey",
    "LinkDecision",
    "Resolution",
    "RosterEntry",
    "RosterIndex",
    "RoundRef",
    "award_disagreement",
    "award_scope",
    "clean_name",
    "decode_awards",
    "link_round",
    "resolve_name",
    "split_partners",
]

LINK_WINDOW_S = 30
"""Largest |endstats file time − stats file time| for a link (both are round-end write times;
upstream saw the side-car 1–4 s before the stats file)."""
SPLIT_WINDOW_S = 5
"""Largest time difference between the two halves of a split file."""

AWARDED, BOGUS, NOT_AWARDED = "awarded", "bogus", "not_awarded"
SCOPE_R1, SCOPE_R1_R2, SCOPE_R2, SCOPE_MIXED = "r1", "r1_plus_r2", "r2_only", "mixed"
_SPREE = "Longest killing spree"
_STOLEN = "Most objectives stolen"
_USELESS = "Most useless kills"
_MULTI = "Most multikills"
_MIXED_AWARDS = frozenset({"Full respawn king", "Least time dead (What spawn?)"})


@dataclass(frozen=True, slots=True)
class DecodedAward:
    """An award line after decoding: corrected label, status, quirk and scope."""

    line_no: int
    award_order: int
    raw_label: str
    award_name: str
    status: str  # awarded | bogus | not_awarded
    quirk: str | None
    scope: str  # r1 | r1_plus_r2 | r2_only | mixed
    player_name: str
    value_text: str
    value_numeric: float | None
    value_secondary: float | None


def award_scope(label: str, round_number: int) -> str:
    """Which play the value covers: R1 files the round; R2 files R1+R2 or R2 only (§5)."""
    if round_number != 2:
        return SCOPE_R1
    if label in _MIXED_AWARDS:
        return SCOPE_MIXED  # R2-only dead time divided by R1+R2 time on a team
    info = AWARD_CATALOGUE.get(label)
    return SCOPE_R2 if info is not None and info.source == LUA else SCOPE_R1_R2


def decode_awards(awards: Sequence[AwardLine], round_number: int) -> list[DecodedAward]:
    """Decode the writer's mislabelled lines (§4); every line is kept, with a status."""
    out: list[DecodedAward] = []
    spree_seen = False
    previous_bogus_spree = False
    for order, line in enumerate(awards, start=1):
        label, status, quirk = line.label, AWARDED, None
        bogus_spree = False
        if line.label == _SPREE:
            if spree_seen:
                status, quirk, bogus_spree = BOGUS, "duplicate_spree_line", True
            elif line.value_numeric is not None and line.value_numeric == 0:
                status, quirk, bogus_spree = BOGUS, "zero_spree_line", True
            spree_seen = True
        elif line.label == _STOLEN and previous_bogus_spree:
            label, quirk = _USELESS, "useless_kills_mislabelled"
        elif line.label == _MULTI and (line.value_numeric or 0) <= 1:
            status, quirk = NOT_AWARDED, "multikills_below_threshold"
        previous_bogus_spree = bogus_spree
        out.append(
            DecodedAward(
                line_no=line.line_no,
                award_order=order,
                raw_label=line.label,
                award_name=label,
                status=status,
                quirk=quirk,
                scope=award_scope(label, round_number),
                player_name=line.player_name,
                value_text=line.value_text,
                value_numeric=line.value_numeric,
                value_secondary=line.value_secondary,
            )
        )
    return out


# ------------------------------------------------------------------------------ split files


@dataclass(frozen=True, slots=True)
class FileKey:
    """What split detection needs of one file."""

    name: str
    map_key: str
    round_number: int
    written_unix: int
    awards: int
    versus: int


def split_partners(files: Iterable[FileKey]) -> dict[str, str]:
    """``{vs-only file: awards file}`` for split pairs (same map and round, ≤ 5 s apart).

    A file with awards absorbs at most one VS-only partner, the closest in time (ties: the
    earlier name). Deterministic whatever the input order.
    """
    items = sorted(files, key=lambda f: (f.written_unix, f.name))
    partners: dict[str, str] = {}
    taken: set[str] = set()
    for main in items:
        if not main.awards:
            continue
        best: FileKey | None = None
        for other in items:
            if (
                other.name in taken
                or other.name == main.name
                or other.awards
                or not other.versus
                or other.map_key != main.map_key
                or other.round_number != main.round_number
                or abs(other.written_unix - main.written_unix) > SPLIT_WINDOW_S
            ):
                continue
            key = (abs(other.written_unix - main.written_unix), other.name)
            if best is None or key < (abs(best.written_unix - main.written_unix), best.name):
                best = other
        if best is not None:
            partners[best.name] = main.name
            taken.add(best.name)
    return partners


# ------------------------------------------------------------------------------- round link


@dataclass(frozen=True, slots=True)
class RoundRef:
    """A stats round as linking needs it."""

    round_id: int
    round_key: str
    map_key: str
    round_number: int
    file_time_unix: int


@dataclass(frozen=True, slots=True)
class LinkDecision:
    """The linked round (or None) and why."""

    round_ref: RoundRef | None
    reason: str  # linked | no_stats_round | ambiguous_stats_round | no_file_time
    delta_s: int | None

    @property
    def round_id(self) -> int | None:
        return self.round_ref.round_id if self.round_ref else None


def link_round(
    written_unix: int | None,
    map_key: str,
    round_number: int,
    rounds: Iterable[RoundRef],
    *,
    window_s: int = LINK_WINDOW_S,
) -> LinkDecision:
    """The stats round of this map and round number closest in time, if unique and in window."""
    if written_unix is None:
        return LinkDecision(None, "no_file_time", None)
    best, best_delta = closest_rounds(rounds, map_key, round_number, written_unix)
    if best_delta is None or best_delta > window_s:
        return LinkDecision(None, "no_stats_round", None)
    if len(best) > 1:
        return LinkDecision(None, "ambiguous_stats_round", best_delta)
    return LinkDecision(best[0], "linked", best_delta)


# --------------------------------------------------------------------------- name -> GUID


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One player row of the linked round: warehouse player key and the stats file's name."""

    player_guid: str
    name: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """A resolved GUID (or None) and how: resolved | vs_header | ambiguous | unresolved |
    empty_name | no_round."""

    guid: str | None
    status: str


def clean_name(name: str) -> str:
    """The comparison form of a name on both sides: colour codes and edge spaces removed."""
    return strip_colour_codes(name).strip()


def _index(roster: Iterable[RosterEntry]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for entry in roster:
        out.setdefault(clean_name(entry.name), []).append(entry.player_guid)
    return out


class RosterIndex:
    """A round's roster by cleaned name, plus the file's ``VS_HEADER`` GUIDs (mirror rule)."""

    def __init__(
        self, roster: Iterable[RosterEntry] | None, subjects: Sequence[VersusSubject] = ()
    ) -> None:
        entries = list(roster) if roster is not None else None
        self.linked = entries is not None
        self.by_name = _index(entries or ())
        self.guids = {e.player_guid for e in entries or ()}
        counts = Counter(clean_name(s.name) for s in subjects)
        self.header_guid = {
            clean_name(s.name): s.guid[:8].upper()
            for s in subjects
            if s.guid and counts[clean_name(s.name)] == 1
        }

    def resolve(self, name: str) -> Resolution:
        return resolve_name(name, self)

    def subject(self, subject: VersusSubject | None) -> Resolution:
        """A VS subject: the header GUID (first 8 chars) when present, else by name."""
        if subject is None:
            return Resolution(None, "no_subject")
        if subject.guid:
            guid8 = subject.guid[:8].upper()
            if not self.linked or guid8 in self.guids:
                return Resolution(guid8, "vs_header")
            # Bots (and GUID-less clients) have a name-derived key in the roster.
            by_name = self.resolve(subject.name)
            if by_name.guid is not None:
                return by_name
            return Resolution(guid8, "vs_header_not_in_roster")
        return self.resolve(subject.name)


def resolve_name(name: str, index: RosterIndex) -> Resolution:
    """Exactly one roster match -> that GUID; else the unique VS header of that name; else
    ``ambiguous`` (several) or ``unresolved`` (none). Never a global alias lookup."""
    cleaned = clean_name(name)
    if not cleaned:
        return Resolution(None, "empty_name")
    if not index.linked:
        return Resolution(None, "no_round")
    matches = index.by_name.get(cleaned, [])
    if len(matches) == 1:
        return Resolution(matches[0], "resolved")
    if len(matches) > 1:
        return Resolution(None, "ambiguous")
    via_header = index.header_guid.get(cleaned)
    if via_header is not None and via_header in index.guids:
        return Resolution(via_header, "vs_header")
    return Resolution(None, "unresolved")


# ------------------------------------------------------------------------- derivable awards

DERIVABLE_AWARDS: dict[str, str] = {
    "Most damage given": "damage_given",
    "Most damage received": "damage_received",
    "Most team damage given": "team_damage_given",
    "Most team damage received": "team_damage_received",
    "Most teamkills": "team_kills",
    "Most selfkills": "self_kills",
    "Most deaths": "deaths",
    "Most corpse gibs": "gibs",
    "Most revives": "revives_given",
    "Most revived": "times_revived",
    "Most kill assists": "kill_assists",
    "Most killsteals": "kill_steals",
    "Most headshot kills": "headshot_kills",
    "Most dynamites planted": "dynamites_planted",
    "Most dynamites defused": "dynamites_defused",
    "Most objectives returned": "objectives_returned",
    "Most useless kills": "useless_kills",
}
"""Award (decoded name) -> ``player_comprehensive_stats`` column with the same count."""


def award_disagreement(
    award_name: str,
    value: float | None,
    scope: str,
    r1_row: Mapping[str, float] | None,
    round_row: Mapping[str, float] | None,
) -> str | None:
    """Why a derivable award's value differs from its winner's player rows, or None.

    ``round_row`` is the winner's row of the linked round (R2 rows hold R2-only values),
    ``r1_row`` his row of the paired R1 (only needed for an R2 file's R1+R2 scope).
    """
    column = DERIVABLE_AWARDS.get(award_name)
    if column is None or value is None:
        return None
    if round_row is None:
        return "winner_not_in_round"
    expected = float(round_row.get(column, 0))
    if scope == SCOPE_R1_R2:
        expected += float((r1_row or {}).get(column, 0))
    if abs(expected - value) > 1e-6:
        return f"{award_name}: award {value:g}, player rows {expected:g} ({scope})"
    return None
