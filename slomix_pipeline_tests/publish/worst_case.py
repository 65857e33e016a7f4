"""The largest session a post must survive: 8v8 plus late joiners, long hostile names, many maps.

The sample nights play 3v3..6v6 with short names, so this builds the worst case directly as
post records: 16 regulars and 4 unassigned substitutes, every name at the game's 35-character
limit and full of what must not format or ping (``**bold**``, ``__x__``, ``@everyone``,
``<@1234>``, back-ticks, colour codes), 14 map plays (28 rounds).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

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

DAY = date(2026, 3, 7)
HOSTILE = (
    "^1**@everyone**^7_x_",
    "__<@123456789>__~~z~~",
    "`code`||spoiler||>quote",
    "[link](http://x.y)#h@here",
    "\\*esc\\*^^2^!weird",
)


def long_name(i: int) -> str:
    base = HOSTILE[i % len(HOSTILE)] + f"#{i:02d}"
    return (base + "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")[:35]


def players(n_per_team: int = 8, unassigned: int = 4, sides: frozenset[int] | None = None):
    out = []
    for i in range(2 * n_per_team + unassigned):
        team = "A" if i < n_per_team else "B" if i < 2 * n_per_team else None
        side = frozenset({AXIS if team == "A" else ALLIES}) if sides is None else sides
        out.append(
            PlayerLine(
                guid=f"{i:08X}",
                name=long_name(i),
                team=team,
                sides=side,
                kills=100 + i * 7,
                deaths=90 + i,
                damage_given=99_999 + i,
                dpm=1234.5 - i,
                kill_assists=55 + i,
                revives_given=12,
                accuracy=33.3,
                time_played_seconds=12_345,
            )
        )
    return tuple(out)


def worst_round() -> RoundPostData:
    return RoundPostData(
        round_id=1,
        session_id=9,
        gaming_day=DAY,
        map_name="^1et^2_^3very_long_custom_map_name_b4_final_final",
        round_number=2,
        end_local=datetime(2026, 3, 7, 23, 59, 59),
        winner_team=AXIS,
        winner_source="lua",
        defender_team=ALLIES,
        duration_seconds=1199,
        duration_source="lua",
        stats_clock_seconds=1260,
        lua_duration_seconds=1199,
        timing_diff_seconds=61,
        timing_status="discrepancy",
        link_reason="linked",
        players=players(),
    )


def worst_map() -> MapPostData:
    return MapPostData(
        map_play_id=2,
        session_id=9,
        gaming_day=DAY,
        map_name="^1et^2_^3very_long_custom_map_name_b4_final_final",
        play_index=3,
        end_local=datetime(2026, 3, 7, 23, 59, 59),
        r1_attackers="A",
        r1_time_seconds=599,
        r2_time_seconds=600,
        r1_attack_succeeded=True,
        r2_attack_succeeded=False,
        map_winner="A",
        team_a_points=1,
        team_b_points=0,
        scoring_counted=True,
        scoring_source="time",
        scoring_note="",
        players=players(sides=frozenset({AXIS, ALLIES})),
    )


def worst_session(map_plays: int = 14) -> SessionPostData:
    start = datetime(2026, 3, 7, 20, 0)
    maps = tuple(
        SessionMapLine(
            map_name=f"^3custom_map_with_a_long_name_{i:02d}",
            play_index=1 + i // 7,
            map_winner=("A", "B", "draw")[i % 3],
            r1_attackers="A",
            r1_time_seconds=300 + i,
            r2_time_seconds=600,
            scoring_counted=i % 5 != 4,
            scoring_note="R1 only (not counted)" if i % 5 == 4 else "",
        )
        for i in range(map_plays)
    )
    awards = tuple(
        Award(f"Award number {i} with a long title", long_name(i), f"{i * 111} things")
        for i in range(12)
    )
    return SessionPostData(
        session_id=9,
        gaming_day=DAY,
        last_gaming_day=DAY,
        start_local=start,
        end_local=start + timedelta(hours=5),
        end_unix=1_772_917_200,
        round_count=2 * map_plays,
        counted_round_count=2 * map_plays,
        team_a_points=7,
        team_b_points=5,
        maps=maps,
        players=players(),
        awards=awards,
    )
