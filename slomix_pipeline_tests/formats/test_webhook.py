"""STATS_READY body parsing: every field, legacy names, normalisation, every rejection reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slomix_pipeline.domain.lua_end_reason import EndReason
from slomix_pipeline.domain.lua_records import LuaPause, LuaRoundEnd, RosterPlayer, SpawnStat
from slomix_pipeline.domain.lua_rejections import IgnoredMessage, LuaRejection, RejectReason
from slomix_pipeline.formats.webhook import MAX_BODY_BYTES, parse_webhook_body

AXIS = [{"guid": "AB12CD34AB12CD34AB12CD34AB12CD34", "name": "vid"}, {"guid": "", "name": "bot"}]
ALLIES = [{"guid": "EF56EF56EF56EF56EF56EF56EF56EF56", "name": "carniee"}]
PAUSES = [{"n": 1, "start": 1771270100, "end": 1771270140, "sec": 40}]

FULL_FIELDS: dict[str, Any] = {
    "Map": "supply",
    "Round": "1",
    "Winner": "2",
    "Defender": "1",
    "Lua_Playtime": "562 sec",
    "Lua_Timelimit": "12 min",
    "Lua_Pauses": "1 (40 sec)",
    "Lua_EndReason": "objective",
    "Lua_Warmup": "31 sec",
    "Lua_WarmupStart": "1771269969",
    "Lua_RoundStart": "1771270000",
    "Lua_RoundEnd": "1771270602",
    "Lua_SurrenderTeam": "0",
    "Lua_SurrenderCaller": "",
    "Lua_SurrenderCallerName": "",
    "Lua_AxisScore": "0",
    "Lua_AlliesScore": "1",
    "Axis_JSON": json.dumps(AXIS),
    "Allies_JSON": json.dumps(ALLIES),
    "Lua_Pauses_JSON": json.dumps(PAUSES),
    "Lua_SpawnSummary": "Players:2 | Spawns:16 | AvgRespawn:11s | MaxRespawn:21s",
}


def body(
    fields: dict[str, Any] | None = None,
    *,
    drop: tuple[str, ...] = (),
    content: Any = "STATS_READY",
    **top: Any,
) -> dict[str, Any]:
    """A STATS_READY body with FULL_FIELDS overridden by ``fields`` and without ``drop``."""
    merged = {**FULL_FIELDS, **(fields or {})}
    return {
        "username": "ET:Legacy Stats",
        "content": content,
        "embeds": [
            {
                "title": "Round Complete: supply R1",
                "color": 3447003,
                "fields": [
                    {"name": k, "value": v, "inline": True}
                    for k, v in merged.items()
                    if k not in drop
                ],
                "footer": {"text": "Slomix Lua Webhook v1.7.2"},
            }
        ],
        **top,
    }


def encode(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def parse_ok(obj: Any) -> LuaRoundEnd:
    result = parse_webhook_body(encode(obj) if not isinstance(obj, bytes) else obj)
    assert isinstance(result, LuaRoundEnd), result
    return result


def parse_rejected(data: Any) -> LuaRejection:
    result = parse_webhook_body(data if isinstance(data, bytes) else encode(data))
    assert isinstance(result, LuaRejection), result
    return result


def test_every_field_of_a_current_body() -> None:
    event = parse_ok(body())
    assert event.source == "webhook"
    assert (event.map_name, event.map_key, event.round_number) == ("supply", "supply", 1)
    assert (event.round_start_unix, event.round_end_unix) == (1771270000, 1771270602)
    assert event.actual_duration_seconds == 562
    assert (event.pause_count, event.total_pause_seconds) == (1, 40)
    assert event.pauses == (LuaPause(1, 1771270100, 1771270140, 40),)
    assert (event.end_reason, event.end_reason_raw) == (EndReason.OBJECTIVE, "objective")
    assert (event.winner_team, event.defender_team) == (2, 1)
    assert event.timelimit_minutes == 12.0
    assert (event.warmup_seconds, event.warmup_start_unix) == (31, 1771269969)
    assert event.surrender_team == 0
    assert event.surrender_caller_guid is None and event.surrender_caller_name is None
    assert (event.axis_score, event.allies_score) == (0, 1)
    assert event.axis_players == (
        RosterPlayer("AB12CD34AB12CD34AB12CD34AB12CD34", "vid"),
        RosterPlayer("", "bot"),
    )
    assert event.allies_players == (RosterPlayer("EF56EF56EF56EF56EF56EF56EF56EF56", "carniee"),)
    assert event.spawn_stats == ()
    assert event.lua_version == "1.7.2"
    assert event.message_id is None
    assert event.warnings == ()


def test_surrender_fields() -> None:
    event = parse_ok(
        body(
            {
                "Lua_EndReason": "surrender",
                "Lua_SurrenderTeam": "2",
                "Lua_SurrenderCaller": "EF56EF56EF56EF56EF56EF56EF56EF56",
                "Lua_SurrenderCallerName": "carniee",
            }
        )
    )
    assert event.end_reason is EndReason.SURRENDER
    assert event.surrender_team == 2
    assert event.surrender_caller_guid == "EF56EF56EF56EF56EF56EF56EF56EF56"
    assert event.surrender_caller_name == "carniee"


def test_legacy_field_names() -> None:
    legacy = {
        "Duration": "600 sec",
        "Time Limit": "10 min",
        "Pauses": "2 (75 sec)",
        "End Reason": "time_expired",
        "Start Unix": "1771270000",
        "End Unix": "1771270675",
        "Axis": "vid, bot",
        "Allies": "carniee",
    }
    current = tuple(k for k in FULL_FIELDS if k.startswith(("Lua_", "Axis_", "Allies_")))
    event = parse_ok(body(legacy, drop=current))
    assert (event.round_start_unix, event.round_end_unix) == (1771270000, 1771270675)
    assert event.actual_duration_seconds == 600
    assert event.timelimit_minutes == 10.0
    assert (event.pause_count, event.total_pause_seconds) == (2, 75)
    assert event.end_reason is EndReason.TIME_EXPIRED
    assert event.axis_players == () and event.allies_players == ()  # display lists ignored
    assert "legacy_field:start unix" in event.warnings
    assert "legacy_field:end reason" in event.warnings


def test_current_name_beats_legacy_name() -> None:
    event = parse_ok(body({"Duration": "999 sec"}))
    assert event.actual_duration_seconds == 562


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("7.4333 min", 7.4333), ("7.433 min", 7.433), ("12 min", 12.0), ("0 min", 0.0), ("9.5", 9.5)],
)
def test_timelimit_is_float_minutes_never_truncated(text: str, minutes: float) -> None:
    assert parse_ok(body({"Lua_Timelimit": text})).timelimit_minutes == minutes


def test_unparseable_timelimit_is_none_not_zero() -> None:
    event = parse_ok(body({"Lua_Timelimit": "soon"}))
    assert event.timelimit_minutes is None
    assert "unparseable:lua_timelimit" in event.warnings


@pytest.mark.parametrize("raw", ["0", "+0", "-0", " 0 "])
def test_round_zero_becomes_round_two(raw: str) -> None:
    event = parse_ok(body({"Round": raw}))
    assert event.round_number == 2
    assert "round_0_mapped_to_2" in event.warnings


@pytest.mark.parametrize("raw", ["3", "-1", "9"])
def test_other_round_numbers_are_rejected(raw: str) -> None:
    assert parse_rejected(body({"Round": raw})).reason is RejectReason.INVALID_ROUND


def test_map_key_is_case_and_whitespace_insensitive() -> None:
    event = parse_ok(body({"Map": "  TE  Escape2 "}))
    assert (event.map_name, event.map_key) == ("TE  Escape2", "te escape2")


def test_sides_accept_names_and_flag_garbage() -> None:
    event = parse_ok(body({"Winner": "Axis", "Defender": "7"}))
    assert (event.winner_team, event.defender_team) == (1, 0)
    assert "invalid_side:defender" in event.warnings


def test_numbers_sent_as_json_numbers_are_accepted() -> None:
    event = parse_ok(body({"Round": 2, "Lua_RoundStart": 1771270000, "Lua_Timelimit": 7.5}))
    assert (event.round_number, event.round_start_unix, event.timelimit_minutes) == (
        2,
        1771270000,
        7.5,
    )


def test_pauses_variants() -> None:
    bare = parse_ok(body({"Lua_Pauses": "3", "Lua_Pauses_JSON": "[]"}))
    assert (bare.pause_count, bare.total_pause_seconds, bare.pauses) == (3, 0, ())
    derived = parse_ok(body(drop=("Lua_Pauses",)))
    assert (derived.pause_count, derived.total_pause_seconds) == (1, 40)
    mismatch = parse_ok(body({"Lua_Pauses": "1 (99 sec)"}))
    assert mismatch.total_pause_seconds == 99
    assert "pause_total_mismatch" in mismatch.warnings
    garbage = parse_ok(body({"Lua_Pauses": "lots", "Lua_Pauses_JSON": ""}))
    assert (garbage.pause_count, garbage.total_pause_seconds) == (None, None)
    assert "unparseable:lua_pauses" in garbage.warnings


def test_unparseable_optional_figure_becomes_none_with_warning() -> None:
    event = parse_ok(body({"Lua_Warmup": "abc sec", "Lua_AxisScore": "x"}))
    assert event.warmup_seconds is None and event.axis_score is None
    assert {"unparseable:lua_warmup", "unparseable:lua_axisscore"} <= set(event.warnings)


def test_spawn_stats_in_the_embed_are_read_when_present() -> None:
    spawn = [
        {
            "guid": "AB12",
            "name": "vid",
            "spawns": 9,
            "deaths": 8,
            "dead_seconds": 96,
            "avg_respawn": 12,
            "max_respawn": 21,
        }
    ]
    event = parse_ok(body({"Lua_SpawnStats_JSON": json.dumps(spawn)}))
    assert event.spawn_stats == (SpawnStat("AB12", "vid", 9, 8, 96, 12, 21),)


def test_duplicate_field_last_wins_with_warning() -> None:
    obj = body()
    obj["embeds"][0]["fields"].append({"name": "lua_playtime", "value": "500 sec"})
    event = parse_ok(obj)
    assert event.actual_duration_seconds == 500
    assert "duplicate_field:lua_playtime" in event.warnings


def test_double_escaped_roster_json_is_rescued() -> None:
    event = parse_ok(body({"Axis_JSON": '[{\\"guid\\":\\"AB\\",\\"name\\":\\"vid\\"}]'}))
    assert event.axis_players == (RosterPlayer("AB", "vid"),)
    assert "double_escaped_json:axis_json" in event.warnings


def test_message_id_and_missing_footer() -> None:
    obj = body(id="123456789")
    del obj["embeds"][0]["footer"]
    event = parse_ok(obj)
    assert event.message_id == "123456789"
    assert event.lua_version is None


def test_short_round_and_duration_checks_warn() -> None:
    event = parse_ok(body({"Lua_Playtime": "12 sec"}))
    assert "short_round" in event.warnings
    event = parse_ok(body({"Lua_Playtime": "5000 sec"}))
    assert "duration_exceeds_wall_clock" in event.warnings


def test_unknown_end_reason_is_kept_raw() -> None:
    event = parse_ok(body({"Lua_EndReason": "nuked"}))
    assert (event.end_reason, event.end_reason_raw) == (EndReason.UNKNOWN, "nuked")
    assert "unrecognised_end_reason" in event.warnings


# ----------------------------------------------------------------------- control bytes in names


def test_escaped_control_bytes_in_names_are_stripped() -> None:
    axis = [{"guid": "AB\x00", "name": "v\x07i\x1bd"}]
    event = parse_ok(body({"Axis_JSON": json.dumps(axis), "Lua_SurrenderCallerName": "x\ny"}))
    assert event.axis_players == (RosterPlayer("AB", "vid"),)
    assert event.surrender_caller_name == "xy"
    assert "control_chars_stripped:axis_json.name" in event.warnings
    assert "control_chars_stripped:surrender_caller_name" in event.warnings


def test_raw_control_bytes_from_old_lua_do_not_lose_the_round() -> None:
    # Pre-v1.6.4 Lua wrote a tab and a bell byte into the JSON unescaped: invalid strict JSON.
    raw = encode(body({"Lua_SurrenderCallerName": "PLACEHOLDER"})).replace(
        b"PLACEHOLDER", b"bad\x07\tname"
    )
    with pytest.raises(ValueError):
        json.loads(raw)
    event = parse_ok(raw)
    assert event.surrender_caller_name == "badname"
    assert "raw_control_chars_in_json:webhook body" in event.warnings


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    raw = encode(body({"Lua_SurrenderCallerName": "PLACEHOLDER"})).replace(
        b"PLACEHOLDER", b"\xe9t\xe9"
    )
    event = parse_ok(raw)
    assert event.surrender_caller_name == "\ufffdt\ufffd"
    assert "invalid_utf8_replaced:webhook body" in event.warnings


def test_overlong_names_are_truncated() -> None:
    axis = [{"guid": "G" * 40, "name": "n" * 100}]
    event = parse_ok(body({"Axis_JSON": json.dumps(axis)}))
    assert event.axis_players == (RosterPlayer("G" * 32, "n" * 64),)
    assert "truncated:axis_json.name" in event.warnings


# ------------------------------------------------------------------------------------ ignored


def test_objective_live_ping_is_ignored_with_its_kind() -> None:
    ping = {
        "username": "ET:Legacy Live",
        "embeds": [{"title": "Objective Update", "description": "Allies dynamited the wall"}],
        "allowed_mentions": {"parse": []},
    }
    result = parse_webhook_body(encode(ping))
    assert isinstance(result, IgnoredMessage)
    assert result.kind == "objective_update"


def test_other_content_is_ignored() -> None:
    result = parse_webhook_body(encode({"content": "hello there"}))
    assert result == IgnoredMessage(kind="hello_there", detail=result.detail)


# ----------------------------------------------------------------------------------- rejections


def _too_many(n: int) -> str:
    return json.dumps([{"guid": f"G{i:031d}", "name": f"p{i}"} for i in range(n)])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", RejectReason.MALFORMED_JSON),
        (b"", RejectReason.MALFORMED_JSON),
        (b"[1, 2]", RejectReason.WRONG_TYPE),
        (body(content="STATS_READY", embeds=[]), RejectReason.MISSING_FIELD),
        ({"content": "STATS_READY"}, RejectReason.MISSING_FIELD),
        ({"content": "STATS_READY", "embeds": {"a": 1}}, RejectReason.WRONG_TYPE),
        ({"content": "STATS_READY", "embeds": ["x"]}, RejectReason.WRONG_TYPE),
        ({"content": "STATS_READY", "embeds": [{"fields": "x"}]}, RejectReason.WRONG_TYPE),
        ({"content": "STATS_READY", "embeds": [{"fields": [1]}]}, RejectReason.WRONG_TYPE),
        (body({"Map": {"name": "supply"}}), RejectReason.WRONG_TYPE),
        (body({"Map": True}), RejectReason.WRONG_TYPE),
        (body(drop=("Map",)), RejectReason.MISSING_FIELD),
        (body({"Map": "  "}), RejectReason.MISSING_FIELD),
        (body({"Map": "unknown"}), RejectReason.MISSING_FIELD),
        (body({"Map": "sup\x01ply"}), RejectReason.INVALID_MAP_NAME),
        (body({"Map": "m" * 65}), RejectReason.INVALID_MAP_NAME),
        (body(drop=("Round",)), RejectReason.MISSING_FIELD),
        (body({"Round": "two"}), RejectReason.WRONG_TYPE),
        (body(drop=("Lua_RoundEnd",)), RejectReason.MISSING_FIELD),
        (body(drop=("Lua_RoundStart",)), RejectReason.MISSING_FIELD),
        (body({"Lua_RoundStart": "abc"}), RejectReason.WRONG_TYPE),
        (body({"Lua_RoundEnd": "1771270602.5"}), RejectReason.WRONG_TYPE),
        (body({"Lua_RoundEnd": "0"}), RejectReason.INVALID_VALUE),
        (body({"Lua_RoundEnd": "99999999999"}), RejectReason.INVALID_VALUE),
        (body({"Lua_RoundStart": "1771270700"}), RejectReason.INVALID_VALUE),
        (body({"Lua_Playtime": "-5 sec"}), RejectReason.INVALID_VALUE),
        (body({"Axis_JSON": "[{"}), RejectReason.MALFORMED_JSON),
        (body({"Axis_JSON": '{"guid": "x"}'}), RejectReason.WRONG_TYPE),
        (body({"Axis_JSON": '["vid"]'}), RejectReason.WRONG_TYPE),
        (body({"Axis_JSON": '[{"guid": 5, "name": "vid"}]'}), RejectReason.WRONG_TYPE),
        (
            body({"Lua_Pauses_JSON": '[{"n": 1, "start": "x", "end": 2, "sec": 1}]'}),
            RejectReason.WRONG_TYPE,
        ),
        (body({"Axis_JSON": _too_many(65)}), RejectReason.OVERSIZED_ROSTER),
        (
            body({"Axis_JSON": _too_many(33), "Allies_JSON": _too_many(32)}),
            RejectReason.OVERSIZED_ROSTER,
        ),
        (b"{" + b" " * MAX_BODY_BYTES + b"}", RejectReason.OVERSIZED_INPUT),
    ],
)
def test_rejections(data: Any, reason: RejectReason) -> None:
    rejection = parse_rejected(data)
    assert rejection.reason is reason
    assert rejection.detail


def test_roster_at_the_client_limit_is_accepted() -> None:
    event = parse_ok(body({"Axis_JSON": _too_many(32), "Allies_JSON": _too_many(32)}))
    assert len(event.axis_players) + len(event.allies_players) == 64


def test_round_start_zero_is_accepted_with_a_warning() -> None:
    event = parse_ok(body({"Lua_RoundStart": "0"}))
    assert event.round_start_unix == 0
    assert "round_start_unknown" in event.warnings
