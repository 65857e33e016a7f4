"""Writing: engagement and track lines, the header, and injected broken lines (with positions)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from slomix_pipeline.sample_data.proximity_render.sections import declared_flags
from slomix_pipeline.sample_data.proximity_render.spec import (
    BROKEN_LINE_KINDS,
    ProximityRoundSpec,
    sanitize_name,
)
from slomix_pipeline.sample_data.proximity_render.state import Engagement, Life
from slomix_pipeline.sample_data.proximity_render.stepping import RoundSim


def engagement_line(sim: RoundSim, eng: Engagement, crossfire_window: int) -> str:
    players = sim.players
    target = players[eng.target].info
    killer = players[eng.killer].info if eng.killer is not None else None
    ordered = sorted(eng.attackers.values(), key=lambda a: (a.first_hit, a.player))
    participants = ""
    crossfire, delay = 0, ""
    if len(ordered) >= 2 and ordered[1].first_hit - ordered[0].first_hit <= crossfire_window:
        crossfire, delay = 1, str(ordered[1].first_hit - ordered[0].first_hit)
        first = ordered[0].first_hit
        participants = ",".join(
            players[a.player].info.guid for a in ordered if a.first_hit - first <= crossfire_window
        )
    positions = "|".join(f"{t},{x:.1f},{y:.1f},{z:.1f},{ev}" for t, x, y, z, ev in eng.positions)
    attackers = "|".join(
        f"{players[a.player].info.guid},{sanitize_name(players[a.player].info.name)},"
        f"{players[a.player].info.team},{a.damage},{a.hits},{a.first_hit},{a.last_hit},"
        f"{int(a.got_kill)},{''.join(f'{w}:{n};' for w, n in a.weapons.items()) or '0:0;'}"
        for a in eng.attackers.values()
    )
    sx, sy, sz = eng.start_pos
    ex, ey, ez = eng.end_pos
    return (
        f"{eng.eid};{eng.start};{eng.end};{eng.end - eng.start};{target.guid};"
        f"{sanitize_name(target.name)};{target.team};{eng.outcome};{eng.total_damage};"
        f"{killer.guid if killer else ''};{sanitize_name(killer.name) if killer else ''};"
        f"{len(eng.attackers)};{crossfire};{delay};{participants};"
        f"{sx:.1f};{sy:.1f};{sz:.1f};{ex:.1f};{ey:.1f};{ez:.1f};{eng.distance:.1f};"
        f"{positions};{attackers}"
    )


def track_line(sim: RoundSim, life: Life) -> str:
    info = sim.players[life.player].info
    path = "|".join(
        f"{t},{x:.1f},{y:.1f},{z:.1f},{h},{s:.1f},{w},{st},{sp},{ev}"
        for t, x, y, z, h, s, w, st, sp, ev in life.points
    )
    return (
        f"{info.guid};{sanitize_name(info.name)};{info.team};{info.player_class};{life.spawn};"
        f"{life.death or 0};{life.first_move if life.first_move is not None else ''};"
        f"{life.death_type};{len(life.points)};{path}"
    )


def header_lines(spec: ProximityRoundSpec, written_round: int) -> list[str]:
    lines = [
        f"# PROXIMITY_TRACKER_V{spec.format_version}",
        f"# map={spec.map_name}",
        f"# round={written_round}",
        f"# crossfire_window={spec.crossfire_window_ms}",
        f"# escape_time={spec.escape_time_ms}",
        f"# escape_distance={spec.escape_distance}",
        f"# position_sample_interval={spec.sample_interval_ms}",
        f"# round_start_unix={spec.round_start_unix}",
        f"# round_end_unix={spec.round_end_unix}",
    ]
    if spec.format_version >= 5:
        lines += [
            f"# axis_spawn_interval={spec.axis_spawn_interval_ms}",
            f"# allies_spawn_interval={spec.allies_spawn_interval_ms}",
        ]
    declared = declared_capabilities(spec)
    if declared is not None:
        caps = ",".join(f"{name}:{int(on)}" for name, on in declared)
        lines += ["# tracker_version_full=6.11", "# test_mode=0", f"# capabilities={caps}"]
    return lines


def declared_capabilities(spec: ProximityRoundSpec) -> tuple[tuple[str, bool], ...] | None:
    if spec.format_version < 6 or not spec.declare_capabilities:
        return None
    return declared_flags(spec.disabled_flags)


def inject_broken_lines(
    sections: list[tuple[str, list[str], list[str]]], kinds: Sequence[str], rng: random.Random
) -> list[tuple[str, int, str]]:
    """Add broken lines into section bodies; returns (section, index in body, kind)."""
    bodies = {name: body for name, _, body in sections}
    # Copies are taken from the real rows only, never from an already injected line.
    eng, tracks = list(bodies["ENGAGEMENTS"]), list(bodies["PLAYER_TRACKS"])
    placed: list[tuple[str, int, str]] = []
    for kind in kinds:
        if kind not in BROKEN_LINE_KINDS:
            raise ValueError(f"unknown broken-line kind {kind!r}")
        if kind != "bad_heatmap" and not (eng and tracks):
            raise ValueError("the round produced no engagements or lives to corrupt")
        if kind == "garbage_engagement":
            section, line = "ENGAGEMENTS", "this line is not an engagement"
        elif kind == "bad_number_engagement":
            fields = rng.choice(eng).split(";", 23)
            fields[0] = str(900000 + len(placed))
            fields[8] = "12x"
            section, line = "ENGAGEMENTS", ";".join(fields)
        elif kind == "duplicate_engagement":
            section, line = "ENGAGEMENTS", rng.choice(eng)
        elif kind == "truncated_track":
            src = max(tracks, key=len)
            head, _, path = src.rpartition(";")
            points = path.split("|")
            cut = points[len(points) // 2].split(",")[:3]
            section = "PLAYER_TRACKS"
            line = f"{head};{'|'.join(points[: len(points) // 2])}|{','.join(cut)},"
        elif kind == "bad_track_value":
            head, _, path = rng.choice(tracks).rpartition(";")
            points = path.split("|")
            parts = points[-1].split(",")
            parts[5] = "fast"
            points[-1] = ",".join(parts)
            section, line = "PLAYER_TRACKS", f"{head};{'|'.join(points)}"
        else:  # bad_heatmap
            section, line = "KILL_HEATMAP", "1;2;x;0"
        body = bodies[section]
        # duplicates must follow their original; everything else goes anywhere in the body
        index = len(body) if kind == "duplicate_engagement" else rng.randrange(0, len(body) + 1)
        body.insert(index, line)
        placed = [(s, i + 1 if s == section and i >= index else i, k) for s, i, k in placed]
        placed.append((section, index, kind))
    return placed
