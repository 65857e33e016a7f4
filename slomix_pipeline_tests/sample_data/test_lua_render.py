"""Lua renderers for the sample data: byte layout, variants, and round trips through the parsers."""

from __future__ import annotations

import json

import pytest

from slomix_pipeline.domain.lua_end_reason import EndReason
from slomix_pipeline.domain.lua_records import LuaRoundEnd, RosterPlayer, SpawnStat
from slomix_pipeline.formats.gametime import parse_gametime_file
from slomix_pipeline.formats.webhook import parse_webhook_body
from slomix_pipeline.sample_data.lua_render import (
    LuaRoundSpec,
    PauseSpec,
    SpawnSpec,
    format_timelimit,
    gametime_file_name,
    render_gametime,
    render_stats_ready,
    spawn_summary,
)

CURRENT_FIELDS = [
    "Map",
    "Round",
    "Winner",
    "Defender",
    "Lua_Playtime",
    "Lua_Timelimit",
    "Lua_Pauses",
    "Lua_EndReason",
    "Lua_Warmup",
    "Lua_WarmupStart",
    "Lua_RoundStart",
    "Lua_RoundEnd",
    "Lua_SurrenderTeam",
    "Lua_SurrenderCaller",
    "Lua_SurrenderCallerName",
    "Lua_AxisScore",
    "Lua_AlliesScore",
    "Axis_JSON",
    "Allies_JSON",
    "Lua_Pauses_JSON",
    "Lua_SpawnSummary",
]


def spec(**overrides: object) -> LuaRoundSpec:
    base: dict[str, object] = {
        "map_name": "supply",
        "round_number": 2,
        "round_start_unix": 1771270900,
        "round_end_unix": 1771271512,
        "actual_duration_seconds": 537,
        "end_reason": "objective",
        "winner": 2,
        "defender": 1,
        "timelimit_minutes": 7.4333,
        "axis": (("AB12CD34AB12CD34AB12CD34AB12CD34", "vid"), ("", "omnibot")),
        "allies": (("EF56EF56EF56EF56EF56EF56EF56EF56", "carniee"),),
        "pauses": (PauseSpec(1771271000, 1771271035),),
        "warmup_seconds": 31,
        "warmup_start_unix": 1771270869,
        "axis_score": 0,
        "allies_score": 1,
        "spawn_stats": (
            SpawnSpec("AB12CD34AB12CD34AB12CD34AB12CD34", "vid", 9, 8, 96, 21),
            SpawnSpec("EF56EF56EF56EF56EF56EF56EF56EF56", "carniee", 5, 4, 41, 14),
        ),
    }
    base.update(overrides)
    return LuaRoundSpec(**base)  # type: ignore[arg-type]


def embed_fields(data: bytes) -> dict[str, str]:
    return {f["name"]: f["value"] for f in json.loads(data)["embeds"][0]["fields"]}


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(12, "12"), (12.0, "12"), (7.4333, "7.433"), (7.5, "7.5"), (9.3667, "9.367"), (0, "0")],
)
def test_timelimit_formatting(minutes: float, text: str) -> None:
    assert format_timelimit(minutes) == text


def test_stats_ready_layout() -> None:
    data = render_stats_ready(spec())
    assert data.startswith(b'{"username":"ET:Legacy Stats","content":"STATS_READY","embeds":[')
    compact = json.dumps(json.loads(data), separators=(",", ":"), ensure_ascii=False)
    assert data == compact.encode("utf-8")
    body = json.loads(data)
    embed = body["embeds"][0]
    assert embed["title"] == "Round Complete: supply R2"
    assert embed["color"] == 3447003
    assert embed["footer"] == {"text": "Slomix Lua Webhook v1.7.2"}
    assert [f["name"] for f in embed["fields"]] == CURRENT_FIELDS
    fields = embed_fields(data)
    assert fields["Lua_Timelimit"] == "7.433 min"
    assert fields["Lua_Playtime"] == "537 sec"
    assert fields["Lua_Pauses"] == "1 (35 sec)"
    assert fields["Lua_RoundEnd"] == "1771271512"
    assert json.loads(fields["Axis_JSON"])[1] == {"guid": "", "name": "omnibot"}
    assert json.loads(fields["Lua_Pauses_JSON"]) == [
        {"n": 1, "start": 1771271000, "end": 1771271035, "sec": 35}
    ]
    assert fields["Lua_SpawnSummary"] == "Players:2 | Spawns:14 | AvgRespawn:11s | MaxRespawn:21s"
    assert all(isinstance(v, str) for v in fields.values())


def test_escaping_matches_the_lua() -> None:
    data = render_stats_ready(spec(allies=(("G1", 'a"b\\c\x01d\ne\u00e9'),)))
    # Inside Allies_JSON (itself a JSON string) control bytes are \\u00XX / \\n, UTF-8 stays raw.
    assert b"\\\\u0001" in data
    assert b"\\\\n" in data
    assert "é".encode() in data
    allies = json.loads(embed_fields(data)["Allies_JSON"])
    assert allies == [{"guid": "G1", "name": 'a"b\\c\x01d\ne\u00e9'}]


def test_open_pause_counts_but_has_no_seconds() -> None:
    fields = embed_fields(render_stats_ready(spec(open_pause=True)))
    assert fields["Lua_Pauses"] == "2 (35 sec)"
    assert len(json.loads(fields["Lua_Pauses_JSON"])) == 1


def test_legacy_variant_uses_old_field_names() -> None:
    fields = embed_fields(render_stats_ready(spec(), legacy_names=True))
    assert {"Duration", "Time Limit", "Pauses", "End Reason", "Start Unix", "End Unix"} <= set(
        fields
    )
    assert not any(name.startswith("Lua_") or name.endswith("_JSON") for name in fields)
    assert fields["Axis"] == "vid, omnibot"


def test_round_zero_variant_only_affects_round_two() -> None:
    fields = embed_fields(render_stats_ready(spec(), round_zero=True))
    assert fields["Round"] == "0"
    name, data = render_gametime(spec(), round_zero=True)
    assert name == "gametime-supply-R0-1771271512.json"
    assert json.loads(data)["meta"]["round"] == 0
    r1 = spec(round_number=1)
    assert embed_fields(render_stats_ready(r1, round_zero=True))["Round"] == "1"


def test_gametime_file_layout() -> None:
    name, data = render_gametime(spec())
    assert name == "gametime-supply-R2-1771271512.json"
    doc = json.loads(data)
    assert list(doc) == ["meta", "payload"]
    assert list(doc["meta"]) == [
        "map",
        "round",
        "round_start_unix",
        "round_end_unix",
        "actual_duration_seconds",
        "warmup_seconds",
        "pause_seconds",
        "pause_count",
        "server_ip",
        "server_port",
        "match_id",
        "spawn_stats",
    ]
    assert doc["meta"]["match_id"] == "1771271512"
    assert doc["meta"]["spawn_stats"][0] == {
        "guid": "AB12CD34AB12CD34AB12CD34AB12CD34",
        "name": "vid",
        "spawns": 9,
        "deaths": 8,
        "dead_seconds": 96,
        "avg_respawn": 12,
        "max_respawn": 21,
    }
    assert doc["payload"] == json.loads(render_stats_ready(spec()))


def test_gametime_string_variants() -> None:
    _, data = render_gametime(spec(), payload_as_string=True, spawn_stats_as_string=True)
    doc = json.loads(data)
    assert isinstance(doc["payload"], str) and isinstance(doc["meta"]["spawn_stats"], str)
    assert json.loads(doc["payload"])["content"] == "STATS_READY"


def test_gametime_name_sanitises_bytes() -> None:
    assert gametime_file_name(spec(map_name="te escape/2")) == (
        "gametime-te_escape_2-R2-1771271512.json"
    )
    assert gametime_file_name(spec(map_name="café")).startswith("gametime-caf__-R2")


def test_spawn_summary_of_no_players() -> None:
    assert spawn_summary(spec(spawn_stats=())) == (
        "Players:0 | Spawns:0 | AvgRespawn:0s | MaxRespawn:0s"
    )


def _assert_matches_spec(event: LuaRoundEnd, s: LuaRoundSpec) -> None:
    assert (event.map_name, event.round_number) == (s.map_name, s.round_number)
    assert (event.round_start_unix, event.round_end_unix) == (s.round_start_unix, s.round_end_unix)
    assert event.actual_duration_seconds == s.actual_duration_seconds
    assert (event.pause_count, event.total_pause_seconds) == (s.pause_count, s.pause_seconds)
    assert event.end_reason is EndReason.OBJECTIVE
    assert (event.winner_team, event.defender_team) == (s.winner, s.defender)
    assert event.timelimit_minutes == 7.433
    assert event.axis_players == tuple(RosterPlayer(g, n) for g, n in s.axis)
    assert event.allies_players == tuple(RosterPlayer(g, n) for g, n in s.allies)


def test_round_trip_through_both_parsers() -> None:
    s = spec()
    webhook = parse_webhook_body(render_stats_ready(s))
    assert isinstance(webhook, LuaRoundEnd)
    _assert_matches_spec(webhook, s)
    assert webhook.spawn_stats == ()
    for variant in ({}, {"payload_as_string": True, "spawn_stats_as_string": True}):
        gametime = parse_gametime_file(*render_gametime(s, **variant))
        assert isinstance(gametime, LuaRoundEnd)
        _assert_matches_spec(gametime, s)
        assert gametime.key == webhook.key
        assert gametime.spawn_stats[1] == SpawnStat(
            "EF56EF56EF56EF56EF56EF56EF56EF56", "carniee", 5, 4, 41, 10, 14
        )
        assert gametime.warnings == ()


def test_round_trip_of_legacy_and_round_zero_variants() -> None:
    s = spec()
    event = parse_webhook_body(render_stats_ready(s, legacy_names=True, round_zero=True))
    assert isinstance(event, LuaRoundEnd)
    assert event.round_number == 2
    assert (event.round_start_unix, event.round_end_unix) == (s.round_start_unix, s.round_end_unix)
    assert "round_0_mapped_to_2" in event.warnings
    gametime = parse_gametime_file(*render_gametime(s, round_zero=True))
    assert isinstance(gametime, LuaRoundEnd)
    assert gametime.key == event.key
