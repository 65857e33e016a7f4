"""R1 pairing, the R2 differential and per-round player statistics."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime
from typing import Any

import pytest

from slomix_pipeline.domain.contract import build_contract
from slomix_pipeline.domain.differential import (
    build_round_stats,
    find_round1,
    tank_meatshield,
)
from slomix_pipeline.domain.stats_records import (
    PlayerRoundStats,
    RoundStats,
    WeaponRoundStats,
)
from slomix_pipeline.formats.stats_file import (
    ParsedStatsFile,
    StatsFileKind,
    StatsFileName,
    classify_stats_filename,
    parse_stats_file,
)
from slomix_pipeline_tests.formats.test_stats_file import (
    assert_fields,
    file_name,
    header_line,
    parse,
    player_line,
    stats_bytes,
)

R1_STAMP = "2026-02-10-213012"
R2_STAMP = "2026-02-10-214530"


def r1_file(*lines: str, **header: Any) -> ParsedStatsFile:
    return parse(header_line(**header), *lines, name=file_name(R1_STAMP))


def r2_file(*lines: str, **header: Any) -> ParsedStatsFile:
    header.setdefault("round_number", 2)
    return parse(header_line(**header), *lines, name=file_name(R2_STAMP, round_number=2))


def by_name(stats: RoundStats) -> dict[str, PlayerRoundStats]:
    return {p.player_name: p for p in stats.players}


def name_of(stamp: str, map_name: str = "supply", round_number: int = 1) -> StatsFileName:
    parsed = classify_stats_filename(file_name(stamp, map_name, round_number))
    assert parsed is not None
    return parsed


# --------------------------------------------------------------------------------------------
# A constructed pair with known R2-only truth for every field
# --------------------------------------------------------------------------------------------

# Alpha in R1 (values as written).
ALPHA_R1_WEAPONS = {2: (5, 20, 1, 1, 2), 4: (50, 140, 9, 4, 12)}
ALPHA_R1_EXT = {
    "damage_given": 1830,
    "damage_received": 1210,
    "team_damage_given": 40,
    "team_damage_received": 12,
    "gibs": 3,
    "self_kills": 1,
    "team_kills": 0,
    "team_gibs": 0,
    "time_played_percent": 71.3,
    "xp": 138,
    "killing_spree": 103,
    "death_spree": 102,
    "kill_assists": 104,
    "kill_steals": 105,
    "headshot_kills": 106,
    "objectives_stolen": 107,
    "objectives_returned": 108,
    "dynamites_planted": 109,
    "dynamites_defused": 110,
    "times_revived": 111,
    "bullets_fired": 160,
    "dpm": 215.3,
    "time_played_minutes": 8.5,
    "tank_meatshield": 0.0,
    "time_dead_ratio": 22.4,
    "time_dead_minutes": 1.9,
    "kd_ratio": 2.5,
    "useful_kills": 113,
    "denied_playtime": 114,
    "multikill_2x": 115,
    "multikill_3x": 116,
    "multikill_4x": 117,
    "multikill_5x": 118,
    "multikill_6x": 119,
    "useless_kills": 120,
    "full_selfkills": 121,
    "repairs_constructions": 122,
    "revives_given": 123,
}
# Alpha's R2 file line: cumulative fields hold R1 + R2, per-round fields hold R2 only. The
# Luger saw no R2 activity (still written: its cumulative tuple is non-zero); the Thompson
# is new in R2 (Alpha switched sides).
ALPHA_R2_WEAPONS = {2: (5, 20, 1, 1, 2), 4: (80, 240, 15, 9, 19), 5: (20, 60, 3, 1, 4)}
ALPHA_R2_EXT = {
    "damage_given": 1830 + 1420,
    "damage_received": 1210 + 1300,
    "team_damage_given": 40 + 10,
    "team_damage_received": 12 + 8,
    "gibs": 3 + 2,
    "self_kills": 1 + 1,
    "team_kills": 0 + 3,
    "team_gibs": 0 + 4,
    "time_played_percent": 70.0,  # cumulative ratio
    "xp": 41,
    "killing_spree": 4,
    "death_spree": 3,
    "kill_assists": 5,
    "kill_steals": 6,
    "headshot_kills": 7,
    "objectives_stolen": 8,
    "objectives_returned": 9,
    "dynamites_planted": 10,
    "dynamites_defused": 11,
    "times_revived": 12,
    "bullets_fired": 160 + 150,
    "dpm": 999.9,  # Lua DPM: ignored
    "time_played_minutes": 16.9,  # 8.5 + 8.4
    "tank_meatshield": 9.9,  # slot value: ignored, recomputed from R2-only values
    "time_dead_ratio": 55.5,  # numerator R2, denominator cumulative: ignored, recomputed
    "time_dead_minutes": 2.1,
    "kd_ratio": 9.9,  # Lua kd: ignored
    "useful_kills": 13,
    "denied_playtime": 14,
    "multikill_2x": 15,
    "multikill_3x": 16,
    "multikill_4x": 17,
    "multikill_5x": 18,
    "multikill_6x": 19,
    "useless_kills": 20,
    "full_selfkills": 21,
    "repairs_constructions": 22,
    "revives_given": 23,
}
ALPHA_R2_ONLY: dict[str, Any] = {
    "player_guid": "A1B2C3D4",
    "guid8": "A1B2C3D4",
    "player_name": "AlphaOne",
    "raw_name": "^1Alpha^7One",
    "team": 2,
    "is_bot": False,
    "kills": 9,
    "deaths": 6,
    "headshots": 11,
    "shots_total": 160,
    "hits_total": 50,
    "accuracy": 31.25,
    "kd_ratio": 1.5,
    "efficiency": 60.0,
    "dpm": 1420 * 60 / 504,
    "damage_given": 1420,
    "damage_received": 1300,
    "team_damage_given": 10,
    "team_damage_received": 8,
    "gibs": 2,
    "self_kills": 1,
    "team_kills": 3,
    "team_gibs": 4,
    "time_played_percent": 68.7,  # (70.0 x 16.9 - 71.3 x 8.5) / 8.4
    "xp": 41,
    "killing_spree_best": 4,
    "death_spree_worst": 3,
    "kill_assists": 5,
    "kill_steals": 6,
    "headshot_kills": 7,
    "objectives_stolen": 8,
    "objectives_returned": 9,
    "dynamites_planted": 10,
    "dynamites_defused": 11,
    "times_revived": 12,
    "bullets_fired": 150,
    "tank_meatshield": 0.0,  # 1300 / 6 / 130 = 1.67: not above 3
    "time_dead_ratio": 25.0,  # 2.1 / 8.4
    "time_dead_minutes": 2.1,
    "time_played_seconds": 504,  # (169 - 85) tenths x 6 s
    "time_played_minutes": 8.4,
    "most_useful_kills": 13,
    "denied_playtime": 14,
    "double_kills": 15,
    "triple_kills": 16,
    "quad_kills": 17,
    "multi_kills": 18,
    "mega_kills": 19,
    "useless_kills": 20,
    "full_selfkills": 21,
    "constructions": 22,
    "revives_given": 23,
    "time_source": "tab22_differential",
    "counter_reset": False,
    "counter_reset_fields": (),
    "joined_in_r2": False,
    "weapons": (
        WeaponRoundStats(2, "WS_LUGER", 0, 0, 0, 0, 0, 0.0),
        WeaponRoundStats(4, "WS_MP40", 30, 100, 6, 5, 7, 30.0),
        WeaponRoundStats(5, "WS_THOMPSON", 20, 60, 3, 1, 4, 20 * 100 / 60),
    ),
}


def alpha_pair() -> tuple[ParsedStatsFile, ParsedStatsFile]:
    r1 = r1_file(
        player_line("A1B2C3D4", "^1Alpha^7One", 0, 1, ALPHA_R1_WEAPONS, ALPHA_R1_EXT),
        player_line("C0C0C0C0", "Charlie", 0, 2, {5: (10, 30, 2, 2, 1)}, {"damage_given": 300}),
    )
    r2 = r2_file(
        player_line("E0E0E0E0", "^3Echo^7", 1, 1, {3: (12, 40, 2, 3, 1)}, ECHO_EXT),
        player_line("A1B2C3D4", "^1Alpha^7One", 1, 2, ALPHA_R2_WEAPONS, ALPHA_R2_EXT),
        limit="7:36",
        actual="8:27",
    )
    return r1, r2


ECHO_EXT = {
    "damage_given": 700,
    "damage_received": 900,
    "time_played_minutes": 6.8,
    "time_dead_minutes": 1.2,
    "time_played_percent": 82.0,
    "time_dead_ratio": 17.6,
    "tank_meatshield": 0.0,
    "xp": 15,
    "bullets_fired": 40,
}


def test_r2_differential_every_field() -> None:
    r1, r2 = alpha_pair()
    stats = build_round_stats(r2, r1)
    assert_fields(by_name(stats)["AlphaOne"], ALPHA_R2_ONLY)


def test_rows_as_written_reuse_the_parsed_weapon_records() -> None:
    """No copies: the parser's weapon records are the stored row type, values and type equal."""
    r1, r2 = alpha_pair()
    r1_alpha = r1.players[0]
    assert build_round_stats(r1).players[0].weapons is r1_alpha.weapons
    r2_alpha = next(p for p in r2.players if p.clean_name == "AlphaOne")
    luger, mp40, thompson = by_name(build_round_stats(r2, r1))["AlphaOne"].weapons
    assert thompson is r2_alpha.weapons[2]  # first used in R2: as written IS R2-only
    assert mp40 == WeaponRoundStats(4, "WS_MP40", 30, 100, 6, 5, 7, 30.0)
    assert mp40 is not r2_alpha.weapons[1]  # a real difference: a new row
    assert luger == WeaponRoundStats(2, "WS_LUGER", 0, 0, 0, 0, 0, 0.0)
    again = by_name(build_round_stats(r2, r1))["AlphaOne"].weapons[0]
    assert again is luger  # unused in R2: one shared frozen zero row per weapon


def test_r2_round_level_fields() -> None:
    r1, r2 = alpha_pair()
    stats = build_round_stats(r2, r1)
    assert_fields(
        stats,
        {
            "file": r2.file,
            "header": r2.header,
            "round_number": 2,
            "map_name": "supply",
            "players": stats.players,
            "is_orphan_r2": False,
            "r1_file_name": file_name(R1_STAMP),
            "differential_applied": True,
            "round_duration_seconds": 241,
            "bot_player_count": 0,
            "human_player_count": 2,
            "is_bot_round": False,
            "contract": build_contract(r2.header, 2),
            "warnings": ("r1_only_player@C0C0C0C0",),
        },
    )
    # R2 file order is kept; R1-only Charlie produces no R2 row.
    assert [p.player_name for p in stats.players] == ["Echo", "AlphaOne"]


def test_r1_round_every_field() -> None:
    r1, _ = alpha_pair()
    stats = build_round_stats(r1)
    alpha = by_name(stats)["AlphaOne"]
    assert_fields(
        alpha,
        {
            "player_guid": "A1B2C3D4",
            "guid8": "A1B2C3D4",
            "player_name": "AlphaOne",
            "raw_name": "^1Alpha^7One",
            "team": 1,
            "is_bot": False,
            "kills": 10,
            "deaths": 5,
            "headshots": 14,
            "shots_total": 160,
            "hits_total": 55,
            "accuracy": 55 * 100 / 160,
            "kd_ratio": 2.0,
            "efficiency": 10 * 100 / 15,
            "dpm": 1830 * 60 / 510,
            "damage_given": 1830,
            "damage_received": 1210,
            "team_damage_given": 40,
            "team_damage_received": 12,
            "gibs": 3,
            "self_kills": 1,
            "team_kills": 0,
            "team_gibs": 0,
            "time_played_percent": 71.3,
            "xp": 138,
            "killing_spree_best": 103,
            "death_spree_worst": 102,
            "kill_assists": 104,
            "kill_steals": 105,
            "headshot_kills": 106,
            "objectives_stolen": 107,
            "objectives_returned": 108,
            "dynamites_planted": 109,
            "dynamites_defused": 110,
            "times_revived": 111,
            "bullets_fired": 160,
            "tank_meatshield": 0.0,
            "time_dead_ratio": 22.4,  # TAB 24 as written
            "time_dead_minutes": 1.9,
            "time_played_seconds": 510,  # TAB 22 8.5 min, exact
            "time_played_minutes": 8.5,
            "most_useful_kills": 113,
            "denied_playtime": 114,
            "double_kills": 115,
            "triple_kills": 116,
            "quad_kills": 117,
            "multi_kills": 118,
            "mega_kills": 119,
            "useless_kills": 120,
            "full_selfkills": 121,
            "constructions": 122,
            "revives_given": 123,
            "time_source": "tab22",
            "counter_reset": False,
            "counter_reset_fields": (),
            "joined_in_r2": False,
            "weapons": (
                WeaponRoundStats(2, "WS_LUGER", 5, 20, 1, 1, 2, 25.0),
                WeaponRoundStats(4, "WS_MP40", 50, 140, 9, 4, 12, 50 * 100 / 140),
            ),
        },
    )
    assert (stats.is_orphan_r2, stats.r1_file_name, stats.differential_applied) == (
        False,
        None,
        False,
    )
    assert stats.warnings == ()


def test_r2_only_players_joined_in_r2_keep_their_values() -> None:
    r1, r2 = alpha_pair()
    echo = by_name(build_round_stats(r2, r1))["Echo"]
    assert_fields(
        echo,
        {
            "joined_in_r2": True,
            "kills": 2,
            "deaths": 3,
            "damage_given": 700,
            "bullets_fired": 40,
            "time_played_seconds": 408,
            "time_source": "tab22",
            "time_played_percent": 82.0,
            "time_dead_ratio": 17.6,
            "counter_reset": False,
        },
        complete=False,
    )


# --------------------------------------------------------------------------------------------
# Reconnect (counter reset)
# --------------------------------------------------------------------------------------------

DELTA_R1 = player_line(
    "D0D0D0D0",
    "Delta",
    0,
    1,
    {4: (20, 60, 5, 2, 3), 11: (2, 4, 1, 0, 0)},
    {
        "damage_given": 1000,
        "damage_received": 800,
        "gibs": 2,
        "bullets_fired": 64,
        "time_played_minutes": 5.0,
        "time_played_percent": 90.0,
    },
)


def test_reconnected_player_uses_fresh_r2_counters() -> None:
    """Fresh counters after a reconnect: every R2 value is R2-only already; nothing clamped."""
    r2_line = player_line(
        "D0D0D0D0",
        "Delta",
        0,
        2,
        {4: (12, 40, 3, 1, 1)},  # the grenade (id 11) vanished: its counters restarted
        {
            "damage_given": 600,
            "damage_received": 1500,
            "gibs": 2,
            "bullets_fired": 40,
            "time_played_minutes": 4.0,
            "time_dead_minutes": 1.0,
            "time_played_percent": 75.0,
            "xp": 9,
        },
    )
    stats = build_round_stats(r2_file(r2_line), r1_file(DELTA_R1))
    (delta,) = stats.players
    assert_fields(
        delta,
        {
            "counter_reset": True,
            "counter_reset_fields": (
                "kills",
                "deaths",
                "headshots",
                "shots_total",
                "hits_total",
                "damage_given",
                "bullets_fired",
                "time_played_minutes",
                "WS_MP40.hits",
                "WS_MP40.shots",
                "WS_MP40.kills",
                "WS_MP40.deaths",
                "WS_MP40.headshots",
                "WS_GRENADE.hits",
                "WS_GRENADE.shots",
                "WS_GRENADE.kills",
            ),
            "kills": 3,
            "deaths": 1,
            "shots_total": 40,
            "damage_given": 600,
            "damage_received": 1500,
            "gibs": 2,  # equal is not a drop, and the raw value is used
            "bullets_fired": 40,
            "time_played_seconds": 240,
            "time_source": "tab22_after_reset",
            "time_dead_ratio": 25.0,
            "time_played_percent": 75.0,
            "tank_meatshield": 11.5,  # 1500 / 1 / 130
            "dpm": 150.0,
            "xp": 9,
            "weapons": (WeaponRoundStats(4, "WS_MP40", 12, 40, 3, 1, 1, 30.0),),
        },
        complete=False,
    )
    assert stats.warnings == ("counter_reset@D0D0D0D0",)


def test_a_single_dropped_counter_triggers_the_reset() -> None:
    """Upstream needed two drops (damage counted twice); a time-only drop stored 0 s, DPM 0."""
    r2_line = player_line(
        "D0D0D0D0",
        "Delta",
        0,
        2,
        {4: (30, 90, 8, 3, 4), 11: (2, 4, 1, 0, 0)},
        {
            "damage_given": 1900,
            "damage_received": 900,
            "gibs": 3,
            "bullets_fired": 94,
            "time_played_minutes": 4.5,  # dropped from 5.0: a reconnect
        },
    )
    (delta,) = build_round_stats(r2_file(r2_line), r1_file(DELTA_R1)).players
    assert delta.counter_reset_fields == ("time_played_minutes",)
    assert (delta.time_played_seconds, delta.kills, delta.damage_given) == (270, 9, 1900)
    assert delta.dpm == pytest.approx(1900 * 60 / 270)


def test_a_line_without_tab_block_counts_as_zero_counters() -> None:
    """R1 without a TAB block: R2's counters are all R2-only; R2 without one: a reset."""
    weapons = {4: (30, 90, 8, 3, 4)}
    ext = {"damage_given": 1900, "damage_received": 900, "gibs": 3, "bullets_fired": 94}
    bare = player_line("E0E0E0E0", "Echo", 0, 2, {4: (10, 40, 2, 1, 1)}, tab=False)
    full = player_line("E0E0E0E0", "Echo", 0, 2, weapons, ext)
    (echo,) = build_round_stats(r2_file(full), r1_file(bare)).players
    assert not echo.counter_reset
    assert (echo.damage_given, echo.damage_received, echo.gibs, echo.bullets_fired) == (
        1900,
        900,
        3,
        94,
    )
    assert (echo.kills, echo.shots_total) == (6, 50)
    (echo,) = build_round_stats(r2_file(bare), r1_file(full)).players
    assert echo.counter_reset
    assert "damage_given" in echo.counter_reset_fields
    assert (echo.damage_given, echo.kills) == (0, 2)


def test_no_value_is_ever_negative_and_resets_are_exactly_the_drops() -> None:
    """Random pairs: plain continuation, fresh counters, or a drop in one random counter."""
    rng = random.Random(11)
    for _ in range(150):
        weapons1 = {
            w: tuple(rng.randint(0, 30) for _ in range(5)) for w in rng.sample(range(28), 3)
        }
        ext1 = {
            "damage_given": rng.randint(0, 3000),
            "time_played_minutes": rng.randint(1, 99) / 10,
        }
        mode = rng.choice(("continue", "fresh", "one_drop"))
        if mode == "fresh":
            weapons2 = {w: tuple(rng.randint(0, 30) for _ in range(5)) for w in weapons1}
            ext2 = {"damage_given": rng.randint(0, 3000), "time_played_minutes": 0.5}
        else:
            weapons2 = {
                w: tuple(a + rng.randint(0, 9) for a in v)  # type: ignore[misc]
                for w, v in weapons1.items()
            }
            ext2 = {
                "damage_given": ext1["damage_given"] + rng.randint(0, 500),
                "time_played_minutes": ext1["time_played_minutes"] + rng.randint(0, 90) / 10,
            }
            if mode == "one_drop":
                w = rng.choice(sorted(weapons2))
                values = list(weapons2[w])
                values[rng.randrange(5)] -= 100
                weapons2[w] = tuple(values)  # type: ignore[assignment]
                if min(values) < 0:
                    continue  # a file never holds negative counters
        r1 = r1_file(player_line("A1B2C3D4", "P", 0, 1, weapons1, ext1))
        r2 = r2_file(player_line("A1B2C3D4", "P", 1, 2, weapons2, ext2))
        (p,) = build_round_stats(r2, r1).players
        numbers = [getattr(p, f.name) for f in dataclasses.fields(p)]
        numbers += [getattr(w, f) for w in p.weapons for f in ("hits", "shots", "kills", "deaths")]
        assert all(n >= 0 for n in numbers if isinstance(n, int | float))
        dropped = (
            any(b < a for w in weapons1 for a, b in zip(weapons1[w], weapons2[w], strict=True))
            or ext2["damage_given"] < ext1["damage_given"]
        )
        dropped |= ext2["time_played_minutes"] < ext1["time_played_minutes"]
        assert p.counter_reset == dropped
        assert p.kills == sum(w.kills for w in p.weapons)
        assert p.headshots == sum(w.headshots for w in p.weapons)


# --------------------------------------------------------------------------------------------
# Orphans, bots, times, misuse
# --------------------------------------------------------------------------------------------


def test_orphan_r2_keeps_raw_cumulative_values() -> None:
    _, r2 = alpha_pair()
    stats = build_round_stats(r2)
    alpha = by_name(stats)["AlphaOne"]
    assert (stats.is_orphan_r2, stats.differential_applied, stats.r1_file_name) == (
        True,
        False,
        None,
    )
    assert "orphan_r2" in stats.warnings
    assert (alpha.kills, alpha.damage_given, alpha.time_played_seconds) == (19, 3250, 1014)
    assert (alpha.time_dead_ratio, alpha.tank_meatshield, alpha.time_played_percent) == (
        55.5,
        9.9,
        70.0,
    )
    assert not any(p.joined_in_r2 for p in stats.players)


def test_players_without_tab22_time_fall_back_to_the_header() -> None:
    no_tab = "12345678\\NoTab\\0\\1\\16 1 2 0 0 0\n"
    capped = build_round_stats(r1_file(no_tab, limit="3:00", duration_ms="241533"))
    assert (capped.players[0].time_played_seconds, capped.players[0].time_source) == (
        180,
        "header_duration",
    )
    actual = build_round_stats(r1_file(no_tab, duration_ms=None, actual="7:36"))
    assert (actual.players[0].time_played_seconds, actual.players[0].time_source) == (
        456,
        "header_actual_time",
    )
    nothing = build_round_stats(r1_file(no_tab, duration_ms="-5", actual="0:00"))
    assert (nothing.players[0].time_played_seconds, nothing.players[0].time_source) == (0, "none")
    assert (nothing.players[0].dpm, nothing.round_duration_seconds) == (0.0, None)


def test_map_name_falls_back_to_the_file_name() -> None:
    stats = build_round_stats(r1_file(player_line(), map_name=""))
    assert stats.map_name == "supply"
    assert build_round_stats(r1_file(player_line(), map_name="SUPPLY")).map_name == "SUPPLY"


@pytest.mark.parametrize(
    ("names", "bots", "humans", "is_bot_round"),
    [
        (["[BOT]A", "[BOT]B"], 2, 0, True),
        (["[BOT]A", "[BOT]B", "Human"], 2, 1, True),
        (["[BOT]A", "Human", "Other"], 1, 2, False),
        (["[BOT]A", "Human"], 1, 1, False),
        (["Human"], 0, 1, False),
    ],
)
def test_bot_round_flags(names: list[str], bots: int, humans: int, is_bot_round: bool) -> None:
    lines = [player_line(f"{i:08X}", n) for i, n in enumerate(names)]
    stats = build_round_stats(r1_file(*lines))
    assert (stats.bot_player_count, stats.human_player_count, stats.is_bot_round) == (
        bots,
        humans,
        is_bot_round,
    )


def test_misuse_is_refused() -> None:
    r1, r2 = alpha_pair()
    with pytest.raises(ValueError, match="round-2"):
        build_round_stats(r1, r1)
    with pytest.raises(ValueError, match="not a round-1"):
        build_round_stats(r2, r2)
    other = parse(
        header_line(map_name="goldrush"), player_line(), name=file_name(map_name="goldrush")
    )
    with pytest.raises(ValueError, match="different maps"):
        build_round_stats(r2, other)


def test_tank_meatshield_formula() -> None:
    assert tank_meatshield(1000, 0) == 0.0  # needs more than 1000 damage received
    assert tank_meatshield(1001, 0) == 7.7  # (1001 + 1) / 130
    assert tank_meatshield(1300, 1) == 10.0
    assert tank_meatshield(1500, 3) == 3.8  # 3.846
    assert tank_meatshield(1510, 3) == 3.9  # 3.872: rounded half-up like the Lua, not floored
    assert tank_meatshield(1400, 4) == 0.0  # 2.69: not above 3


# --------------------------------------------------------------------------------------------
# find_round1
# --------------------------------------------------------------------------------------------


def test_find_round1_filters() -> None:
    r2 = name_of("2026-02-10-214530", round_number=2)
    candidates = [
        name_of("2026-02-10-214000", "goldrush"),  # other map
        name_of("2026-02-10-214100", round_number=2),  # not round 1
        StatsFileName(
            "x-endstats", StatsFileKind.ENDSTATS, datetime(2026, 2, 10, 21, 42), "supply", 1
        ),
        name_of("2026-02-10-213000", "SUPPLY"),  # case-insensitive map: the match
    ]
    assert find_round1(r2, candidates) == candidates[3]
    assert find_round1(r2, []) is None
    with pytest.raises(ValueError):
        find_round1(r2, candidates, window_minutes=-1)


def test_find_round1_window_is_inclusive() -> None:
    r2 = name_of("2026-02-10-214500", round_number=2)
    exactly = name_of("2026-02-10-210000")
    assert find_round1(r2, [exactly]) == exactly
    assert find_round1(r2, [exactly], window_minutes=44) is None


def test_find_round1_same_timestamp_tie_is_deterministic() -> None:
    r2 = name_of("2026-02-10-214500", round_number=2)
    a, b = name_of("2026-02-10-213000", "Supply"), name_of("2026-02-10-213000", "supply")
    assert find_round1(r2, [a, b]) == find_round1(r2, [b, a]) == b


# --------------------------------------------------------------------------------------------
# Edge cases of the reference (section 10)
# --------------------------------------------------------------------------------------------


def test_edge_04_exact_time_arithmetic_no_float_truncation() -> None:
    """Upstream: int((2.3 - 1.1) x 60) = int(71.99999999999999) = 71 s; right: 12 tenths = 72 s.

    Likewise an R1 TAB22 of 4.1 min is 246 s (upstream's float override gave 245).
    """
    r1 = r1_file(player_line(ext={"time_played_minutes": 1.1}))
    r2 = r2_file(player_line(ext={"time_played_minutes": 2.3}, weapons={4: (60, 150, 9, 4, 12)}))
    (p,) = build_round_stats(r2, r1).players
    assert (p.time_played_seconds, p.time_played_minutes) == (72, 1.2)
    (solo,) = build_round_stats(r1_file(player_line(ext={"time_played_minutes": 4.1}))).players
    assert solo.time_played_seconds == 246


def test_edge_05_reset_fallback_trigger() -> None:
    """Upstream (Feb): damage drop alone -> fallback (damage counted twice); kills drop alone
    -> NO fallback -> kills clamped to 0, damage 500, 300 s. Right: any drop is a reconnect,
    so both cases use the R2 values (Aug upstream agrees on the outcome)."""
    r1 = r1_file(
        player_line(
            weapons={4: (20, 60, 5, 2, 3)},
            ext={"damage_given": 1000, "time_played_minutes": 5.0},
        )
    )
    case_a = r2_file(
        player_line(
            weapons={4: (30, 90, 8, 3, 4)},
            ext={"damage_given": 900, "time_played_minutes": 10.0},
        )
    )
    case_b = r2_file(
        player_line(
            weapons={4: (25, 80, 4, 3, 4)},
            ext={"damage_given": 1500, "time_played_minutes": 10.0},
        )
    )
    (a,) = build_round_stats(case_a, r1).players
    (b,) = build_round_stats(case_b, r1).players
    assert (a.kills, a.damage_given, a.time_played_seconds, a.counter_reset_fields) == (
        8,
        900,
        600,
        ("damage_given",),
    )
    assert (b.kills, b.damage_given, b.time_played_seconds, b.counter_reset_fields) == (
        4,
        1500,
        600,
        ("kills", "WS_MP40.kills"),
    )


def test_edge_06_bots_never_collide() -> None:
    """Upstream (Feb): both bots are OMNIBOT0, Helga is differenced against Ursula's R1 and the
    two R2 rows collide on (round, guid). Right: name-based keys, each bot paired with itself."""
    r1 = r1_file(
        player_line("OMNIBOT0", "[BOT]Helga", 0, 1, {4: (10, 30, 1, 1, 0)}),
        player_line("OMNIBOT0", "[BOT]Ursula", 0, 1, {5: (12, 40, 2, 2, 1)}),
    )
    r2 = r2_file(
        player_line("OMNIBOT0", "[BOT]Helga", 1, 2, {4: (14, 45, 2, 2, 1)}),
        player_line("OMNIBOT0", "[BOT]Ursula", 1, 2, {5: (20, 70, 5, 3, 2)}),
    )
    stats = build_round_stats(r2, r1)
    helga, ursula = stats.players
    assert helga.player_guid != ursula.player_guid
    assert helga.weapons == (WeaponRoundStats(4, "WS_MP40", 4, 15, 1, 1, 1, 4 * 100 / 15),)
    assert ursula.weapons == (WeaponRoundStats(5, "WS_THOMPSON", 8, 30, 3, 1, 1, 8 * 100 / 30),)
    assert (helga.kills, ursula.kills) == (1, 3)
    assert not helga.counter_reset and not ursula.counter_reset
    assert (stats.bot_player_count, stats.is_bot_round) == (2, True)  # propagated to R2


def test_edge_07_header_ninth_field_is_milliseconds() -> None:
    """Upstream (Feb): 241533 read as seconds -> 241533 s and DPM 0.22 for 900 damage."""
    parsed = r1_file(
        player_line(ext={"damage_given": 900, "time_played_minutes": 4.0}),
        "12345678\\NoTab\\0\\1\\16 1 2 0 0 0\n",
        limit="10:00",
        actual="4:02",
        duration_ms="241533",
    )
    stats = build_round_stats(parsed)
    tab22, no_tab = stats.players
    assert (tab22.time_played_seconds, tab22.dpm) == (240, 225.0)
    assert (no_tab.time_played_seconds, no_tab.time_source) == (241, "header_duration")
    assert (parsed.header.round_duration_ms, stats.round_duration_seconds) == (241533, 241)


def test_edge_08_r2_zero_actual_time_without_r1() -> None:
    """Upstream (Feb): outcome Unknown, TIME_SET, 300 s, no orphan mark. Right: orphan flagged,
    outcome from the trusted sides (Fullhold: winner 2 == defender 2), time from TAB22 (540 s),
    and the state from winner vs defender (a hold), whatever ``0:00`` (unset by the engine)."""
    data = stats_bytes(
        "srv\\te_escape2\\legacy6\\2\\2\\2\\5:00\\0:00\n",
        player_line(ext={"time_played_minutes": 9.0}, weapons={4: (40, 100, 7, 3, 5)}),
    )
    parsed = parse_stats_file(file_name(map_name="te_escape2", round_number=2), data)
    stats = build_round_stats(parsed)
    (p,) = stats.players
    assert stats.is_orphan_r2
    assert stats.contract.round_outcome == "Fullhold"
    assert stats.contract.round_stopwatch_state == "FULL_HOLD"
    assert (p.time_played_seconds, p.kills, p.shots_total) == (540, 7, 100)


def test_edge_09_r1_window_and_ordering() -> None:
    r2 = name_of("2026-02-10-035000", round_number=2)
    assert find_round1(r2, [name_of("2026-02-10-030000")]) is None  # 50 min > 45
    assert find_round1(r2, [name_of("2026-02-10-035000")]) is None  # not strictly earlier
    restarted = [name_of("2026-02-10-031500"), name_of("2026-02-10-032000")]
    assert find_round1(r2, restarted) == restarted[1]  # the later (replayed) R1 wins
    assert find_round1(r2, reversed(restarted)) == restarted[1]


def test_edge_10_midnight_has_no_previous_day_gate() -> None:
    """Upstream (Feb) searched the previous day only when the R2's day had no R1 of the map at
    all, so a later same-day R1 (found during a backfill) orphaned the R2."""
    r2 = name_of("2026-02-11-000910", round_number=2)
    before_midnight = name_of("2026-02-10-235530")
    later_that_evening = name_of("2026-02-11-210000")
    assert find_round1(r2, [later_that_evening, before_midnight]) == before_midnight


def test_edge_11_player_absent_from_r1_uses_tab22_time() -> None:
    """Upstream (Feb): R2 header time, 507 s from ``8:27``. Right (as Aug): TAB22 6.8 -> 408 s."""
    r1, r2 = alpha_pair()
    echo = by_name(build_round_stats(r2, r1))["Echo"]
    assert (echo.joined_in_r2, echo.time_played_seconds, echo.damage_given) == (True, 408, 700)


def test_edge_12_zero_activity_weapon_rows_are_kept() -> None:
    r1 = r1_file(player_line(weapons={2: (5, 20, 0, 0, 1), 4: (10, 30, 1, 1, 0)}))
    r2 = r2_file(player_line(weapons={2: (5, 20, 0, 0, 1), 4: (20, 50, 3, 2, 1)}))
    (p,) = build_round_stats(r2, r1).players
    assert p.weapons[0] == WeaponRoundStats(2, "WS_LUGER", 0, 0, 0, 0, 0, 0.0)
    assert len(p.weapons) == 2
    # A weapon seen only in R1 produces no row; its vanished activity means a reconnect.
    r2_without = r2_file(player_line(weapons={4: (20, 50, 3, 2, 1)}))
    (q,) = build_round_stats(r2_without, r1).players
    assert [w.weapon_name for w in q.weapons] == ["WS_MP40"]
    assert q.counter_reset and "WS_LUGER.shots" in q.counter_reset_fields


def test_edge_13_totals_always_equal_the_weapon_rows() -> None:
    """Upstream: total kills = clamp(R2 - R1) = 2 while the clamped weapon rows sum to 3.
    Right: one weapon slot going down is a reset; totals are the sums of the stored rows."""
    r1 = r1_file(player_line(weapons={4: (20, 60, 5, 2, 3), 5: (10, 30, 2, 1, 1)}))
    r2 = r2_file(player_line(weapons={4: (30, 90, 8, 3, 4), 5: (11, 35, 1, 2, 1)}))
    (p,) = build_round_stats(r2, r1).players
    assert p.counter_reset_fields == ("WS_THOMPSON.kills",)
    assert p.kills == sum(w.kills for w in p.weapons) == 9
    assert p.deaths == sum(w.deaths for w in p.weapons)
    assert p.shots_total == sum(w.shots for w in p.weapons)


def test_edge_16_surrender_does_not_inflate_player_time() -> None:
    """Upstream (Feb): a 4-minute surrender reads as Fullhold / FULL_HOLD / next 12 and gives
    every R1 player 720 s. The clock cannot express a surrender, but the header ms can: the
    defenders won 8 minutes before the limit, so it was no hold and there is no state (with or
    without the Lua end reason). Player time is right either way: TAB22 per player, and the
    header's measured milliseconds for players without one."""
    parsed = r1_file(
        player_line(ext={"time_played_minutes": 4.0}),
        "12345678\\NoTab\\0\\1\\16 1 2 0 0 0\n",
        winner="1",
        defender="1",
        limit="12:00",
        actual="12:00",
        duration_ms="240000",
    )
    stats = build_round_stats(parsed)
    assert stats.contract.round_stopwatch_state is None
    assert stats.contract.next_timelimit_minutes is None
    assert [p.time_played_seconds for p in stats.players] == [240, 240]
    surrendered = build_contract(parsed.header, 1, end_reason="SURRENDER")
    assert (surrendered.round_stopwatch_state, surrendered.next_timelimit_minutes) == (None, None)


def test_edge_17_time_played_percent_in_r2() -> None:
    """Upstream (Feb): 70.0 - 71.3 clamped to 0. Right (Aug formula): 68.7."""
    r1, r2 = alpha_pair()
    assert by_name(build_round_stats(r2, r1))["AlphaOne"].time_played_percent == 68.7


def test_edge_18_tank_meatshield_stays_a_float() -> None:
    """Upstream stored it in an INTEGER column (3.4 -> 3). Here it is a float end to end."""
    (r1p,) = build_round_stats(r1_file(player_line(ext={"tank_meatshield": 3.4}))).players
    assert r1p.tank_meatshield == 3.4 and isinstance(r1p.tank_meatshield, float)
    r1 = r1_file(player_line(weapons={4: (20, 60, 5, 2, 3)}, ext={"damage_received": 500}))
    r2 = r2_file(player_line(weapons={4: (30, 90, 8, 5, 4)}, ext={"damage_received": 2000}))
    (r2p,) = build_round_stats(r2, r1).players
    assert r2p.tank_meatshield == 3.8  # R2-only: 1500 received / 3 deaths / 130 = 3.85


def test_edge_19_no_match_summary_rows_at_all() -> None:
    """Upstream's SQLite path checked only (date, map, round 0) and skipped the R0 row of a
    second match on the same map that day. Here no round-0 rows exist: every result is the
    round its file names, and session totals come later from R1 + R2 rows."""
    r1, r2 = alpha_pair()
    evening_r1 = parse(header_line(), player_line(), name=file_name("2026-02-10-230000"))
    evening_r2 = parse(
        header_line(round_number=2),
        player_line(weapons={4: (60, 150, 10, 5, 13)}),
        name=file_name("2026-02-10-231500", round_number=2),
    )
    results = [build_round_stats(r2, r1), build_round_stats(evening_r2, evening_r1)]
    assert [s.round_number for s in results] == [2, 2]
    assert all(s.differential_applied for s in results)
    assert "match_summary" not in {f.name for f in dataclasses.fields(RoundStats)}
    assert results[1].players[0].kills == 1


def test_round1_index_answers_like_find_round1_over_every_candidate() -> None:
    """The per-map index is an optimisation only: same answer as the linear search."""
    from datetime import datetime, timedelta

    from slomix_pipeline.domain.differential import Round1Index, find_round1
    from slomix_pipeline.formats.stats_file import classify_stats_filename

    base = datetime(2026, 2, 10, 20, 0, 0)
    names = []
    for i in range(60):
        t = base + timedelta(minutes=7 * i)
        for map_name in ("supply", "Supply", "etl_adlernest", "te_escape2"):
            for rnd in (1, 2):
                names.append(f"{t:%Y-%m-%d-%H%M%S}-{map_name}-round-{rnd}.txt")
    files = [classify_stats_filename(n) for n in names]
    index = Round1Index(files)
    r2s = [f for f in files if f.round_number == 2]
    assert r2s
    for r2 in r2s:
        assert index.find(r2, 45) == find_round1(r2, files, 45)
