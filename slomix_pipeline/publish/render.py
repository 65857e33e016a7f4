"""Round, map and session posts from warehouse records (pure: no SQL, no HTTP, no Dagster).

What each post shows (after the upstream bot's round publisher and last-session view, in this
platform's own terms; see docs/operations.md "Discord posts"):

* **round**: map and round, the winner (and who defended), the *effective* duration with the
  source it came from (Lua or the stats clock), the Lua-vs-stats timing status, the players
  grouped by persistent team with the side they played, the top performers;
* **map**: the stopwatch result of one R1 + R2 play, the time set in R1 (the time to beat)
  and what R2 did with it, points, the top five of the play with side markers (``[MIXED]`` is
  the normal case: sides swap between the halves);
* **session**: the team score, every map with its result, per-player totals with kill
  assists, grouped by team, and awards when endstats are available.

Every name goes through :func:`slomix_pipeline.publish.limits.clean_name`. The post ``key`` is
stable across re-renders (``round:<id>``, ``map:<id>``, ``session:<id>``): the ledger keys on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from slomix_pipeline.publish.embeds import RenderedPost, Section
from slomix_pipeline.publish.limits import clean_name
from slomix_pipeline.publish.model import (
    ALLIES,
    AXIS,
    Award,
    MapPostData,
    PlayerLine,
    RoundPostData,
    SessionMapLine,
    SessionPostData,
)

SIDE_NAMES = {AXIS: "Axis", ALLIES: "Allies"}
TEAM_NAMES = {"A": "Team A", "B": "Team B"}
COLOURS = {AXIS: 0xB03A2E, ALLIES: 0x2874A6, 0: 0x7F8C8D}
MAP_COLOUR = 0x1E8449
SESSION_COLOUR = 0xD4AC0D
TIMING_LABELS = {
    "aligned": "✅ aligned",
    "minor_diff": "⚡ minor difference",
    "discrepancy": "⚠️ discrepancy",
}
TOP_ROUND = 3
TOP_MAP = 5


def clock(seconds: int | None) -> str:
    """``m:ss`` (``-`` when unknown)."""
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ""
    m, s = divmod(abs(int(seconds)), 60)
    return f"{sign}{m}:{s:02d}"


def side_marker(sides: Iterable[int]) -> str:
    """``[AXIS]`` / ``[ALLIES]`` / ``[MIXED]`` (both sides) / ``[UNK]`` (neither)."""
    s = set(sides) & {AXIS, ALLIES}
    if s == {AXIS}:
        return "[AXIS]"
    if s == {ALLIES}:
        return "[ALLIES]"
    return "[MIXED]" if s else "[UNK]"


def _ranked(players: Iterable[PlayerLine]) -> list[PlayerLine]:
    return sorted(players, key=lambda p: (-p.kills, -p.dpm, p.deaths, p.guid))


def _line(p: PlayerLine, rank: int, *, session: bool = False) -> str:
    """One roster line; round and map lines lead with the side marker, session lines (where
    everyone played both sides) with the rank and carry kill assists."""
    bot = " (bot)" if p.is_bot else ""
    lead = f"`{rank:>2}.`" if session else f"`{side_marker(p.sides)}`"
    ka = f" · {p.kill_assists} KA" if session else ""
    return f"{lead} {clean_name(p.name)}{bot} · {p.kills}/{p.deaths}{ka} · {p.dpm:.0f} DPM"


def _team_sections(
    players: Sequence[PlayerLine], *, session: bool = False, inline: bool = True
) -> list[Section]:
    sections = []
    for team in ("A", "B", None):
        members = _ranked(p for p in players if p.team == team)
        if not members:
            continue
        name = TEAM_NAMES[team] if team else "Unassigned"
        kills = sum(p.kills for p in members)
        deaths = sum(p.deaths for p in members)
        header = f"{name} ({len(members)} · {kills}/{deaths})"
        lines = tuple(_line(p, i, session=session) for i, p in enumerate(members, start=1))
        sections.append(Section(header, lines, inline=inline and team is not None))
    return sections


def _top(players: Sequence[PlayerLine], n: int) -> Section:
    lines = tuple(
        f"{i}. `{side_marker(p.sides)}` {clean_name(p.name)} · {p.kills} kills · {p.dpm:.0f} DPM"
        for i, p in enumerate(_ranked(players)[:n], start=1)
    )
    return Section("Top performers", lines or ("-",))


def timing_line(r: RoundPostData) -> str:
    """The Lua-vs-stats comparison: status, both clocks and the difference."""
    label = TIMING_LABELS.get(r.timing_status)
    if r.timing_status == "no_stats_clock":
        return f"Timing: ❓ no stats clock (Lua {clock(r.lua_duration_seconds)})"
    if r.timing_status == "lua_without_duration":
        return "Timing: ❓ the Lua round end carried no duration"
    if label is None:
        return f"Timing: ❓ no Lua data ({r.timing_status})"
    diff = r.timing_diff_seconds or 0
    return (
        f"Timing: {label} (stats {clock(r.stats_clock_seconds)} vs Lua "
        f"{clock(r.lua_duration_seconds)}, Δ {diff:+d} s)"
    )


def render_round(r: RoundPostData) -> RenderedPost:
    winner = SIDE_NAMES.get(r.winner_team, "unknown")
    defender = SIDE_NAMES.get(r.defender_team, "unknown")
    description = (
        f"Winner: **{winner}** ({r.winner_source}) · defending: {defender}",
        f"Duration: {clock(r.duration_seconds)} (source: {r.duration_source})",
        timing_line(r),
        f"Players: {len(r.players)} · ended {r.end_local:%H:%M}",
    )
    sections = [*_team_sections(r.players), _top(r.players, TOP_ROUND)]
    return RenderedPost(
        key=f"round:{r.round_id}",
        kind="round",
        title=f"{clean_name(r.map_name, 64)} · R{r.round_number} · {winner} win",
        colour=COLOURS.get(r.winner_team, COLOURS[0]),
        description=description,
        sections=tuple(sections),
        footer=f"gaming day {r.gaming_day.isoformat()}",
    )


def _attack(team: str | None, seconds: int | None, succeeded: bool | None) -> str:
    who = TEAM_NAMES.get(team or "", "?")
    if succeeded is False:
        return f"{who} attacked: full hold ({clock(seconds)})"
    return f"{who} attacked: {clock(seconds)}"


def _other(team: str | None) -> str | None:
    return {"A": "B", "B": "A"}.get(team or "")


def render_map(m: MapPostData) -> RenderedPost:
    if not m.scoring_counted:
        result = f"Not counted: {m.scoring_note or 'no result'}"
    elif m.map_winner == "draw":
        result = f"Draw ({m.team_a_points}–{m.team_b_points})"
    else:
        result = (
            f"**{TEAM_NAMES.get(m.map_winner or '', '?')}** wins the map "
            f"({m.team_a_points}–{m.team_b_points})"
        )
    description = [
        result,
        f"R1 · {_attack(m.r1_attackers, m.r1_time_seconds, m.r1_attack_succeeded)}"
        f" · time to beat {clock(m.r1_time_seconds)}",
        f"R2 · {_attack(_other(m.r1_attackers), m.r2_time_seconds, m.r2_attack_succeeded)}",
    ]
    if m.scoring_source:
        description.append(f"Scored from: {m.scoring_source}")
    kills = sum(p.kills for p in m.players)
    description.append(f"Players: {len(m.players)} · kills {kills}")
    top = _top(m.players, TOP_MAP)
    play = f" (#{m.play_index})" if m.play_index > 1 else ""
    return RenderedPost(
        key=f"map:{m.map_play_id}",
        kind="map",
        title=f"Map complete: {clean_name(m.map_name, 64)}{play}",
        colour=MAP_COLOUR,
        description=tuple(description),
        sections=(Section("Top 5", top.lines), *_team_sections(m.players)),
        footer=f"gaming day {m.gaming_day.isoformat()}",
    )


def _map_result(line: SessionMapLine) -> str:
    play = f" (#{line.play_index})" if line.play_index > 1 else ""
    name = clean_name(line.map_name, 64) + play
    if not line.scoring_counted:
        return f"{name}: not counted ({line.scoring_note or 'incomplete'})"
    times = f"{clock(line.r1_time_seconds)} vs {clock(line.r2_time_seconds)}"
    if line.map_winner == "draw":
        return f"{name}: draw ({times})"
    return f"{name}: {TEAM_NAMES.get(line.map_winner or '', '?')} ({times})"


def _award(a: Award) -> str:
    return f"{clean_name(a.title, 60)}: {clean_name(a.player_name)} ({clean_name(a.value)})"


def render_session(s: SessionPostData) -> RenderedPost:
    maps = tuple(_map_result(m) for m in s.maps)
    description = (
        f"**Team A {s.team_a_points} : {s.team_b_points} Team B**",
        f"{len(s.players)} players · {s.counted_round_count} rounds · {len(s.maps)} map plays",
        f"{s.start_local:%Y-%m-%d %H:%M} – {s.end_local:%H:%M}",
    )
    sections = [Section("Maps", maps or ("-",))]
    sections += _team_sections(s.players, session=True, inline=False)
    if s.awards:
        sections.append(
            Section(
                "Awards",
                tuple(_award(a) for a in s.awards),
            )
        )
    return RenderedPost(
        key=f"session:{s.session_id}",
        kind="session",
        title=f"Session {s.gaming_day.isoformat()} · Team A {s.team_a_points} : "
        f"{s.team_b_points} Team B",
        colour=SESSION_COLOUR,
        description=description,
        sections=tuple(sections),
        footer=f"gaming day {s.gaming_day.isoformat()}",
    )
