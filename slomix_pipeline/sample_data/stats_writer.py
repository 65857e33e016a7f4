"""Render the simulation into the files the c0rnp0rn8 Lua writes (pure: model in, bytes out).

Layout per reference sections 1-5: a 9-field backslash header, then one line per player with
activity, ``guid8\\name\\rounds\\team\\mask h s k d hs ... \\t<38 TAB fields>``. A round-2 file
is what the engine really leaves behind: weapon tuples, TAB 0-7, 20 and 22 are R1+R2 sums (TAB 8,
21, 23, 24 and 26 are ratios built from them), the Lua's per-round arrays are R2-only, and a
player who reconnected carries fresh counters. ``FileLine`` is the exact content of one line, so
``truth.py`` can describe an orphan R2 by what is in the file without re-deriving it.

Also rendered here: the ``-endstats.txt`` side-car and the deliberately broken files.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from slomix_pipeline.sample_data.endstats_render import render_endstats
from slomix_pipeline.sample_data.file_names import (
    endstats_file_name,
    malformed_file_name,
    stats_file_name,
)
from slomix_pipeline.sample_data.model import (
    END_OBJECTIVE,
    SimCorpus,
    SimMalformedFile,
    SimPlayer,
    SimPlayerRound,
    SimRound,
    WeaponTuple,
    weapon_totals,
)

DEFAULT_HOSTNAME = "^1ET^7:^3Legacy ^7Slomix ^2Cup^7"
DEFAULT_CONFIG = "legacy6"
FLOAT_FIELDS = frozenset({8, 21, 22, 23, 24, 25, 26})
"""TAB indices the Lua writes with ``%.1f``; every other TAB field is an integer."""
EXTENDED_FIELD_COUNT = 38
_ZERO: WeaponTuple = (0, 0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class FileLine:
    """One player line's values exactly as written.

    ``weapons`` holds only weapons with activity (hits, shots, kills or deaths), which is what
    sets a bit in the mask; ``ext`` are the 38 TAB values (float at ``FLOAT_FIELDS``). The
    tenths fields are the integer forms of TAB 22 and 25, kept so nobody needs float arithmetic.
    """

    player: SimPlayer
    rounds: int
    team: int
    weapons: dict[int, WeaponTuple]
    ext: tuple[int | float, ...]
    time_played_tenths: int
    time_dead_tenths: int

    @property
    def written(self) -> bool:
        """The Lua skips players whose weapon mask is zero."""
        return bool(self.weapons)


def clock_text(seconds: int) -> str:
    """``M:SS`` as the header writes it: minutes unpadded, seconds two digits."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def header_map_time_seconds(r: SimRound) -> int:
    """Header field 6: the limit in force (R2: the time to beat)."""
    return r.timelimit_seconds


def header_actual_time_seconds(r: SimRound) -> int:
    """Header field 7 is a stopwatch target, not a measurement: the attackers' time when they
    completed the objective, otherwise (hold or surrender) the limit in force."""
    return r.actual_duration_seconds if r.end_reason == END_OBJECTIVE else r.timelimit_seconds


def _header_fields(r: SimRound, map_name: str, round_number: int, hostname: str) -> list[str]:
    return [
        hostname,
        map_name,
        DEFAULT_CONFIG,
        str(round_number),
        str(r.defender_team),
        str(r.winner_team),
        clock_text(header_map_time_seconds(r)),
        clock_text(header_actual_time_seconds(r)),
        str(r.duration_ms),
    ]


def render_header(r: SimRound, hostname: str = DEFAULT_HOSTNAME) -> str:
    """The header line without its newline."""
    return "\\".join(_header_fields(r, r.map_name, r.round_number, hostname))


def _tenths_text(tenths: int) -> str:
    """Exact ``%.1f`` of tenths of a minute, without float rounding surprises."""
    return f"{tenths // 10}.{tenths % 10}"


def tank_meatshield(damage_received: int, deaths: int) -> float:
    """The Lua's score: damage taken per life over 130, only for big sponges (else 0)."""
    ratio = (damage_received / deaths if deaths else damage_received + 1) / 130
    return round(ratio, 1) if damage_received > 1000 and ratio > 3 else 0.0


def file_line(current: SimPlayerRound, previous: SimPlayerRound | None) -> FileLine:
    """The line the Lua writes for ``current``; ``previous`` is the same player's R1 record when
    the engine still carries R1's counters (R2, not reconnected), else None."""
    cur = current
    prev = previous
    if prev is None:
        weapons = {w: t for w, t in cur.weapons.items() if t[0] or t[1] or t[2] or t[3]}
        summed = (
            cur.damage_given,
            cur.damage_received,
            cur.team_damage_given,
            cur.team_damage_received,
            cur.gibs,
            cur.self_kills,
            cur.team_kills,
            cur.team_gibs,
        )
        tp = cur.time_played_tenths
        dead_total = cur.time_dead_tenths
        round_damage = cur.damage_given
    else:
        weapons = {}
        for w in sorted(set(cur.weapons) | set(prev.weapons)):
            a = cur.weapons.get(w, _ZERO)
            b = prev.weapons.get(w, _ZERO)
            t = (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4])
            if t[0] or t[1] or t[2] or t[3]:
                weapons[w] = t
        summed = (
            cur.damage_given + prev.damage_given,
            cur.damage_received + prev.damage_received,
            cur.team_damage_given + prev.team_damage_given,
            cur.team_damage_received + prev.team_damage_received,
            cur.gibs + prev.gibs,
            cur.self_kills + prev.self_kills,
            cur.team_kills + prev.team_kills,
            cur.team_gibs + prev.team_gibs,
        )
        tp = cur.time_played_tenths + prev.time_played_tenths
        dead_total = cur.time_dead_tenths + prev.time_dead_tenths
        round_damage = cur.damage_given
    _, shots, kills, deaths, _ = weapon_totals(weapons)
    alive_pct = round(100 * (tp - dead_total) / tp, 1) if tp else 0.0
    lua_dpm = round(round_damage / (tp / 10), 1) if tp else 0.0
    dead_ratio = round(100 * cur.time_dead_tenths / tp, 1) if tp > 20 else 0.0
    kd = round(kills / deaths, 1) if deaths else float(kills + 1)
    ext: tuple[int | float, ...] = (
        *summed,
        alive_pct,
        cur.xp,
        cur.killing_spree,
        cur.death_spree,
        cur.kill_assists,
        cur.kill_steals,
        cur.headshot_kills,
        cur.objectives_stolen,
        cur.objectives_returned,
        cur.dynamites_planted,
        cur.dynamites_defused,
        cur.times_revived,
        shots,
        lua_dpm,
        tp / 10,
        tank_meatshield(summed[1], deaths),
        dead_ratio,
        cur.time_dead_tenths / 10,
        kd,
        cur.useful_kills,
        cur.denied_playtime,
        cur.multikill_2x,
        cur.multikill_3x,
        cur.multikill_4x,
        cur.multikill_5x,
        cur.multikill_6x,
        cur.useless_kills,
        cur.full_selfkills,
        cur.repairs_constructions,
        cur.revives_given,
    )
    return FileLine(
        player=cur.player,
        rounds=0 if prev is None else 1,
        team=cur.team,
        weapons=weapons,
        ext=ext,
        time_played_tenths=tp,
        time_dead_tenths=cur.time_dead_tenths,
    )


def render_player_line(line: FileLine) -> str:
    """``guid8\\name\\rounds\\team\\mask h s k d hs ... \\t<38 fields>\\n``."""
    mask = 0
    groups: list[str] = []
    for w, (hits, shots, kills, deaths, heads) in sorted(line.weapons.items()):
        mask |= 1 << w
        groups.append(f" {hits} {shots} {kills} {deaths} {heads}")
    ext = line.ext
    cells = [
        _tenths_text(line.time_played_tenths)
        if i == 22
        else _tenths_text(line.time_dead_tenths)
        if i == 25
        else f"{ext[i]:.1f}"
        if i in FLOAT_FIELDS
        else str(ext[i])
        for i in range(EXTENDED_FIELD_COUNT)
    ]
    p = line.player
    return (
        f"{p.guid8}\\{p.raw_name}\\{line.rounds}\\{line.team}\\{mask}{''.join(groups)} \t"
        + "\t".join(cells)
        + "\n"
    )


def round_lines(r: SimRound, r1: SimRound | None) -> list[FileLine]:
    """The written lines of a round file, in roster order (the writer shuffles them)."""
    lines: list[FileLine] = []
    for p in r.players:
        previous = None
        if r1 is not None and not p.reconnected_in_this_round:
            previous = r1.player(p.player.guid32)
        line = file_line(p, previous)
        if line.written:
            lines.append(line)
    return lines


def _pairs_order(lines: list[str], salt: str) -> list[str]:
    """Lua ``pairs()`` order: arbitrary, but fixed for a given file so output is reproducible."""
    shuffled = list(lines)
    random.Random(f"pairs:{salt}").shuffle(shuffled)
    return shuffled


def render_round_file(
    r: SimRound, r1: SimRound | None, salt: int = 0, hostname: str = DEFAULT_HOSTNAME
) -> bytes:
    """A complete stats file; pass the play's R1 as ``r1`` when rendering its R2."""
    body = [render_player_line(line) for line in round_lines(r, r1)]
    order = _pairs_order(body, f"{salt}:{stats_file_name(r)}")
    text = render_header(r, hostname) + "\n" + "".join(order)
    return text.encode("utf-8")


def render_endstats_file(r: SimRound, r1: SimRound | None = None) -> bytes:
    """The ``-endstats.txt`` side-car in the live writer's format (``endstats_render``); ``r1``
    is the map's first half, whose session counters an R2 file's awards include."""
    return render_endstats(r, r1)


def render_malformed_file(spec: SimMalformedFile, hostname: str = DEFAULT_HOSTNAME) -> bytes:
    """A broken stats file; the damage matches ``spec.reason``:

    * ``header_only``: a valid header and nothing after it (a round that crashed before any line);
    * ``truncated_file``: a real file cut in the middle of its last line's TAB block;
    * ``malformed_player_line``: a weapon block missing numbers for its last weapon;
    * ``invalid_header``: a header with only five fields.
    """
    src = spec.source
    fields = _header_fields(src, spec.map_name, spec.round_number, hostname)
    body = [render_player_line(line) for line in round_lines(src, None)]
    if spec.reason == "header_only":
        return ("\\".join(fields) + "\n").encode("utf-8")
    if spec.reason == "invalid_header":
        return ("\\".join(fields[:5]) + "\n" + "".join(body)).encode("utf-8")
    if spec.reason == "malformed_player_line":
        target = 1 if len(body) > 1 else 0
        weapon_part, tab, rest = body[target].partition("\t")
        tokens = weapon_part.split("\\")
        numbers = tokens[4].split()
        tokens[4] = " ".join(numbers[:-3]) + " "
        body[target] = "\\".join(tokens) + tab + rest
        return ("\\".join(fields) + "\n" + "".join(body)).encode("utf-8")
    if spec.reason == "truncated_file":
        last = body[-1]
        cut = 0
        for _ in range(21):  # keep the weapon block and 20 TAB fields, then stop mid-field
            cut = last.index("\t", cut) + 1
        body[-1] = last[: cut + 1]
        return ("\\".join(fields) + "\n" + "".join(body)).encode("utf-8")
    raise ValueError(f"unknown malformed reason {spec.reason!r}")


def render_stats_landing(
    corpus: SimCorpus, include_malformed: bool = True
) -> Iterator[tuple[str, bytes]]:
    """Every ``local_stats`` file of the corpus as (name, bytes): stats files (minus the lost R1
    of an orphan), endstats side-cars, and the malformed files when asked for."""
    for play in corpus.map_plays:
        for r in play.rounds:
            if r.round_number == 1 and play.r1_file_missing:
                continue
            r1 = play.r1 if r.round_number == 2 else None
            yield stats_file_name(r), render_round_file(r, r1, salt=corpus.seed)
            side_car = endstats_file_name(r)
            if side_car is not None:
                yield side_car, render_endstats_file(r, r1)
    if include_malformed:
        for spec in corpus.malformed:
            yield malformed_file_name(spec), render_malformed_file(spec)
