"""Gaming sessions: grouping rounds, restarts, map plays and persistent teams (pure).

A gaming session is a run of rounds in which no two consecutive rounds are more than
``gap_seconds`` apart (default 60 minutes; exactly 60 continues the session), except that the R2
of a map play always stays with its R1. The rule is applied
to round *end* times (the stats file's name is written at round end), as epochs, so it crosses
midnight and DST freely.

Why this differs from upstream: upstream numbers sessions ``max + 1`` at insert time against
"the newest row in the table", which makes ids depend on import order, files a late round into
whichever session is newest, and never merges. Here sessions are gaps-and-islands over the sorted
round set, recomputed whenever a partition is materialized, and a session's id is derived from
its first round's natural key. Any backfill order therefore rebuilds the same ids; a late file
inside a session joins it; a late file that closes a gap merges two sessions (and the new
session keeps the id of the earlier one's first round).

Ownership: a session belongs to the gaming day of its *first* round, even when it runs past the
day boundary (06:00); a caller that builds day D reads D's neighbours to see whole sessions.

Restarts: within a session, a round followed by another round of the same map and round number
at most ``restart_window_s`` (15 min) later was restarted. It becomes ``cancelled`` (same GUIDs)
or ``substitution`` (GUIDs differ) unless it is part of a complete R1/R2 pair (an R1 whose R2
exists is a finished half, not a false start; an R2 is only superseded by a later R2 of the same
R1). One rule everywhere: superseded rounds stay in the session's round list and count for its
boundaries, but are excluded from every aggregate, map summary, graph, roster and score.

Teams: stopwatch swaps sides every half, so the side column is not a team. Team A is the side
that *defended* the session's first counted round (Axis when the defender is unknown); each later
round maps its two sides onto the teams by the majority of already assigned players, and assigns
newcomers (late joiners, substitutes) to their side's team. A round whose sides cannot be
mapped (a tie) is revisited after the others, so order of discovery never decides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from slomix_pipeline.domain.identity import stable_id

DEFAULT_GAP_S = 60 * 60
RESTART_WINDOW_S = 15 * 60

STATUS_COMPLETED = "completed"
STATUS_ORPHAN_R2 = "orphan_r2"
STATUS_CANCELLED = "cancelled"
STATUS_SUBSTITUTION = "substitution"
SUPERSEDED: frozenset[str] = frozenset({STATUS_CANCELLED, STATUS_SUBSTITUTION})

TEAM_A = "A"
TEAM_B = "B"

AXIS = 1
ALLIES = 2


@dataclass(frozen=True, slots=True)
class SessionRound:
    """What grouping needs of a round.

    ``end_unix`` is the stats file time (round end, server zone, as an epoch); ``gaming_day`` the
    round's own partition; ``round_status`` the stats layer's status (``completed`` or
    ``orphan_r2``); ``match_id`` the R1 timestamp shared by both halves of a map play.
    """

    round_id: int
    round_key: str
    map_key: str
    map_name: str
    round_number: int
    match_id: str
    end_unix: int
    gaming_day: date
    round_status: str
    guids: frozenset[str]


@dataclass(frozen=True, slots=True)
class GamingSession:
    """A session: its deterministic id, the day it belongs to, its rounds in time order."""

    session_id: int
    session_key: str
    gaming_day: date
    rounds: tuple[SessionRound, ...]

    @property
    def start_unix(self) -> int:
        return self.rounds[0].end_unix

    @property
    def end_unix(self) -> int:
        return self.rounds[-1].end_unix

    @property
    def round_ids(self) -> frozenset[int]:
        return frozenset(r.round_id for r in self.rounds)


def session_key_of(first: SessionRound) -> str:
    """Natural key of a session: its first round's natural key."""
    return f"session:{first.round_key}"


def session_id_of(first: SessionRound) -> int:
    """Deterministic session id (never a counter): stable hash of the first round's key."""
    return stable_id(session_key_of(first))


def _order(r: SessionRound) -> tuple[int, str]:
    return (r.end_unix, r.round_key)


def group_sessions(
    rounds: Iterable[SessionRound], gap_seconds: int = DEFAULT_GAP_S
) -> tuple[GamingSession, ...]:
    """Gaps-and-islands over round end times: a gap strictly above ``gap_seconds`` splits.

    A map play is never split: an R2 paired with an R1 of the current island (same
    ``match_id``) stays in it, whatever its gap (a 55-minute half-time plus a 10-minute R2 ends
    more than 60 minutes after its R1; pairing already bounded the break by the session gap).
    """
    ordered = sorted(rounds, key=_order)
    islands: list[list[SessionRound]] = []
    open_r1: set[str] = set()  # match ids of the current island's R1s
    for r in ordered:
        continues_play = r.round_number == 2 and r.match_id in open_r1
        if not islands or (
            r.end_unix - islands[-1][-1].end_unix > gap_seconds and not continues_play
        ):
            islands.append([])
            open_r1 = set()
        islands[-1].append(r)
        if r.round_number == 1:
            open_r1.add(r.match_id)
    return tuple(
        GamingSession(
            session_id_of(island[0]), session_key_of(island[0]), island[0].gaming_day, tuple(island)
        )
        for island in islands
    )


def touches_edge(
    sessions: Sequence[GamingSession], first_unix: int, last_unix: int, gap_seconds: int
) -> tuple[bool, bool]:
    """Whether the loaded window may cut a session: (before its start, after its end).

    A caller that loaded the rounds with end times in ``[first_unix, last_unix)`` cannot know if
    its first session started earlier when that session's first round is within ``gap_seconds``
    of the window start (likewise at the end); it then widens the window and groups again.
    """
    if not sessions:
        return False, False
    early = sessions[0].start_unix - first_unix <= gap_seconds
    late = last_unix - sessions[-1].end_unix <= gap_seconds
    return early, late


# -------------------------------------------------------------------------------- restarts


@dataclass(frozen=True, slots=True)
class RoundStatus:
    """A round's status inside its session, and the round that replaced it when superseded."""

    round_id: int
    status: str
    superseded_by: int | None

    @property
    def counted(self) -> bool:
        return self.status not in SUPERSEDED


def round_statuses(
    session: GamingSession, restart_window_s: int = RESTART_WINDOW_S
) -> dict[int, RoundStatus]:
    """Mark restarted rounds of a session ``cancelled`` / ``substitution`` (module docstring)."""
    rounds = session.rounds
    r2_match_ids = {r.match_id for r in rounds if r.round_number == 2}
    out: dict[int, RoundStatus] = {}
    for i, r in enumerate(rounds):
        replacement: SessionRound | None = None
        for later in rounds[i + 1 :]:
            if later.end_unix - r.end_unix > restart_window_s:
                break
            if later.map_key != r.map_key or later.round_number != r.round_number:
                continue
            if later.end_unix <= r.end_unix:
                continue
            if r.round_number == 1 and r.match_id in r2_match_ids:
                break  # a finished R1 (its R2 exists) is a half, not a false start
            if r.round_number == 2 and later.match_id != r.match_id:
                continue  # an R2 of another R1 is another map play
            replacement = later
            break
        if replacement is None:
            out[r.round_id] = RoundStatus(r.round_id, r.round_status, None)
        else:
            status = STATUS_CANCELLED if replacement.guids == r.guids else STATUS_SUBSTITUTION
            out[r.round_id] = RoundStatus(r.round_id, status, replacement.round_id)
    return out


# ------------------------------------------------------------------------------- map plays


@dataclass(frozen=True, slots=True)
class MapPlay:
    """One play of a map: the R1 and the R2 of one ``match_id`` (either may be missing).

    ``play_index`` counts plays of the same map within the session (1, 2, ...), so a map played
    twice gives two summaries.
    """

    map_play_id: int
    session_id: int
    map_key: str
    map_name: str
    match_id: str
    play_index: int
    order: int
    r1: SessionRound | None
    r2: SessionRound | None

    @property
    def completeness(self) -> str:
        if self.r1 is not None and self.r2 is not None:
            return "complete"
        return "r1_only" if self.r1 is not None else "r2_only"

    @property
    def rounds(self) -> tuple[SessionRound, ...]:
        return tuple(r for r in (self.r1, self.r2) if r is not None)


def map_play_id_of(session_id: int, map_key: str, match_id: str) -> int:
    return stable_id(f"map_play:{session_id}:{map_key}:{match_id}")


def map_plays(session: GamingSession, statuses: Mapping[int, RoundStatus]) -> tuple[MapPlay, ...]:
    """The session's map plays from its counted rounds, in time order (superseded rounds out)."""
    groups: dict[tuple[str, str], list[SessionRound]] = defaultdict(list)
    for r in session.rounds:
        if statuses[r.round_id].counted:
            groups[(r.map_key, r.match_id)].append(r)
    ordered = sorted(groups.items(), key=lambda item: _order(item[1][0]))
    per_map: dict[str, int] = defaultdict(int)
    plays: list[MapPlay] = []
    for order, ((map_key, match_id), members) in enumerate(ordered, start=1):
        per_map[map_key] += 1
        r1 = next((r for r in members if r.round_number == 1), None)
        r2 = next((r for r in members if r.round_number == 2), None)
        plays.append(
            MapPlay(
                map_play_id_of(session.session_id, map_key, match_id),
                session.session_id,
                map_key,
                members[0].map_name,
                match_id,
                per_map[map_key],
                order,
                r1,
                r2,
            )
        )
    return tuple(plays)


# ---------------------------------------------------------------------------------- teams


@dataclass(frozen=True, slots=True)
class RoundSides:
    """Who played on which side (1 Axis, 2 Allies) in one counted round, and its defender."""

    round_id: int
    sides: Mapping[str, int]
    defender_team: int


@dataclass(frozen=True, slots=True)
class TeamAssignment:
    """Persistent teams of a session: guid -> ``A`` / ``B``; ``unassigned`` could not be placed.

    ``side_of_a`` tells, per round, which side Team A played (None when it could not be told).
    """

    team_of: Mapping[str, str]
    unassigned: frozenset[str]
    side_of_a: Mapping[int, int | None]

    def members(self, team: str) -> tuple[str, ...]:
        return tuple(sorted(g for g, t in self.team_of.items() if t == team))


def _map_sides(sides: Mapping[str, int], team_of: Mapping[str, str]) -> int | None:
    """The side Team A played in a round by majority of assigned players; None on a tie."""
    score = 0
    for guid, side in sides.items():
        team = team_of.get(guid)
        if team is None or side not in (AXIS, ALLIES):
            continue
        score += 1 if (team == TEAM_A) == (side == AXIS) else -1
    if score > 0:
        return AXIS
    if score < 0:
        return ALLIES
    return None


def assign_teams(rounds: Sequence[RoundSides]) -> TeamAssignment:
    """Persistent teams over the session's counted rounds in time order (module docstring)."""
    team_of: dict[str, str] = {}
    side_of_a: dict[int, int | None] = {r.round_id: None for r in rounds}
    if not rounds:
        return TeamAssignment({}, frozenset(), side_of_a)
    seed = rounds[0]
    seed_side_a = seed.defender_team if seed.defender_team in (AXIS, ALLIES) else AXIS
    pending = list(rounds)
    progress = True
    first = True
    while pending and progress:
        progress = False
        still: list[RoundSides] = []
        for r in pending:
            side_a = seed_side_a if first and r is seed else _map_sides(r.sides, team_of)
            if side_a is None:
                still.append(r)
                continue
            first = False
            progress = True
            side_of_a[r.round_id] = side_a
            for guid, side in sorted(r.sides.items()):
                if guid in team_of or side not in (AXIS, ALLIES):
                    continue
                team_of[guid] = TEAM_A if side == side_a else TEAM_B
        pending = still
    everyone = {g for r in rounds for g, s in r.sides.items() if s in (AXIS, ALLIES)}
    return TeamAssignment(team_of, frozenset(everyone - set(team_of)), side_of_a)


def team_side_in(round_sides: RoundSides, teams: TeamAssignment) -> int | None:
    """Team A's side in a round (majority of its members); None when even or unknown."""
    return teams.side_of_a.get(round_sides.round_id) or _map_sides(round_sides.sides, teams.team_of)


def session_days(sessions: Iterable[GamingSession]) -> dict[date, list[GamingSession]]:
    """Sessions grouped by the gaming day they belong to (the day of their first round)."""
    out: dict[date, list[GamingSession]] = defaultdict(list)
    for s in sessions:
        out[s.gaming_day].append(s)
    return dict(out)
