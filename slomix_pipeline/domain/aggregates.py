"""Session aggregates: per-player totals, per-round graph rows and map-play summaries (pure).

Input rows are per counted round per player (the caller has already applied the one round-scope
rule of ``domain.sessions``: superseded rounds out, nothing else), with the *effective* time
played from the Lua clamp. Everything here is a sum over those rows, so three views always agree
(the WS7 parity gate by construction): the session total of a player equals the sum of their
graph rows equals the sum over the stored R1/R2 rows.

Formulas (kept in one place):

- DPM = total damage given x 60 / total seconds played (0 without time): a time-weighted rate,
  never a mean of per-round DPMs.
- KDR = kills / deaths, or kills when there are no deaths.
- efficiency = kills x 100 / (kills + deaths), 0 when both are 0.
- accuracy = hits x 100 / shots over the weapons that aim (grenades, syringe, dynamite, air and
  artillery strikes, satchel and landmine excluded), weighted by shots, 0 without shots.
- time dead = per round min(time dead, time played), summed.
- objectives = objectives stolen + returned + dynamites planted + defused.
- display name = the name used in most rounds; a tie goes to the name of the latest round.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

ACCURACY_EXCLUDED_WEAPONS: frozenset[str] = frozenset(
    {
        "WS_GRENADE",
        "WS_SYRINGE",
        "WS_DYNAMITE",
        "WS_AIRSTRIKE",
        "WS_ARTILLERY",
        "WS_SATCHEL",
        "WS_LANDMINE",
    }
)
"""Weapons left out of accuracy: they are thrown, placed or called in, not aimed."""


@dataclass(frozen=True, slots=True)
class Counters:
    """The summable counters of a player (one round, or any sum of rounds)."""

    kills: int = 0
    deaths: int = 0
    damage_given: int = 0
    damage_received: int = 0
    time_played_seconds: int = 0
    time_dead_seconds: int = 0
    shots: int = 0
    hits: int = 0
    headshots: int = 0
    headshot_kills: int = 0
    revives_given: int = 0
    times_revived: int = 0
    gibs: int = 0
    kill_assists: int = 0
    objectives_stolen: int = 0
    objectives_returned: int = 0
    dynamites_planted: int = 0
    dynamites_defused: int = 0
    self_kills: int = 0
    team_kills: int = 0
    useful_kills: int = 0
    denied_playtime: int = 0
    xp: int = 0

    def __add__(self, other: Counters) -> Counters:
        return Counters(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Counters)))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(Counters)}

    @property
    def objectives(self) -> int:
        return (
            self.objectives_stolen
            + self.objectives_returned
            + self.dynamites_planted
            + self.dynamites_defused
        )

    @property
    def dpm(self) -> float:
        return (
            self.damage_given * 60 / self.time_played_seconds if self.time_played_seconds else 0.0
        )

    @property
    def kdr(self) -> float:
        return self.kills / self.deaths if self.deaths else float(self.kills)

    @property
    def efficiency(self) -> float:
        total = self.kills + self.deaths
        return self.kills * 100 / total if total else 0.0

    @property
    def accuracy(self) -> float:
        return self.hits * 100 / self.shots if self.shots else 0.0


COUNTER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Counters))


def rates(c: Counters) -> dict[str, float | int]:
    """The derived values of a counter set, by column name."""
    return {
        "dpm": c.dpm,
        "kdr": c.kdr,
        "efficiency": c.efficiency,
        "accuracy": c.accuracy,
        "objectives": c.objectives,
    }


@dataclass(frozen=True, slots=True)
class PlayerRound:
    """One player in one counted round of a session.

    ``order`` is the round's position in the session (1-based, time order); ``side`` the side
    played (1 Axis, 2 Allies); ``counters`` the round's values with the effective time played.
    """

    round_id: int
    order: int
    player_guid: str
    player_name: str
    is_bot: bool
    side: int
    counters: Counters


def display_name(rows: Iterable[PlayerRound]) -> str:
    """The name used in most rounds; on a tie, the name of the latest of those rounds."""
    uses: Counter[str] = Counter()
    latest: dict[str, int] = {}
    for r in rows:
        uses[r.player_name] += 1
        latest[r.player_name] = max(latest.get(r.player_name, 0), r.order)
    if not uses:
        return ""
    return max(uses, key=lambda name: (uses[name], latest[name], name))


@dataclass(frozen=True, slots=True)
class PlayerTotals:
    """One player's session totals (``team`` is ``A`` / ``B`` / None when unassigned)."""

    player_guid: str
    display_name: str
    is_bot: bool
    team: str | None
    rounds_played: int
    counters: Counters


def player_totals(
    rows: Iterable[PlayerRound], team_of: Mapping[str, str] | None = None
) -> tuple[PlayerTotals, ...]:
    """Per-GUID sums over the rows, ranked by kills (then DPM, then GUID for determinism)."""
    by_guid: dict[str, list[PlayerRound]] = defaultdict(list)
    for r in rows:
        by_guid[r.player_guid].append(r)
    teams = team_of or {}
    out: list[PlayerTotals] = []
    for guid, mine in by_guid.items():
        total = Counters()
        for r in mine:
            total = total + r.counters
        out.append(
            PlayerTotals(
                guid,
                display_name(mine),
                any(r.is_bot for r in mine),
                teams.get(guid),
                len({r.round_id for r in mine}),
                total,
            )
        )
    return tuple(sorted(out, key=lambda p: (-p.counters.kills, -p.counters.dpm, p.player_guid)))


@dataclass(frozen=True, slots=True)
class MapSummary:
    """Totals over the R1 + R2 of one map play (never over any other rows)."""

    rounds: int
    players: int
    counters: Counters
    top_player_guid: str | None
    top_player_name: str | None
    top_player_kills: int


def map_summary(rows: Sequence[PlayerRound]) -> MapSummary:
    """Sum the rows of one play's rounds; the top player is the one with most kills."""
    totals = player_totals(rows)
    total = Counters()
    for r in rows:
        total = total + r.counters
    top = totals[0] if totals else None
    return MapSummary(
        len({r.round_id for r in rows}),
        len(totals),
        total,
        top.player_guid if top else None,
        top.display_name if top else None,
        top.counters.kills if top else 0,
    )
