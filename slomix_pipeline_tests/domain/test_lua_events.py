"""Normalisation helpers and the merge of Lua round-end events into lua_round_teams rows."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from slomix_pipeline.domain.lua_end_reason import (
    EndReason,
    is_known_end_reason,
    normalise_end_reason,
)
from slomix_pipeline.domain.lua_events import merge_round_ends
from slomix_pipeline.domain.lua_merged_rows import EventProvenance
from slomix_pipeline.domain.lua_records import (
    SOURCE_GAMETIME,
    SOURCE_WEBHOOK,
    LuaPause,
    LuaRoundEnd,
    RosterPlayer,
    SpawnStat,
)
from slomix_pipeline.domain.lua_values import (
    gaming_day_of,
    map_key,
    normalise_round,
    normalise_side,
    strip_control_chars,
)

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("objective", EndReason.OBJECTIVE),
        ("  Objective ", EndReason.OBJECTIVE),
        ("surrender", EndReason.SURRENDER),
        ("forfeit", EndReason.SURRENDER),
        ("time_expired", EndReason.TIME_EXPIRED),
        ("time limit", EndReason.TIME_EXPIRED),
        ("timelimit", EndReason.TIME_EXPIRED),
        ("normal", EndReason.NORMAL),
        ("map change", EndReason.MAP_CHANGE),
        ("map-change", EndReason.MAP_CHANGE),
        ("mapchange", EndReason.MAP_CHANGE),
        ("map_restart", EndReason.MAP_RESTART),
        ("server restart", EndReason.SERVER_RESTART),
        ("shutdown", EndReason.SHUTDOWN),
        ("", EndReason.UNKNOWN),
        (None, EndReason.UNKNOWN),
        ("exploded", EndReason.UNKNOWN),
    ],
)
def test_end_reason_normalisation(raw: str | None, expected: EndReason) -> None:
    assert normalise_end_reason(raw) is expected


def test_end_reason_normalisation_is_idempotent_and_flags_unknown_spellings() -> None:
    for reason in EndReason:
        assert normalise_end_reason(reason.value) is reason
        assert is_known_end_reason(reason.value)
    assert not is_known_end_reason("exploded")
    assert not is_known_end_reason(None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", (1, True)),
        ("2", (2, True)),
        (" 0 ", (0, True)),
        ("Axis", (1, True)),
        ("ALLIES", (2, True)),
        ("draw", (0, True)),
        ("", (0, True)),
        (None, (0, True)),
        (2, (2, True)),
        ("3", (0, False)),
        ("-1", (0, False)),
        ("blue", (0, False)),
    ],
)
def test_side_codes(raw: str | int | None, expected: tuple[int, bool]) -> None:
    assert normalise_side(raw) == expected


def test_round_zero_is_round_two_and_others_are_invalid() -> None:
    assert normalise_round(0) == 2
    assert normalise_round(1) == 1
    assert normalise_round(2) == 2
    assert normalise_round(3) is None
    assert normalise_round(-1) is None


def test_map_key_ignores_case_and_whitespace() -> None:
    assert map_key("  Supply ") == map_key("supply") == "supply"
    assert map_key("te  Escape2\t") == "te escape2"
    assert map_key("ETL_Adlernest") == "etl_adlernest"


def test_strip_control_chars_keeps_printable_unicode() -> None:
    assert strip_control_chars("v\x00i\x1bd\x7f ñ") == "vid ñ"


def _epoch(year: int, month: int, day: int, hour: int, minute: int, tz: ZoneInfo) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=tz).timestamp())


def test_gaming_day_uses_the_server_clock_and_day_start_hour() -> None:
    # 05:59 Paris belongs to the previous gaming day, 06:00 to the new one.
    assert gaming_day_of(_epoch(2026, 2, 17, 5, 59, PARIS), PARIS, 6) == date(2026, 2, 16)
    assert gaming_day_of(_epoch(2026, 2, 17, 6, 0, PARIS), PARIS, 6) == date(2026, 2, 17)
    # 23:30 UTC on the 16th is 00:30 Paris on the 17th: still the night of the 16th.
    late = int(datetime(2026, 2, 16, 23, 30, tzinfo=UTC).timestamp())
    assert gaming_day_of(late, PARIS, 6) == date(2026, 2, 16)
    # The same epoch with a midnight day start lands on the 17th.
    assert gaming_day_of(late, PARIS, 0) == date(2026, 2, 17)


def test_gaming_day_across_dst_fall_back() -> None:
    # 2026-10-25 02:30 happens twice in Paris; both are before 06:00 -> gaming day of the 24th.
    first = int(datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=0).timestamp())
    second = int(datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1).timestamp())
    assert second - first == 3600
    assert gaming_day_of(first, PARIS, 6) == gaming_day_of(second, PARIS, 6) == date(2026, 10, 24)


# ------------------------------------------------------------------------------------ merge


def _event(
    source: str = SOURCE_WEBHOOK,
    *,
    map_name: str = "supply",
    round_number: int = 1,
    start: int = 1_771_270_000,
    end: int = 1_771_270_602,
    spawn: bool = False,
    **overrides: object,
) -> LuaRoundEnd:
    base = LuaRoundEnd(
        source=source,
        map_name=map_name,
        map_key=map_key(map_name),
        round_number=round_number,
        round_start_unix=start,
        round_end_unix=end,
        actual_duration_seconds=562,
        total_pause_seconds=40,
        pause_count=1,
        pauses=(LuaPause(1, start + 100, start + 140, 40),),
        end_reason=EndReason.OBJECTIVE,
        end_reason_raw="objective",
        winner_team=2,
        defender_team=1,
        timelimit_minutes=12.0,
        warmup_seconds=31,
        warmup_start_unix=start - 31,
        surrender_team=0,
        surrender_caller_guid=None,
        surrender_caller_name=None,
        axis_score=0,
        allies_score=1,
        axis_players=(RosterPlayer("AAAA", "vid"), RosterPlayer("", "omnibot")),
        allies_players=(RosterPlayer("BBBB", "carniee"),),
        spawn_stats=(
            (
                SpawnStat("BBBB", "carniee", 7, 6, 70, 11, 19),
                SpawnStat("AAAA", "vid", 9, 8, 96, 12, 21),
            )
            if spawn
            else ()
        ),
        lua_version="1.7.2",
        message_id=None,
        warnings=(),
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


def _prov(name: str, received_at: int) -> EventProvenance:
    return EventProvenance(
        file_name=name, sha256=name.rjust(64, "0")[-64:], received_at=received_at
    )


# Two rounds: supply R1 (webhook + gametime) and supply R2 (webhook only), plus a gametime-only
# round of another map.
R1_WEBHOOK = (_event(SOURCE_WEBHOOK), _prov("w1", 100))
R1_GAMETIME = (_event(SOURCE_GAMETIME, spawn=True), _prov("g1", 160))
R2_WEBHOOK = (
    _event(SOURCE_WEBHOOK, round_number=2, start=1_771_271_000, end=1_771_271_500),
    _prov("w2", 1200),
)
ADLER_GAMETIME = (
    _event(SOURCE_GAMETIME, map_name="etl_adlernest", start=1_771_272_000, end=1_771_272_400),
    _prov("g3", 2100),
)
CLEAN = [R1_WEBHOOK, R1_GAMETIME, R2_WEBHOOK, ADLER_GAMETIME]


def test_one_row_per_round_whichever_sources_saw_it() -> None:
    result = merge_round_ends(CLEAN)
    assert [(t.map_key, t.round_number, t.sources) for t in result.teams] == [
        ("supply", 1, (SOURCE_WEBHOOK, SOURCE_GAMETIME)),
        ("supply", 2, (SOURCE_WEBHOOK,)),
        ("etl_adlernest", 1, (SOURCE_GAMETIME,)),
    ]
    assert result.duplicates_merged == 1
    assert result.events_by_source == {SOURCE_GAMETIME: 2, SOURCE_WEBHOOK: 2}
    assert result.rows_by_sources == {"gametime": 1, "webhook": 1, "webhook+gametime": 1}
    r1 = result.teams[0]
    assert (r1.first_seen_at, r1.last_update_at, r1.event_count) == (100, 160, 2)
    assert (r1.primary_file, r1.spawn_source_file) == ("w1", "g1")


def test_duplicates_and_out_of_order_give_the_clean_rows() -> None:
    clean = merge_round_ends(CLEAN)
    # Redelivered identical content (same landed file) and every order of arrival.
    messy = [*CLEAN, R1_WEBHOOK, ADLER_GAMETIME, R1_GAMETIME]
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(messy)
        result = merge_round_ends(messy)
        assert result.teams == clean.teams
        assert result.spawn_rows == clean.spawn_rows
        assert result.duplicates_merged == len(messy) - 3


def test_every_permutation_of_both_sources_is_identical() -> None:
    late_replay = (_event(SOURCE_WEBHOOK), _prov("w1-replay", 900))
    items = [R1_WEBHOOK, R1_GAMETIME, late_replay]
    results = {merge_round_ends(list(p)).teams for p in itertools.permutations(items)}
    assert len(results) == 1
    (teams,) = results
    assert len(teams) == 1
    # The earliest webhook delivery is primary; first/last seen span all three deliveries.
    assert teams[0].primary_file == "w1"
    assert (teams[0].first_seen_at, teams[0].last_update_at, teams[0].event_count) == (100, 900, 3)


def test_webhook_wins_conflicts_and_gametime_fills_gaps() -> None:
    legacy_webhook = _event(
        SOURCE_WEBHOOK,
        winner_team=1,
        warmup_seconds=None,
        warmup_start_unix=None,
        axis_score=None,
        allies_score=None,
        axis_players=(),
        allies_players=(),
        pauses=(),
        timelimit_minutes=None,
        lua_version=None,
        end_reason=EndReason.UNKNOWN,
        end_reason_raw=None,
    )
    gametime = _event(SOURCE_GAMETIME, spawn=True, winner_team=2, timelimit_minutes=7.4333)
    result = merge_round_ends([(gametime, _prov("g", 50)), (legacy_webhook, _prov("w", 60))])
    (team,) = result.teams
    assert team.winner_team == 1  # both carry it: webhook wins
    assert team.timelimit_minutes == 7.4333  # only gametime carries it
    assert team.warmup_seconds == 31
    assert team.axis_score == 0 and team.allies_score == 1
    assert team.axis_players == gametime.axis_players
    assert team.allies_players == gametime.allies_players
    assert team.pauses == gametime.pauses
    assert team.end_reason is EndReason.OBJECTIVE
    assert team.lua_version == "1.7.2"
    assert team.primary_file == "w"
    assert (team.first_seen_at, team.last_update_at) == (50, 60)


def test_side_code_zero_is_filled_from_the_other_source() -> None:
    webhook = _event(SOURCE_WEBHOOK, winner_team=0, defender_team=0)
    gametime = _event(SOURCE_GAMETIME, winner_team=2, defender_team=1)
    (team,) = merge_round_ends([(webhook, _prov("w", 1)), (gametime, _prov("g", 2))]).teams
    assert (team.winner_team, team.defender_team) == (2, 1)


def test_map_name_case_and_whitespace_do_not_split_a_round() -> None:
    webhook = _event(SOURCE_WEBHOOK, map_name="Supply")
    gametime = _event(SOURCE_GAMETIME, map_name=" supply ")
    result = merge_round_ends([(gametime, _prov("g", 1)), (webhook, _prov("w", 2))])
    (team,) = result.teams
    assert team.map_key == "supply"
    assert team.map_name == "Supply"  # from the primary (webhook) event


def test_different_start_is_a_different_round() -> None:
    first = _event(SOURCE_WEBHOOK)
    replay_of_other_round = _event(SOURCE_WEBHOOK, start=first.round_start_unix + 40)
    result = merge_round_ends([(first, _prov("a", 1)), (replay_of_other_round, _prov("b", 2))])
    assert len(result.teams) == 2
    assert result.duplicates_merged == 0


def test_spawn_rows_come_from_whichever_source_carries_them() -> None:
    result = merge_round_ends([R1_WEBHOOK, R1_GAMETIME])
    assert [(r.player_guid, r.spawn_count, r.source, r.source_file) for r in result.spawn_rows] == [
        ("AAAA", 9, SOURCE_GAMETIME, "g1"),
        ("BBBB", 7, SOURCE_GAMETIME, "g1"),
    ]
    row = result.spawn_rows[0]
    assert (row.map_key, row.round_number, row.round_end_unix) == ("supply", 1, 1_771_270_602)
    assert (row.death_count, row.dead_seconds, row.avg_respawn_seconds) == (8, 96, 12)
    assert row.max_respawn_seconds == 21
    # A round seen only by the webhook (v1.7.2 sends no spawn JSON) gets no spawn rows.
    assert merge_round_ends([R2_WEBHOOK]).spawn_rows == ()


def test_spawn_rows_are_not_mixed_across_deliveries() -> None:
    one = _event(SOURCE_GAMETIME, spawn=True)
    other = _event(SOURCE_GAMETIME, spawn_stats=(SpawnStat("CCCC", "late", 1, 1, 5, 5, 5),))
    result = merge_round_ends([(other, _prov("g-late", 20)), (one, _prov("g-early", 10))])
    assert {r.player_guid for r in result.spawn_rows} == {"AAAA", "BBBB"}


def test_row_warnings_are_the_union_of_event_warnings() -> None:
    a = _event(SOURCE_WEBHOOK, warnings=("round_0_mapped_to_2",))
    b = _event(SOURCE_GAMETIME, warnings=("meta_mismatch:map", "round_0_mapped_to_2"))
    (team,) = merge_round_ends([(a, _prov("a", 1)), (b, _prov("b", 2))]).teams
    assert team.warnings == ("meta_mismatch:map", "round_0_mapped_to_2")


def test_empty_input() -> None:
    result = merge_round_ends([])
    assert result.teams == () and result.spawn_rows == () and result.duplicates_merged == 0
