"""Gametime fallback files: meta + payload in both spellings, gap filling, rejections."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slomix_pipeline.domain.lua_end_reason import EndReason
from slomix_pipeline.domain.lua_records import LuaRoundEnd, RosterPlayer, SpawnStat
from slomix_pipeline.domain.lua_rejections import LuaRejection, RejectReason
from slomix_pipeline.formats.gametime import parse_gametime_file, safe_map_name
from slomix_pipeline.formats.webhook import parse_webhook_body

NAME = "gametime-supply-R2-1771271512.json"
SPAWN = [
    {
        "guid": "AB12CD34",
        "name": "vid",
        "spawns": 9,
        "deaths": 8,
        "dead_seconds": 96,
        "avg_respawn": 12,
        "max_respawn": 21,
    },
    {
        "guid": "EF56",
        "name": "carniee",
        "spawns": 5,
        "deaths": 4,
        "dead_seconds": 40,
        "avg_respawn": 10,
        "max_respawn": 14,
    },
]


def payload(**overrides: str) -> dict[str, Any]:
    fields = {
        "Map": "supply",
        "Round": "2",
        "Winner": "1",
        "Defender": "1",
        "Lua_Playtime": "572 sec",
        "Lua_Timelimit": "9.367 min",
        "Lua_Pauses": "0 (0 sec)",
        "Lua_EndReason": "time_expired",
        "Lua_Warmup": "31 sec",
        "Lua_WarmupStart": "1771270869",
        "Lua_RoundStart": "1771270900",
        "Lua_RoundEnd": "1771271512",
        "Lua_SurrenderTeam": "0",
        "Lua_AxisScore": "1",
        "Lua_AlliesScore": "0",
        "Axis_JSON": json.dumps([{"guid": "AB12CD34", "name": "vid"}]),
        "Allies_JSON": json.dumps([{"guid": "EF56", "name": "carniee"}]),
        "Lua_Pauses_JSON": "[]",
        **overrides,
    }
    return {
        "username": "ET:Legacy Stats",
        "content": "STATS_READY",
        "embeds": [
            {
                "title": "Round Complete: supply R2",
                "fields": [{"name": k, "value": v, "inline": True} for k, v in fields.items()],
                "footer": {"text": "Slomix Lua Webhook v1.7.2"},
            }
        ],
    }


DROP = object()


def meta(**overrides: Any) -> dict[str, Any]:
    """Meta block; a key set to ``DROP`` is left out."""
    base = {
        "map": "supply",
        "round": 2,
        "round_start_unix": 1771270900,
        "round_end_unix": 1771271512,
        "actual_duration_seconds": 572,
        "warmup_seconds": 31,
        "pause_seconds": 0,
        "pause_count": 0,
        "server_ip": "",
        "server_port": "27960",
        "match_id": "1771271512",
        "spawn_stats": SPAWN,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not DROP}


DEFAULT: Any = object()


def document(meta_obj: Any = DEFAULT, payload_obj: Any = DEFAULT) -> bytes:
    """A gametime file; ``payload_obj=None`` writes ``"payload": null``."""
    doc = {
        "meta": meta() if meta_obj is DEFAULT else meta_obj,
        "payload": payload() if payload_obj is DEFAULT else payload_obj,
    }
    return json.dumps(doc).encode("utf-8")


def parse_ok(data: bytes, name: str = NAME) -> LuaRoundEnd:
    result = parse_gametime_file(name, data)
    assert isinstance(result, LuaRoundEnd), result
    return result


def parse_rejected(data: bytes, name: str = NAME) -> LuaRejection:
    result = parse_gametime_file(name, data)
    assert isinstance(result, LuaRejection), result
    return result


def test_every_field_of_a_gametime_file() -> None:
    event = parse_ok(document())
    assert event.source == "gametime"
    assert (event.map_name, event.map_key, event.round_number) == ("supply", "supply", 2)
    assert (event.round_start_unix, event.round_end_unix) == (1771270900, 1771271512)
    assert event.actual_duration_seconds == 572
    assert (event.pause_count, event.total_pause_seconds, event.pauses) == (0, 0, ())
    assert event.end_reason is EndReason.TIME_EXPIRED
    assert (event.winner_team, event.defender_team) == (1, 1)
    assert event.timelimit_minutes == 9.367
    assert (event.warmup_seconds, event.warmup_start_unix) == (31, 1771270869)
    assert (event.axis_score, event.allies_score) == (1, 0)
    assert event.axis_players == (RosterPlayer("AB12CD34", "vid"),)
    assert event.allies_players == (RosterPlayer("EF56", "carniee"),)
    assert event.spawn_stats == (
        SpawnStat("AB12CD34", "vid", 9, 8, 96, 12, 21),
        SpawnStat("EF56", "carniee", 5, 4, 40, 10, 14),
    )
    assert event.lua_version == "1.7.2"
    assert event.warnings == ()


def test_payload_and_spawn_stats_as_strings_parse_identically() -> None:
    as_objects = parse_ok(document())
    as_strings = parse_ok(
        document(meta(spawn_stats=json.dumps(SPAWN)), payload_obj=json.dumps(payload()))
    )
    assert as_strings == as_objects


def test_same_round_from_both_sources_yields_the_same_event_fields() -> None:
    from_file = parse_ok(document(meta(spawn_stats=[])))
    from_webhook = parse_webhook_body(json.dumps(payload()).encode())
    assert isinstance(from_webhook, LuaRoundEnd)
    assert from_file.key == from_webhook.key
    assert from_file.winner_team == from_webhook.winner_team
    assert from_file.timelimit_minutes == from_webhook.timelimit_minutes
    assert from_file.axis_players == from_webhook.axis_players


def test_meta_fills_what_the_payload_lacks() -> None:
    event = parse_ok(document(payload_obj=None))
    assert (event.map_name, event.round_number) == ("supply", 2)
    assert (event.round_start_unix, event.round_end_unix) == (1771270900, 1771271512)
    assert (event.actual_duration_seconds, event.warmup_seconds) == (572, 31)
    assert (event.pause_count, event.total_pause_seconds) == (0, 0)
    assert event.winner_team == 0 and event.end_reason is EndReason.UNKNOWN
    assert len(event.spawn_stats) == 2
    assert "payload_missing" in event.warnings


def test_missing_payload_key_is_tolerated() -> None:
    data = json.dumps({"meta": meta()}).encode()
    event = parse_ok(data)
    assert "payload_missing" in event.warnings
    assert event.round_end_unix == 1771271512


def test_embed_wins_over_meta_with_a_warning() -> None:
    event = parse_ok(document(meta(actual_duration_seconds=570, map="Supply")))
    assert event.actual_duration_seconds == 572
    assert event.map_name == "supply"
    assert "meta_mismatch:actual_duration_seconds" in event.warnings
    assert "meta_mismatch:map" in event.warnings


def test_round_zero_in_old_files_becomes_round_two() -> None:
    data = document(meta(round=0), payload(Round="0"))
    event = parse_ok(data, "gametime-supply-R0-1771271512.json")
    assert event.round_number == 2
    assert "round_0_mapped_to_2" in event.warnings
    assert not any(w.startswith("file_name_mismatch") for w in event.warnings)


def test_file_name_is_checked_against_content() -> None:
    event = parse_ok(document(), "gametime-goldrush-R1-1771271999.json")
    assert {
        "file_name_mismatch:round",
        "file_name_mismatch:round_end_unix",
        "file_name_mismatch:map",
    } <= set(event.warnings)
    assert (event.map_name, event.round_number, event.round_end_unix) == ("supply", 2, 1771271512)
    assert "unexpected_file_name" in parse_ok(document(), "whatever.json").warnings


def test_round_taken_from_file_name_only_when_content_has_none() -> None:
    data = json.dumps({"meta": meta(round=DROP)}).encode()
    event = parse_ok(data, "gametime-supply-R1-1771271512.json")
    assert event.round_number == 1
    assert "round_from_file_name" in event.warnings


def test_safe_map_name_matches_the_lua_file_naming() -> None:
    assert safe_map_name("etl_adlernest") == "etl_adlernest"
    assert safe_map_name("te escape/2") == "te_escape_2"
    assert safe_map_name("café") == "caf__"  # byte-wise: 'é' is two UTF-8 bytes


def test_spawn_stats_without_guid_or_duplicated_are_skipped() -> None:
    spawn = [
        {**SPAWN[0], "guid": ""},
        SPAWN[1],
        {**SPAWN[1], "spawns": 99},
    ]
    event = parse_ok(document(meta(spawn_stats=spawn)))
    assert [s.guid for s in event.spawn_stats] == ["EF56"]
    assert event.spawn_stats[0].spawns == 5
    assert {"spawn_stat_without_guid", "duplicate_spawn_guid"} <= set(event.warnings)


def test_spawn_stat_missing_counter_defaults_to_zero_with_warning() -> None:
    entry = {k: v for k, v in SPAWN[0].items() if k != "max_respawn"}
    event = parse_ok(document(meta(spawn_stats=[entry])))
    assert event.spawn_stats[0].max_respawn_seconds == 0
    assert "spawn_stat_missing:max_respawn" in event.warnings


def test_control_bytes_in_spawn_names_are_stripped() -> None:
    event = parse_ok(document(meta(spawn_stats=[{**SPAWN[0], "name": "v\x1bid"}])))
    assert event.spawn_stats[0].name == "vid"
    assert "control_chars_stripped:meta.spawn_stats.name" in event.warnings


def _spawn_list(n: int) -> list[dict[str, Any]]:
    return [{**SPAWN[0], "guid": f"G{i}"} for i in range(n)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{oops", RejectReason.MALFORMED_JSON),
        (b'"just a string"', RejectReason.WRONG_TYPE),
        (json.dumps({"payload": payload()}).encode(), RejectReason.MISSING_FIELD),
        (json.dumps({"meta": [1], "payload": payload()}).encode(), RejectReason.WRONG_TYPE),
        (document(payload_obj=[1, 2]), RejectReason.WRONG_TYPE),
        (document(payload_obj="{not json"), RejectReason.MALFORMED_JSON),
        (document(payload_obj={"content": "STATS_READY"}), RejectReason.MISSING_FIELD),
        (document(meta(round_start_unix="abc")), RejectReason.WRONG_TYPE),
        (document(meta(round_end_unix=True)), RejectReason.WRONG_TYPE),
        (document(meta(map=5)), RejectReason.WRONG_TYPE),
        (document(meta(spawn_stats=7)), RejectReason.WRONG_TYPE),
        (document(meta(spawn_stats="[{")), RejectReason.MALFORMED_JSON),
        (document(meta(spawn_stats=["x"])), RejectReason.WRONG_TYPE),
        (document(meta(spawn_stats=[{**SPAWN[0], "spawns": "many"}])), RejectReason.WRONG_TYPE),
        (document(meta(spawn_stats=[{**SPAWN[0], "deaths": -1}])), RejectReason.INVALID_VALUE),
        (document(meta(spawn_stats=_spawn_list(65))), RejectReason.OVERSIZED_ROSTER),
        (
            document(meta(map="", round_end_unix=0), payload(Map="", Lua_RoundEnd="")),
            RejectReason.MISSING_FIELD,
        ),
    ],
)
def test_rejections(data: bytes, reason: RejectReason) -> None:
    rejection = parse_rejected(data)
    assert rejection.reason is reason
    assert rejection.detail
