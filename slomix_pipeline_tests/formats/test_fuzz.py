"""Property-based fuzzing of every parser: nothing but the parser's rejection ever comes out.

Each parser is fed (a) arbitrary bytes, (b) real sample files mutated byte-wise and (c) real
sample files with hostile tokens spliced in (the triggers that once stopped a whole folder: a
lone BOM, 5,000-digit numbers, deep JSON, lone surrogates, values past 32/64 bits, negatives).
The property: the parser returns a result or raises its rejection type with a reason; and what it
accepts, every warehouse backend can store (integers within 64 bits - 32 where the column is
``integer`` -, text encodable as UTF-8 without NUL). Example counts are bounded so the whole
module runs in well under two minutes in CI.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slomix_pipeline.domain.lua_records import LuaRoundEnd
from slomix_pipeline.domain.lua_rejections import LuaRejection
from slomix_pipeline.formats.acknowledgements import AcknowledgementsError, parse_acknowledgements
from slomix_pipeline.formats.gametime import parse_gametime_file
from slomix_pipeline.formats.limits import INT32_MAX, INT64_MAX
from slomix_pipeline.formats.proximity import (
    ProximityFileRejected,
    parse_proximity_file,
    parse_proximity_filename,
)
from slomix_pipeline.formats.stats_file import (
    REJECTION_REASONS,
    StatsFileRejected,
    classify_stats_filename,
    parse_stats_file,
)
from slomix_pipeline.formats.webhook import parse_webhook_body
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
)
from slomix_pipeline.sample_data.generate import generate_landing_zone

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HOSTILE: tuple[bytes, ...] = (
    b"\xef\xbb\xbf",
    b"9" * 5000,
    b"3000000000",
    b"99999999999999999999",
    b"-5",
    b"[" * 3000,
    b'{"a":' * 2000,
    b"\\ud800",
    b'"\\udfff"',
    b"\xff\xfe",
    b"\x00",
    b"\r",
    b"\t",
    b"\\",
    b"1e400",
    b"NaN",
    b"\xf0\x9f\x98",
)


def _head(data: bytes, limit: int) -> bytes:
    return data if len(data) <= limit else data[: data.rfind(b"\n", 0, limit) + 1]


def _seeds() -> dict[str, list[tuple[str, bytes]]]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        zone = Path(tmp)
        generate_landing_zone(zone, nights=1, rounds_per_night=4)
        seeds: dict[str, list[tuple[str, bytes]]] = {}
        for folder in (STATS_FOLDER, GAMETIMES_FOLDER, WEBHOOK_FOLDER, PROXIMITY_FOLDER):
            files = sorted((zone / folder).iterdir()) if (zone / folder).exists() else []
            # Proximity files run to hundreds of KiB: a cut at a line boundary keeps every
            # section kind while keeping shrunk examples readable.
            seeds[folder] = [(p.name, _head(p.read_bytes(), 24_000)) for p in files if p.is_file()][
                :6
            ]
    return seeds


SEEDS = _seeds()


def _mutated(folder: str) -> st.SearchStrategy[tuple[str, bytes]]:
    """A seed file of ``folder`` with a few byte-level edits and hostile splices."""
    seeds = SEEDS[folder]
    assert seeds, f"the sample generator wrote no {folder} file"

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, bytes]:
        name, data = draw(st.sampled_from(seeds))
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            pos = draw(st.integers(0, len(buf)))
            action = draw(st.sampled_from(("insert", "delete", "replace", "truncate")))
            chunk = draw(st.one_of(st.sampled_from(HOSTILE), st.binary(min_size=1, max_size=8)))
            if action == "insert":
                buf[pos:pos] = chunk
            elif action == "delete":
                del buf[pos : pos + draw(st.integers(1, 64))]
            elif action == "replace":
                buf[pos : pos + len(chunk)] = chunk
            else:
                del buf[pos:]
        return name, bytes(buf)

    return build()


def _anything(folder: str) -> st.SearchStrategy[tuple[str, bytes]]:
    names = st.sampled_from([n for n, _ in SEEDS[folder]])
    raw = st.tuples(names, st.binary(max_size=512))
    hostile = st.tuples(names, st.lists(st.sampled_from(HOSTILE), max_size=4).map(b"".join))
    return st.one_of(raw, hostile, _mutated(folder))


def _storable(value: Any, path: str = "") -> None:
    """Every int fits 64 bits and every string is UTF-8 encodable without NUL (recursively)."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return
    if isinstance(value, int):
        assert -INT64_MAX - 1 <= value <= INT64_MAX, f"{path} = {value} beyond 64 bits"
        return
    if isinstance(value, str):
        value.encode("utf-8")  # raises on a lone surrogate
        assert "\x00" not in value, f"{path} holds NUL"
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _storable(getattr(value, f.name), f"{path}.{f.name}")
        return
    if isinstance(value, tuple | list):
        for index, item in enumerate(value):
            _storable(item, f"{path}[{index}]")


@FUZZ
@given(_anything(STATS_FOLDER))
def test_stats_parser_raises_only_its_rejection(case: tuple[str, bytes]) -> None:
    name, data = case
    try:
        parsed = parse_stats_file(name, data)
    except StatsFileRejected as exc:
        assert exc.reason in REJECTION_REASONS and exc.reason != "unreadable", str(exc)
        assert exc.detail
        return
    for player in parsed.players:
        assert 0 <= player.team <= INT32_MAX and 0 <= player.rounds <= INT32_MAX
        for f in dataclasses.fields(player):
            value = getattr(player, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert 0 <= value <= INT32_MAX, f"{f.name} = {value}"
    _storable(parsed.header)


@FUZZ
@given(st.text(max_size=80))
def test_stats_file_names_never_raise(name: str) -> None:
    classify_stats_filename(name)
    parse_proximity_filename(name)


def _check_lua(result: object) -> None:
    if isinstance(result, LuaRejection):
        assert result.detail and result.reason
        assert "unreadable" not in result.detail, result.detail
        return
    if isinstance(result, LuaRoundEnd):
        _storable(result)
        for figure in (
            result.actual_duration_seconds,
            result.total_pause_seconds,
            result.pause_count,
            result.warmup_seconds,
            result.axis_score,
            result.allies_score,
        ):
            assert figure is None or abs(figure) <= INT32_MAX


@FUZZ
@given(_anything(WEBHOOK_FOLDER))
def test_webhook_parser_returns_event_ignored_or_rejection(case: tuple[str, bytes]) -> None:
    _check_lua(parse_webhook_body(case[1]))


@FUZZ
@given(_anything(GAMETIMES_FOLDER))
def test_gametime_parser_returns_event_or_rejection(case: tuple[str, bytes]) -> None:
    _check_lua(parse_gametime_file(*case))


_JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["\ud800", "3000000000", "9" * 40, "-5", "562 sec"]),
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "Map",
                "Round",
                "Lua_Playtime",
                "Lua_RoundStart",
                "Lua_RoundEnd",
                "Lua_Pauses",
                "Lua_AxisScore",
                "Axis_JSON",
                "Lua_Pauses_JSON",
                "Lua_SpawnStats_JSON",
            ]
        ),
        _JSON_LEAF,
        max_size=10,
    )
)
def test_webhook_fields_of_any_value(fields: dict[str, Any]) -> None:
    """Structured fuzzing: a well-formed STATS_READY body with arbitrary field values."""
    body = {
        "content": "STATS_READY",
        "embeds": [{"fields": [{"name": k, "value": v} for k, v in fields.items()]}],
    }
    try:
        data = json.dumps(body).encode("utf-8", "surrogatepass")
    except ValueError:
        data = json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
    _check_lua(parse_webhook_body(data))


@FUZZ
@given(_anything(PROXIMITY_FOLDER))
def test_proximity_parser_raises_only_its_rejection(case: tuple[str, bytes]) -> None:
    name, data = case
    data = data.replace(b"\x00", "\ufffd".encode())  # as the ingestion does (PostgreSQL text)
    try:
        parsed = parse_proximity_file(name, data)
    except ProximityFileRejected as exc:
        assert exc.reason != "unreadable", str(exc)
        assert exc.detail
        return
    _storable(parsed.header)
    for engagement in parsed.engagements[:50]:
        _storable(engagement)
    for broken in parsed.broken_lines:
        assert broken.reason


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "replace")))
def test_acknowledgements_raise_only_their_error(data: bytes) -> None:
    try:
        parse_acknowledgements(data)
    except AcknowledgementsError as exc:
        assert str(exc)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xef\xbb\xbf", "empty_file"),
        (b"host\\supply\\c\\1\\1\\2\\10:00\\7:00\n" + b"9" * 5000 + b"\n", "malformed_player_line"),
    ],
)
def test_known_stats_triggers(data: bytes, reason: str) -> None:
    with pytest.raises(StatsFileRejected) as info:
        parse_stats_file("2026-02-10-213012-supply-round-1.txt", data)
    assert info.value.reason == reason


def test_known_json_triggers_are_rejections_with_reasons() -> None:
    deep = b'{"content":"STATS_READY","embeds":[' + b"[" * 5000 + b"]" * 5000 + b"]}"
    result = parse_webhook_body(deep)
    assert isinstance(result, LuaRejection) and "nesting depth" in result.detail
    surrogate = json.dumps(
        {"content": "STATS_READY", "embeds": [{"fields": [{"name": "Map", "value": "\ud800"}]}]}
    ).encode()
    result = parse_webhook_body(surrogate)
    assert isinstance(result, LuaRejection) and "surrogate" in result.detail
    big = json.dumps(
        {
            "content": "STATS_READY",
            "embeds": [{"fields": [{"name": "Lua_Playtime", "value": "9" * 5000}]}],
        }
    ).encode()
    assert isinstance(parse_webhook_body(big), LuaRejection)


def test_proximity_header_with_5000_digits_is_a_rejection() -> None:
    data = b"# PROXIMITY_TRACKER_V4\n# round_end_unix=" + b"9" * 5000 + b"\n"
    with pytest.raises(ProximityFileRejected) as info:
        parse_proximity_file("x_engagements.txt", data)
    assert info.value.reason == "value_out_of_range"


ENDSTATS_SEEDS = [(n, d) for n, d in SEEDS[STATS_FOLDER] if n.endswith("-endstats.txt")] or [
    (
        "2026-02-10-211227-supply-round-1-endstats.txt",
        b"Most damage given\tPlayer\t2400\nVS_HEADER\tPlayer\tABCDEF12\nOther\t3\t1\n",
    )
]


@st.composite
def _endstats_case(draw: st.DrawFn) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(ENDSTATS_SEEDS))
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(buf)))
        chunk = draw(st.one_of(st.sampled_from(HOSTILE), st.binary(min_size=1, max_size=8)))
        buf[pos:pos] = chunk
    return name, bytes(buf)


@FUZZ
@given(st.one_of(_endstats_case(), st.tuples(st.just("x-round-1-endstats.txt"), st.binary())))
def test_endstats_parser_never_raises_and_keeps_only_storable_values(
    case: tuple[str, bytes],
) -> None:
    """Bad lines go to ``rejected`` with a known reason; kept numbers fit every backend."""
    from slomix_pipeline.formats.endstats import REJECT_REASONS, parse_endstats_file

    parsed = parse_endstats_file(*case)
    assert all(line.reason in REJECT_REASONS for line in parsed.rejected)
    for row in parsed.versus:
        assert 0 <= row.kills <= INT32_MAX and 0 <= row.deaths <= INT32_MAX
    for award in parsed.awards:
        for value in (award.value_numeric, award.value_secondary):
            assert value is None or abs(value) < 1e15
    _storable(dataclasses.asdict(parsed))


def test_endstats_hostile_numbers_are_rejected_lines() -> None:
    from slomix_pipeline.formats.endstats import parse_endstats_file

    data = b"Most damage given\tPlayer\t" + b"9" * 5000 + b"\nVS_HEADER\tP\t\nOther\t" + b"9" * 5000
    parsed = parse_endstats_file("2026-02-10-211227-supply-round-1-endstats.txt", data + b"\t1\n")
    assert [r.reason for r in parsed.rejected] == ["bad_value", "bad_count"]
    assert not parsed.awards and not parsed.versus
