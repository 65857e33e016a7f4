"""Current-format endstats side-cars for the sample data, and their truth.

The award table follows the live ``endstats.lua`` (``endstats.md`` §3–§5): the real labels in
the writer's order, a winner only when the best value is > 1, ties to the lowest slot (the first
player of the round), R2 session-counter awards holding R1+R2 and Lua-counter awards R2 only.
The writer's bugs are reproduced on purpose so the pipeline's decoding is exercised: when a
player had ≥ 2 useful kills the "useful kills" slot repeats ``Longest killing spree`` (value 0
and slot 0's name if nobody had a spree of 3), followed by "useless kills" written as
``Most objectives stolen`` when the leader has more than 3.

:func:`endstats_truth` says what the pipeline must store for every side-car: the linked stats
file, the decoded awards (name, winner GUID32, value, status) and the VS row count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from slomix_pipeline.sample_data.file_names import endstats_file_name
from slomix_pipeline.sample_data.model import SimCorpus, SimPlayerRound, SimRound

__all__ = ["AwardTruth", "EndstatsTruth", "award_lines", "endstats_truth", "render_endstats"]

Metric = Callable[[SimPlayerRound], float]


def _kpm(p: SimPlayerRound) -> float:
    minutes = p.time_played_seconds / 60
    return round(p.kills / minutes, 2) if p.kills > 10 and minutes else 0.0


def _kd(p: SimPlayerRound) -> float:
    if p.kills <= 9:
        return 0.0
    return p.kills / p.deaths if p.deaths else float(p.kills + 1)


# (label, metric, session counter?) in the writer's order; the bug block sits after headshots.
_AWARDS: tuple[tuple[str, Metric, bool], ...] = (
    ("Most damage given", lambda p: p.damage_given, True),
    ("Most damage received", lambda p: p.damage_received, True),
    ("Most team damage given", lambda p: p.team_damage_given, True),
    ("Most team damage received", lambda p: p.team_damage_received, True),
    ("Most teamkills", lambda p: p.team_kills, True),
    ("Most selfkills", lambda p: p.self_kills, True),
    ("Most deaths", lambda p: p.deaths, True),
    ("Most kills per minute", _kpm, True),
    ("Most revives", lambda p: p.revives_given, False),
    ("Most revived", lambda p: p.times_revived, False),
    ("Best K/D ratio", _kd, True),
    ("Most dynamites planted", lambda p: p.dynamites_planted, False),
    ("Most dynamites defused", lambda p: p.dynamites_defused, False),
    ("Longest killing spree", lambda p: p.killing_spree if p.killing_spree >= 3 else 0, False),
    ("Longest death spree", lambda p: p.death_spree if p.death_spree >= 3 else 0, False),
    ("Most objectives stolen", lambda p: p.objectives_stolen, False),
    ("Most objectives returned", lambda p: p.objectives_returned, False),
    ("Most corpse gibs", lambda p: p.gibs, True),
    ("Most kill assists", lambda p: p.kill_assists, False),
    ("Most killsteals", lambda p: p.kill_steals, False),
    ("Most headshot kills", lambda p: p.headshot_kills, False),
    ("Most playtime denied", lambda p: p.denied_playtime, False),
    ("Most headshots", lambda p: p.headshots, True),
    ("Most bullets fired", lambda p: p.shots, True),
)
_UNITS = {"Most playtime denied": " seconds"}
_BUG_BLOCK_AFTER = "Most headshot kills"


@dataclass(frozen=True, slots=True)
class AwardTruth:
    """One award line as the pipeline must store it (decoded)."""

    award_name: str
    raw_label: str
    status: str
    winner_guid32: str | None
    value: float


@dataclass(frozen=True, slots=True)
class EndstatsTruth:
    """One side-car: its round, the awards it carries and how many VS rows/subjects."""

    file_name: str
    map_name: str
    round_number: int
    awards: tuple[AwardTruth, ...]
    versus_rows: int
    subjects: int


def _lua_number(value: float) -> str:
    """Lua 5.4's ``tostring`` of a number: integers plain, floats with ``%.14g`` (and ``.0``)."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.14g}"
    return text if any(c in text for c in ".en") else text + ".0"


def _scoped(r: SimRound, r1: SimRound | None, metric: Metric, session: bool) -> Metric:
    """The value the writer sees: R2 session counters add the player's R1 values."""
    if r.round_number != 2 or r1 is None or not session:
        return metric
    before = {p.player.guid32: p for p in r1.players}

    def combined(p: SimPlayerRound) -> float:
        earlier = before.get(p.player.guid32)
        if earlier is None:
            return metric(p)
        if metric is _kd or metric is _kpm:
            return metric(_summed(earlier, p))
        return metric(p) + metric(earlier)

    return combined


def _summed(a: SimPlayerRound, b: SimPlayerRound) -> SimPlayerRound:
    weapons = dict(b.weapons)
    for wid, w in a.weapons.items():
        old = weapons.get(wid, (0, 0, 0, 0, 0))
        weapons[wid] = tuple(x + y for x, y in zip(old, w, strict=True))  # type: ignore[assignment]
    return replace(
        b, weapons=weapons, time_played_tenths=a.time_played_tenths + b.time_played_tenths
    )


def _winner(r: SimRound, metric: Metric) -> tuple[SimPlayerRound | None, float]:
    best: SimPlayerRound | None = None
    best_value: float = 0
    for p in r.players:  # strict '>' : ties go to the lowest slot
        value = metric(p)
        if value > best_value:
            best, best_value = p, value
    return (best, best_value) if best_value > 1 else (None, 0)


_Line = tuple[str, SimPlayerRound | None, float, AwardTruth]


def award_lines(r: SimRound, r1: SimRound | None) -> list[_Line]:
    """(label as written, winner, value, truth) per written award line, in file order."""
    out: list[_Line] = []
    spree: tuple[SimPlayerRound | None, float] = (None, 0)
    for label, metric, session in _AWARDS:
        winner, value = _winner(r, _scoped(r, r1, metric, session))
        if label == "Longest killing spree":
            spree = (winner, value)
        if winner is not None:
            truth = AwardTruth(label, label, "awarded", winner.player.guid32, value)
            out.append((label, winner, value, truth))
        if label == _BUG_BLOCK_AFTER:
            out.extend(_bug_block(r, spree))
    return out


def _bug_block(r: SimRound, spree: tuple[SimPlayerRound | None, float]) -> list[_Line]:
    useful, _ = _winner(r, lambda p: p.useful_kills)
    if useful is None:
        return []
    holder, value = spree if spree[0] is not None else (r.players[0], 0)
    label = "Longest killing spree"
    rows = [(label, holder, value, AwardTruth(label, label, "bogus", None, value))]
    useless, count = _winner(r, lambda p: p.useless_kills)
    if useless is not None and count > 3:
        rows.append(
            (
                "Most objectives stolen",
                useless,
                count,
                AwardTruth(
                    "Most useless kills",
                    "Most objectives stolen",
                    "awarded",
                    useless.player.guid32,
                    count,
                ),
            )
        )
    return rows


def render_endstats(r: SimRound, r1: SimRound | None) -> bytes:
    """The side-car's bytes: award lines, then one VS block per player with non-zero rows."""
    names = {p.player.guid32: p.player.clean_name for p in r.players}
    out = []
    for label, winner, value, _ in award_lines(r, r1):
        name = winner.player.clean_name if winner is not None else ""
        out.append(f"{label}\t{name}\t{_lua_number(value)}{_UNITS.get(label, '')}\n")
    for p in r.players:
        if not p.versus:
            continue
        out.append(f"VS_HEADER\t{p.player.clean_name}\t{p.player.guid32}\n")
        for guid, kills, deaths in sorted(p.versus, key=lambda v: -v[1]):
            out.append(f"{names[guid]}\t{kills}\t{deaths}\n")
    return "".join(out).encode("utf-8")


def endstats_truth(corpus: SimCorpus) -> dict[str, EndstatsTruth]:
    """Truth per side-car file name (see the module docstring)."""
    out: dict[str, EndstatsTruth] = {}
    for play in corpus.map_plays:
        for r in play.rounds:
            name = endstats_file_name(r)
            if name is None:
                continue
            r1 = play.r1 if r.round_number == 2 else None
            awards = tuple(t for *_, t in award_lines(r, r1))
            out[name] = EndstatsTruth(
                name,
                r.map_name,
                r.round_number,
                awards,
                sum(len(p.versus) for p in r.players),
                sum(1 for p in r.players if p.versus),
            )
    return out
