"""A Lua file's day comes from what it says (name stamp, then content), never from its mtime."""

from __future__ import annotations

import json

from slomix_pipeline.formats.lua_day_hint import round_end_hint


def test_gametime_name_stamp_wins() -> None:
    assert round_end_hint("gametime-supply-R2-1771273421.json", b"garbage") == 1771273421
    assert round_end_hint("local_gametimes/gametime-a_b-R1-1771273421.json", b"") == 1771273421


def test_a_broken_webhook_body_still_states_its_round_end() -> None:
    fields = [
        {"name": "Map", "value": "supply"},
        {"name": "Axis_JSON", "value": '[{"guid":"AB'},  # cut in half: the body is rejected
        {"name": "Lua_RoundEnd", "value": "1771270602"},
    ]
    body = json.dumps({"content": "STATS_READY", "embeds": [{"fields": fields}]})
    assert round_end_hint("stats_ready_" + "0" * 64 + ".json", body.encode()) == 1771270602
    spaced = json.dumps({"embeds": [{"fields": fields}]}, separators=(", ", ": "))
    assert round_end_hint("x.json", spaced.encode()) == 1771270602
    truncated = b'{"meta":{"map":"supply","round_end_unix":1771270602,"round_st'
    assert round_end_hint("x.json", truncated) == 1771270602


def test_a_file_that_states_nothing_has_no_hint() -> None:
    ping = b'{"username":"ET:Legacy Live","embeds":[{"title":"Objective Update"}]}'
    assert round_end_hint("objective_ping_" + "1" * 64 + ".json", ping) is None
    assert round_end_hint("gametime-supply-R1-12.json", b'{"round_end_unix": 7}') is None


def test_a_number_longer_than_an_epoch_states_nothing() -> None:
    """A hostile 5000-digit value is not a time: its first 10 digits must not file the day."""
    huge = "9" * 5000
    body = json.dumps({"embeds": [{"fields": [{"name": "Lua_RoundEnd", "value": huge}]}]})
    assert round_end_hint("stats_ready_" + "0" * 64 + ".json", body.encode()) is None
    assert round_end_hint("x.json", b'{"meta":{"round_end_unix":' + huge.encode() + b"}}") is None
