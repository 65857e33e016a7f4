"""Entry point: simulate one round and render its ``*_engagements.txt`` (name, bytes, truth)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from slomix_pipeline.sample_data.proximity_render.lines import (
    declared_capabilities,
    engagement_line,
    header_lines,
    inject_broken_lines,
    track_line,
)
from slomix_pipeline.sample_data.proximity_render.sections import V5_SECTIONS, later_sections
from slomix_pipeline.sample_data.proximity_render.spec import (
    BROKEN_LINE_KINDS,
    ProximityRoundSpec,
    RenderedProximity,
    sanitize_name,
)
from slomix_pipeline.sample_data.proximity_render.state import FRAME_MS
from slomix_pipeline.sample_data.proximity_render.stepping import RoundSim
from slomix_pipeline.sample_data.proximity_render.truth import round_truth

_V4_SECTIONS = (
    "ENGAGEMENTS",
    "PLAYER_TRACKS",
    "KILL_HEATMAP",
    "MOVEMENT_HEATMAP",
    "OBJECTIVE_FOCUS",
)


def render_proximity_round(spec: ProximityRoundSpec) -> RenderedProximity:
    """Simulate the round and render its ``*_engagements.txt`` (name, bytes, truth)."""
    if spec.round_end_unix <= spec.round_start_unix:
        raise ValueError("round_end_unix must be after round_start_unix")
    if spec.sample_interval_ms <= 0 or spec.sample_interval_ms % FRAME_MS:
        raise ValueError(f"sample interval must be a positive multiple of {FRAME_MS} ms")
    sim = RoundSim(spec)
    sim.run()
    v6 = spec.format_version >= 6
    written_round = spec.written_round_number
    if written_round is None:
        written_round = spec.round_number if v6 else 1

    kill_rows = [f"{gx};{gy};{a};{b}" for (gx, gy), (a, b) in sorted(sim.kill_cells.items())]
    move_rows = [
        f"{gx};{gy};{tr};{co};{es}" for (gx, gy), (tr, co, es) in sorted(sim.move_cells.items())
    ]
    sections: list[tuple[str, list[str], list[str]]] = [
        (
            "ENGAGEMENTS",
            [
                "# id;start_time;end_time;duration;target_guid;target_name;target_team;outcome;"
                "total_damage;killer_guid;killer_name;num_attackers;is_crossfire;"
                "crossfire_delay;crossfire_participants;start_x;start_y;start_z;end_x;end_y;"
                "end_z;distance_traveled;positions;attackers"
            ],
            [engagement_line(sim, e, spec.crossfire_window_ms) for e in sim.engagements],
        ),
        (
            "PLAYER_TRACKS",
            [
                "# guid;name;team;class;spawn_time;death_time;first_move_time;death_type;"
                "samples;path",
                "# death_type: killed, selfkill, fallen, world, teamkill, round_end, "
                "disconnect, unknown",
                "# path point: time,x,y,z,health,speed,weapon,stance,sprint,event",
                "# stance: 0=standing 1=crouching 2=prone; sprint: 0/1",
            ],
            [track_line(sim, life) for life in sim.lives],
        ),
        ("KILL_HEATMAP", ["# grid_x;grid_y;axis_kills;allies_kills"], kill_rows),
        ("MOVEMENT_HEATMAP", ["# grid_x;grid_y;traversal;combat;escape"], move_rows),
    ]
    if sim.objective_acc:
        focus = []
        for i, acc in sorted(sim.objective_acc.items()):
            info = sim.players[i].info
            counts = acc[3:]
            name = spec.objectives[counts.index(max(counts))][0]
            focus.append(
                f"{info.guid};{sanitize_name(info.name)};{info.team};{name};"
                f"{acc[0] / acc[1]:.1f};{int(acc[2])};{int(acc[1])}"
            )
        sections.append(
            (
                "OBJECTIVE_FOCUS",
                ["# guid;name;team;objective;avg_distance;time_within_radius_ms;samples"],
                focus,
            )
        )
    if spec.format_version >= 5:
        for name, columns, rows in later_sections(
            sim,
            format_version=spec.format_version,
            declared=declared_capabilities(spec),
            revives_given=dict(spec.revives_given),
            only=None if v6 else V5_SECTIONS,
        ):
            sections.append((name, [columns], rows))
    extra = tuple(name for name, _, _ in sections if name not in _V4_SECTIONS)

    placed = inject_broken_lines(sections, spec.broken_lines, sim.rng)
    lines = header_lines(spec, written_round)
    starts: dict[str, int] = {}
    for n, (name, comments, body) in enumerate(sections):
        if n:
            lines.append("")
        lines.append(f"# {name}")
        lines.extend(comments)
        starts[name] = len(lines) + 1  # 1-based number of the body's first line
        lines.extend(body)
    broken = tuple(
        sorted(
            (starts[section] + index, BROKEN_LINE_KINDS[kind]) for section, index, kind in placed
        )
    )
    written_local = spec.file_written_local or datetime.fromtimestamp(
        spec.round_end_unix, ZoneInfo(spec.server_tz)
    ).replace(tzinfo=None)
    name = f"{written_local:%Y-%m-%d-%H%M%S}-{spec.map_name}-round-{written_round}_engagements.txt"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    truth = round_truth(spec, sim, written_round, broken, extra)
    later = tuple((n, len(body)) for n, _, body in sections if n not in _V4_SECTIONS)
    truth = replace(truth, section_rows=later, declared=declared_capabilities(spec))
    return RenderedProximity(name, data, truth)
