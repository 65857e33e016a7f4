"""Stats-file names and contents: classification, header, player lines, rejections, edge cases.

All inputs are constructed here. The builders at the top (``player_line``, ``header_line``,
``stats_bytes``...) are reused by the domain tests.
"""

from __future__ import annotations

import dataclasses
import pickle
import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest

from slomix_pipeline.formats import stats_file as sf
from slomix_pipeline.formats.stats_file import (
    EXTENDED_FIELD_NAMES,
    FLOAT_FIELD_INDICES,
    REJECTION_REASONS,
    WEAPON_NAMES,
    ParsedStatsFile,
    StatsFileKind,
    StatsFileName,
    StatsFileRejected,
    WeaponLine,
    classify_stats_filename,
    parse_stats_file,
)

# --------------------------------------------------------------------------------------------
# Builders (shared with the domain tests)
# --------------------------------------------------------------------------------------------

Weapons = Mapping[int, tuple[int, int, int, int, int]]


def ext_values(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """All 38 TAB fields by name: 0 / 0.0, then ``overrides``."""
    values: dict[str, Any] = {
        name: 0.0 if i in FLOAT_FIELD_INDICES else 0 for i, name in enumerate(EXTENDED_FIELD_NAMES)
    }
    for name, value in (overrides or {}).items():
        assert name in values, name
        values[name] = value
    return values


def _fmt(value: Any) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def player_line(
    guid: str = "A1B2C3D4",
    name: str = "^1Alpha^7One",
    rounds: int = 0,
    team: int = 1,
    weapons: Weapons | None = None,
    ext: Mapping[str, Any] | None = None,
    *,
    tab: bool = True,
) -> str:
    """A player line as the Lua writes it; weapons map id -> (hits, shots, kills, deaths, hs)."""
    weapons = {4: (50, 140, 9, 4, 12)} if weapons is None else weapons
    mask = sum(1 << w for w in weapons)
    groups = "".join(" " + " ".join(map(str, weapons[w])) for w in sorted(weapons))
    line = f"{guid}\\{name}\\{rounds}\\{team}\\{mask}{groups} "
    if tab:
        line += "\t" + "\t".join(_fmt(v) for v in ext_values(ext).values())
    return line + "\n"


def header_line(
    map_name: str = "supply",
    round_number: int | str = 1,
    defender: str = "1",
    winner: str = "2",
    limit: str = "10:00",
    actual: str = "7:36",
    duration_ms: str | None = "241533",
    host: str = "ETL ^1Cup^7 Server",
    config: str = "legacy6",
) -> str:
    fields = [host, map_name, config, str(round_number), defender, winner, limit, actual]
    if duration_ms is not None:
        fields.append(duration_ms)
    return "\\".join(fields) + "\n"


def file_name(
    stamp: str = "2026-02-10-213012", map_name: str = "supply", round_number: int = 1
) -> str:
    return f"{stamp}-{map_name}-round-{round_number}.txt"


def stats_bytes(*lines: str) -> bytes:
    return "".join(lines).encode("utf-8")


def parse(*lines: str, name: str | None = None) -> ParsedStatsFile:
    return parse_stats_file(name or file_name(), stats_bytes(*lines))


def assert_fields(record: Any, expected: Mapping[str, Any], *, complete: bool = True) -> None:
    """Every listed field equals (floats: approximately); ``complete`` demands all fields."""
    names = [f.name for f in dataclasses.fields(record)]
    if complete:
        assert sorted(expected) == sorted(names), set(names) ^ set(expected)
    wrong = {}
    for name, want in expected.items():
        got = getattr(record, name)
        if isinstance(want, float):
            ok = isinstance(got, float) and got == pytest.approx(want, rel=1e-12, abs=1e-12)
        else:
            ok = got == want and type(got) is type(want)
        if not ok:
            wrong[name] = (got, want)
    assert not wrong, wrong


def rejected(name: str, data: bytes) -> StatsFileRejected:
    with pytest.raises(StatsFileRejected) as info:
        parse_stats_file(name, data)
    assert info.value.reason in REJECTION_REASONS
    return info.value


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "map_name", "round_number"),
    [
        ("2026-02-10-213012-supply-round-1.txt", StatsFileKind.STATS, "supply", 1),
        (
            "2026-02-10-213012-etl_sp-delivery-round-2.txt",
            StatsFileKind.STATS,
            "etl_sp-delivery",
            2,
        ),
        ("2026-02-10-213012-erdenberg_t2-round-2.txt", StatsFileKind.STATS, "erdenberg_t2", 2),
        # The LAST -round-N is the round: map names may contain "-round-".
        ("2026-02-10-213012-x-round-1-y-round-2.txt", StatsFileKind.STATS, "x-round-1-y", 2),
        ("2026-02-10-213012-supply-round-2-endstats.txt", StatsFileKind.ENDSTATS, "supply", 2),
        ("2026-02-10-213012-supply-round-1_ws.txt", StatsFileKind.WEAPON_DUMP, "supply", 1),
        ("2026-02-10-213012-supply-round-1.log", StatsFileKind.UNKNOWN, "supply", 1),
        ("2026-02-10-213012-supply-round-1-extra.txt", StatsFileKind.UNKNOWN, "supply", 1),
        ("2026-02-10-213012-supply-round-3.txt", StatsFileKind.STATS, "supply", 3),
    ],
)
def test_classify_stats_filename(
    name: str, kind: StatsFileKind, map_name: str, round_number: int
) -> None:
    assert classify_stats_filename(name) == StatsFileName(
        name, kind, datetime(2026, 2, 10, 21, 30, 12), map_name, round_number
    )


@pytest.mark.parametrize(
    "name",
    [
        "notes.txt",
        "2026-02-10-213012-supply.txt",
        "2026-02-10-213012--round-1.txt",  # empty map
        "2026-02-10-213012-supply-round-.txt",
        "2026-02-30-213012-supply-round-1.txt",  # no 30 February
        "2026-02-10-246012-supply-round-1.txt",  # hour 24
        "2026-02-10-21301-supply-round-1.txt",  # 5-digit time
        "local_stats/2026-02-10-213012-supply-round-1.txt",  # a path, not a bare name
        "2026-02-10-213012-a/b-round-1.txt",
        "",
    ],
)
def test_classify_rejects_names_off_the_pattern(name: str) -> None:
    assert classify_stats_filename(name) is None


# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


def test_header_every_field_nine_field_c0rnp0rn8() -> None:
    parsed = parse(header_line(), player_line())
    assert_fields(
        parsed.header,
        {
            "server_name": "ETL ^1Cup^7 Server",
            "map_name": "supply",
            "config_name": "legacy6",
            "header_round": 1,
            "defender_team": 1,
            "winner_team": 2,
            "map_time_text": "10:00",
            "actual_time_text": "7:36",
            "map_time_seconds": 600,
            "actual_time_seconds": 456,
            "round_duration_ms": 241533,
            "field_count": 9,
            "warnings": (),
        },
    )
    assert parsed.warnings == ()


def test_header_eight_field_c0rnp0rn7_has_no_duration() -> None:
    header = parse(header_line(duration_ms=None), player_line()).header
    assert header.field_count == 8
    assert header.round_duration_ms is None
    assert header.warnings == ()


@pytest.mark.parametrize(
    ("text", "duration", "warning"),
    [
        ("241533", 241533, None),
        (" 241533 ", 241533, None),
        ("241533.0", 241533, None),
        ("0", None, "round_duration_non_positive"),
        ("-3021", None, "round_duration_non_positive"),  # saved on shutdown before round end
        ("abc", None, "round_duration_invalid"),
        ("nan", None, "round_duration_invalid"),
        ("", None, "round_duration_invalid"),
    ],
)
def test_header_duration_is_milliseconds(
    text: str, duration: int | None, warning: str | None
) -> None:
    header = parse(header_line(duration_ms=text), player_line()).header
    assert header.round_duration_ms == duration
    assert header.warnings == ((warning,) if warning else ())


@pytest.mark.parametrize(
    ("defender", "winner", "want_defender", "want_winner", "warnings"),
    [
        ("1", "2", 1, 2, ()),
        ("2", "0", 2, 0, ()),  # winner 0 = draw / none is a legal value
        ("", "2", 1, 2, ("defender_missing",)),
        ("x", "2", 1, 2, ("defender_non_numeric",)),
        ("-1", "2", 1, 2, ("defender_non_numeric",)),
        ("9", "2", 9, 2, ("defender_out_of_range",)),
        ("0", "2", 0, 2, ("defender_out_of_range",)),
        ("1", "", 1, 0, ("winner_missing",)),
        ("1", "axis", 1, 0, ("winner_non_numeric",)),
        ("1", "3", 1, 3, ("winner_out_of_range",)),
        (" 2 ", " 1 ", 2, 1, ()),
    ],
)
def test_header_sides(
    defender: str, winner: str, want_defender: int, want_winner: int, warnings: tuple[str, ...]
) -> None:
    header = parse(header_line(defender=defender, winner=winner), player_line()).header
    assert (header.defender_team, header.winner_team) == (want_defender, want_winner)
    assert header.warnings == warnings


def test_header_round_map_and_time_diagnostics() -> None:
    header = parse(
        header_line(round_number="x", map_name="goldrush", limit="soon", actual=""),
        player_line(),
    ).header
    assert header.header_round == 0
    assert header.map_name == "goldrush"
    assert (header.map_time_seconds, header.actual_time_seconds) == (None, None)
    assert header.warnings == (
        "map_name_mismatch",
        "header_round_non_numeric",
        "map_time_invalid",
        "actual_time_invalid",
    )


def test_header_round_mismatch_missing_map_and_extra_fields() -> None:
    parsed = parse(
        header_line(round_number=2, map_name="", duration_ms="1000\\extra"), player_line()
    )
    assert parsed.header.header_round == 2
    assert parsed.header.field_count == 10
    assert parsed.header.warnings == (
        "map_name_missing",
        "header_round_mismatch",
        "header_extra_fields",
    )


def test_header_map_case_difference_is_no_mismatch() -> None:
    assert parse(header_line(map_name="Supply"), player_line()).header.warnings == ()


# --------------------------------------------------------------------------------------------
# Player lines
# --------------------------------------------------------------------------------------------


def _distinct_ext() -> dict[str, Any]:
    """Every TAB field a different value: ints 1000+i, floats i+0.5 (TAB 22 = 22.5 min)."""
    return {
        name: (i + 0.5 if i in FLOAT_FIELD_INDICES else 1000 + i)
        for i, name in enumerate(EXTENDED_FIELD_NAMES)
    }


def test_player_line_every_field() -> None:
    weapons = {0: (1, 2, 3, 4, 5), 4: (50, 140, 9, 4, 12), 27: (0, 7, 0, 0, 0)}
    parsed = parse(
        header_line(),
        player_line("a1b2c3d4", "^1Alpha^7One", 1, 2, weapons, _distinct_ext()),
    )
    (p,) = parsed.players
    expected: dict[str, Any] = {
        "line_number": 2,
        "guid8": "a1b2c3d4",  # as in the file
        "player_key": "A1B2C3D4",  # the identity is upper-cased
        "raw_name": "^1Alpha^7One",
        "clean_name": "AlphaOne",
        "is_bot": False,
        "rounds": 1,
        "team": 2,
        "weapons": (
            WeaponLine(0, "WS_KNIFE", 1, 2, 3, 4, 5, 50.0),
            WeaponLine(4, "WS_MP40", 50, 140, 9, 4, 12, 50 * 100 / 140),
            WeaponLine(27, "WS_SYRINGE", 0, 7, 0, 0, 0, 0.0),
        ),
        "has_extended": True,
        **_distinct_ext(),
        "time_played_tenths": 225,
        "time_dead_tenths": 255,
    }
    assert_fields(p, expected)
    # Spot-check the index -> name mapping against the reference table.
    assert (p.damage_given, p.time_played_percent, p.xp, p.bullets_fired) == (1000, 8.5, 1009, 1020)
    assert (p.dpm, p.time_played_minutes, p.time_dead_ratio, p.time_dead_minutes) == (
        21.5,
        22.5,
        24.5,
        25.5,
    )
    assert (p.kd_ratio, p.useful_kills, p.denied_playtime, p.revives_given) == (
        26.5,
        1027,
        1028,
        1037,
    )


def test_weapon_names_follow_bit_numbers() -> None:
    every = {w: (w, w + 1, 0, 0, 0) for w in range(28)}
    (p,) = parse(header_line(), player_line(weapons=every)).players
    assert [(w.weapon_id, w.weapon_name, w.hits) for w in p.weapons] == [
        (i, WEAPON_NAMES[i], i) for i in range(28)
    ]
    assert WEAPON_NAMES[4] == "WS_MP40" and WEAPON_NAMES[27] == "WS_SYRINGE"


@pytest.mark.parametrize(
    ("text", "tenths"),
    [("2.3", 23), ("0.0", 0), ("16.9", 169), ("7", 70), ("7.30", 73), ("1234.5", 12345)],
)
def test_time_tenths_are_exact_integers(text: str, tenths: int) -> None:
    ext = "\t".join(text if i in (22, 25) else "0" for i in range(38))
    data = stats_bytes(header_line(), f"A1B2C3D4\\x\\0\\1\\16 1 2 0 0 0 \t{ext}\n")
    (p,) = parse_stats_file(file_name(), data).players
    assert (p.time_played_tenths, p.time_dead_tenths) == (tenths, tenths)
    assert p.time_played_minutes == float(text)


def test_players_keep_file_order_and_line_numbers() -> None:
    parsed = parse(
        header_line(),
        player_line("BBBBBBBB", "Bravo"),
        "\n",
        player_line("AAAAAAAA", "Alpha"),
    )
    assert [(p.line_number, p.player_key) for p in parsed.players] == [
        (2, "BBBBBBBB"),
        (4, "AAAAAAAA"),
    ]


# --------------------------------------------------------------------------------------------
# Identity
# --------------------------------------------------------------------------------------------


def _sha(text: str, n: int) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:n]


def test_bots_get_distinct_name_based_keys() -> None:
    parsed = parse(
        header_line(),
        player_line("OMNIBOT0", "[BOT]^1Helga"),
        player_line("OMNIBOT0", "[BOT]Ursula"),
        player_line("12345678", "[bot]Sneaky"),  # name prefix alone makes a bot
    )
    keys = [p.player_key for p in parsed.players]
    assert keys == [
        "OMNIBOT0" + _sha("[BOT]Helga", 24),
        "OMNIBOT0" + _sha("[BOT]Ursula", 24),
        "OMNIBOT0" + _sha("[bot]Sneaky", 24),
    ]
    assert all(p.is_bot for p in parsed.players)
    assert all(len(k) == 32 for k in keys)
    assert parsed.warnings == ()


def test_empty_guid_gets_a_name_based_key() -> None:
    (p,) = parse(header_line(), player_line("", "^2Ghost")).players
    assert p.player_key == "NOGUID" + _sha("Ghost", 26)
    assert (p.guid8, p.is_bot) == ("", False)


def test_duplicate_keys_are_disambiguated_by_raw_name() -> None:
    parsed = parse(
        header_line(),
        player_line("DEADBEEF", "^1Twin"),
        player_line("DEADBEEF", "^2Twin"),
        player_line("CAFEBABE", "Solo"),
    )
    assert [p.player_key for p in parsed.players] == [
        "DEADBEEF:" + _sha("^1Twin", 8),
        "DEADBEEF:" + _sha("^2Twin", 8),
        "CAFEBABE",
    ]
    assert parsed.warnings == ("player_key_disambiguated@2", "player_key_disambiguated@3")


def test_fully_identical_identities_are_numbered() -> None:
    parsed = parse(header_line(), player_line("DEADBEEF", "Twin"), player_line("DEADBEEF", "Twin"))
    base = "DEADBEEF:" + _sha("Twin", 8)
    assert [p.player_key for p in parsed.players] == [base, base + "#2"]
    assert "duplicate_player_key@3" in parsed.warnings


# --------------------------------------------------------------------------------------------
# Decoding and line warnings
# --------------------------------------------------------------------------------------------


def test_bad_utf8_is_replaced_not_dropped() -> None:
    data = stats_bytes(header_line(), player_line(name="Caf")).replace(b"Caf", b"Caf\xe9")
    (p,) = parse_stats_file(file_name(), data).players
    assert p.raw_name == "Caf\ufffd"


def test_crlf_lone_cr_and_bom_are_universal_newlines() -> None:
    body = stats_bytes(header_line(), player_line("AAAAAAAA"), player_line("BBBBBBBB"))
    expected = parse_stats_file(file_name(), body)
    for variant in (
        body.replace(b"\n", b"\r\n"),
        body.replace(b"\n", b"\r"),
        b"\xef\xbb\xbf" + body,
    ):
        assert parse_stats_file(file_name(), variant) == expected


def test_line_warnings() -> None:
    parsed = parse(
        header_line(),
        player_line("AAAAAAAA", team=7),
        player_line("BBBBBBBB", weapons={}),
        player_line("CCCCCCCC").rstrip("\n"),
    )
    assert parsed.players[0].team == 7
    assert parsed.players[1].weapons == ()
    assert parsed.warnings == (
        "team_out_of_range@2",
        "empty_weapon_mask@3",
        "missing_final_newline",
    )


# --------------------------------------------------------------------------------------------
# Rejections
# --------------------------------------------------------------------------------------------

_OK_LINE = player_line()


@pytest.mark.parametrize(
    ("name", "data", "reason", "detail_parts"),
    [
        ("notes.txt", b"x", "bad_filename", ["notes.txt"]),
        (
            "2026-02-10-213012-supply-round-1-endstats.txt",
            b"x",
            "not_a_stats_file",
            ["endstats"],
        ),
        ("2026-02-10-213012-supply-round-1_ws.txt", b"x", "not_a_stats_file", ["weapon_dump"]),
        ("2026-02-10-213012-supply-round-1.log", b"x", "not_a_stats_file", ["unknown"]),
        ("2026-02-10-213012-supply-round-3.txt", b"x", "invalid_round_number", ["round 3"]),
        ("2026-02-10-213012-supply-round-0.txt", b"x", "invalid_round_number", ["round 0"]),
        (file_name(), b"", "empty_file", ["0 bytes"]),
        (file_name(), b" \r\n\n\t", "empty_file", []),
        (file_name(), stats_bytes(header_line()) + b"\x00\x01", "binary_content", ["offset"]),
        (
            file_name(),
            b"srv\\supply\\legacy6\\1\\1\\2\\10:00\n" + _OK_LINE.encode(),
            "invalid_header",
            ["line 1", "found 7"],
        ),
        (file_name(), b"Most damage given\tAlphaOne\t1550\n", "invalid_header", ["found 1"]),
        (file_name(), stats_bytes(header_line()), "header_only", []),
        (file_name(), stats_bytes(header_line().rstrip("\n")), "header_only", []),
        (file_name(), stats_bytes(header_line(), "\n", "  \n"), "no_player_lines", []),
    ],
)
def test_file_level_rejections(
    name: str, data: bytes, reason: str, detail_parts: list[str]
) -> None:
    exc = rejected(name, data)
    assert exc.reason == reason
    for part in detail_parts:
        assert part in exc.detail


# A canonical extended block (floats written with a decimal point), so that malformed lines
# built on it reach the fast path's own checks, not just its "not canonical" exits.
_EXT38 = "\t".join("0.0" if i in FLOAT_FIELD_INDICES else "0" for i in range(38))


@pytest.mark.parametrize(
    ("line", "detail_parts"),
    [
        ("A1B2C3D4\\Alpha\\0\\1\n", ["expected 5", "found 4"]),
        ("just some text without separators\n", ["found 1"]),
        ("A1B2C3D4\\Alpha\\x\\1\\16 1 2 3 4 5 \t" + _EXT38 + "\n", ["rounds 'x'"]),
        ("A1B2C3D4\\Alpha\\0\\axis\\16 1 2 3 4 5 \t" + _EXT38 + "\n", ["team 'axis'"]),
        ("A1B2C3D4\\Alpha\\0\\1\\ \t" + _EXT38 + "\n", ["missing weapon mask"]),
        (
            "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 \t" + _EXT38 + "\n",
            ["mask 16", "5 values", "found 4"],
        ),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 6 \t" + _EXT38 + "\n", ["found 6"]),
        ("A1B2C3D4\\Alpha\\0\\1\\268435456 1 2 3 4 5 \t" + _EXT38 + "\n", ["outside 0..27"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 -2 3 4 5 \t" + _EXT38 + "\n", ["negative"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 2.0 3 4 5 \t" + _EXT38 + "\n", ["'2.0'"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 x 3 4 5 \t" + _EXT38 + "\n", ["'x'"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 1_0 3 4 5 \t" + _EXT38 + "\n", ["'_'"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 ٣ 3 4 5 \t" + _EXT38 + "\n", ["'٣'"]),
        ("A1B2C3D4\\Al\\pha\\0\\1\\16 1 2 3 4 5 \t" + _EXT38 + "\n", ["rounds 'pha'"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t" + "\t".join(["0"] * 37) + "\n", ["37 TAB"]),
        ("A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t" + _EXT38 + "\t\n", ["39 TAB"]),
        (
            "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t3.0" + "\t0" * 37 + "\n",
            ["TAB 0 (damage_given) '3.0'"],
        ),
        (
            "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t"
            + "\t".join(["0"] * 8 + ["nan"] + ["0"] * 29)
            + "\n",
            ["TAB 8", "finite"],
        ),
        (
            "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t"
            + "\t".join(["0"] * 22 + ["2.35"] + ["0"] * 15)
            + "\n",
            ["TAB 22", "tenths"],
        ),
        (
            "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t"
            + "\t".join(["0"] * 25 + ["-1.0"] + ["0"] * 12)
            + "\n",
            ["TAB 25", "'-1.0'"],
        ),
        (
            "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t"
            + "\t".join(["0"] * 21 + [""] + ["0"] * 16)
            + "\n",
            ["TAB 21 (dpm) ''"],
        ),
    ],
)
def test_one_malformed_line_rejects_the_whole_file(line: str, detail_parts: list[str]) -> None:
    """A round is never half-written: the good line 2 does not survive a bad line 3."""
    exc = rejected(file_name(), stats_bytes(header_line(), _OK_LINE, line, _OK_LINE))
    assert sf._parse_player_line_fast(line.rstrip("\n").encode(), 3, []) is None
    assert exc.reason == "malformed_player_line"
    assert exc.detail.startswith("line 3: ")
    for part in detail_parts:
        assert part in exc.detail, exc.detail
    assert str(exc) == f"malformed_player_line: {exc.detail}"


_HUGE = "9" * 5000  # int() refuses strings past 4,300 digits with ValueError


@pytest.mark.parametrize(
    "line",
    [
        f"A1B2C3D4\\Alpha\\{_HUGE}\\1\\16 1 2 3 4 5 \t" + "\t".join(["0"] * 38),
        f"A1B2C3D4\\Alpha\\0\\{_HUGE}\\16 1 2 3 4 5 \t" + "\t".join(["0"] * 38),
        f"A1B2C3D4\\Alpha\\0\\1\\{_HUGE} 1 2 3 4 5 \t" + "\t".join(["0"] * 38),
        f"A1B2C3D4\\Alpha\\0\\1\\16 {_HUGE} 2 3 4 5 \t" + "\t".join(["0"] * 38),
        "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t" + "\t".join([_HUGE] + ["0"] * 37),
        "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t"
        + "\t".join(["0"] * 8 + [_HUGE + ".5"] + ["0"] * 29),
        "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t"
        + "\t".join(["0"] * 22 + [_HUGE + ".5"] + ["0"] * 15),
    ],
)
def test_absurdly_long_numbers_reject_cleanly(line: str) -> None:
    """Corrupt digit runs are a rejection with a short detail, never a crash."""
    exc = rejected(file_name(), stats_bytes(header_line(), line + "\n"))
    assert exc.reason == "malformed_player_line"
    assert len(exc.detail) < 300


def test_absurdly_long_numbers_in_header_and_name() -> None:
    header = parse(
        header_line(round_number=_HUGE, defender=_HUGE, winner=_HUGE, limit=_HUGE, actual=_HUGE),
        player_line(),
    ).header
    assert (header.header_round, header.defender_team, header.winner_team) == (0, 1, 0)
    assert (header.map_time_seconds, header.actual_time_seconds) == (None, None)
    assert classify_stats_filename(f"2026-02-10-213012-supply-round-{_HUGE}.txt") is not None
    name = f"2026-02-10-213012-supply-round-{_HUGE}.txt"
    assert rejected(name, b"x").reason == "not_a_stats_file"


def test_unterminated_last_line_that_fails_is_a_truncated_file() -> None:
    cut = _OK_LINE[: len(_OK_LINE) // 2]
    exc = rejected(file_name(), stats_bytes(header_line(), _OK_LINE, cut))
    assert exc.reason == "truncated_file"
    assert "line 3 (last, no newline)" in exc.detail
    # The same bad line WITH a newline is malformed, not truncated.
    exc = rejected(file_name(), stats_bytes(header_line(), _OK_LINE, cut + "\n"))
    assert exc.reason == "malformed_player_line"


def test_rejection_is_picklable_and_formats() -> None:
    exc = StatsFileRejected("header_only", "x has no player lines")
    clone = pickle.loads(pickle.dumps(exc))
    assert (clone.reason, clone.detail, str(clone)) == (
        "header_only",
        "x has no player lines",
        "header_only: x has no player lines",
    )


def test_bom_only_file_is_empty_not_a_crash() -> None:
    exc = rejected(file_name(), b"\xef\xbb\xbf")
    assert exc.reason == "empty_file"


def test_oversized_files_reject_before_parsing() -> None:
    from slomix_pipeline.formats.limits import MAX_STATS_FILE_BYTES, MAX_STATS_PLAYERS

    many = stats_bytes(header_line(), *([player_line()] * (MAX_STATS_PLAYERS + 1)))
    assert rejected(file_name(), many).reason == "oversized_file"
    big = stats_bytes(header_line(), player_line()) + b" " * MAX_STATS_FILE_BYTES
    assert rejected(file_name(), big).reason == "oversized_file"


@pytest.mark.parametrize("index", [0, 3, 9, 12])
def test_negative_or_int32_overflowing_counters_are_rejected(index: int) -> None:
    for value, word in (("-5", "negative"), ("3000000000", "out of range")):
        values = ["0"] * 38
        values[index] = value
        line = "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t" + "\t".join(values)
        exc = rejected(file_name(), stats_bytes(header_line(), line + "\n"))
        assert exc.reason == "malformed_player_line"
        assert word in exc.detail


def test_team_beyond_int32_is_rejected() -> None:
    line = "A1B2C3D4\\Alpha\\0\\3000000000\\16 1 2 3 4 5 \t" + "\t".join(["0"] * 38)
    exc = rejected(file_name(), stats_bytes(header_line(), line + "\n"))
    assert exc.reason == "malformed_player_line"


def test_every_rejection_reason_is_exercised() -> None:
    """Keeps REJECTION_REASONS and the tests above honest."""
    assert {
        "bad_filename",
        "not_a_stats_file",
        "invalid_round_number",
        "empty_file",
        "binary_content",
        "invalid_header",
        "header_only",
        "no_player_lines",
        "malformed_player_line",
        "truncated_file",
        "oversized_file",
        "unreadable",
    } == REJECTION_REASONS


# --------------------------------------------------------------------------------------------
# Fast path == reference path
# --------------------------------------------------------------------------------------------


def _random_line(rng: random.Random) -> str:
    weapons = {
        w: tuple(rng.choice((0, 1, 7, 250, 4095, 9999, 10000, 123456)) for _ in range(5))
        for w in rng.sample(range(28), rng.randint(0, 9))
    }
    ext: dict[str, Any] = {}
    for i, name in enumerate(EXTENDED_FIELD_NAMES):
        if i in FLOAT_FIELD_INDICES:
            ext[name] = rng.choice((0.0, 0.1, 8.6, 409.6, 999.9, 1000.0, 52000.5))
        elif rng.random() < 0.005:
            # Legal for the reference path, declined by the fast path (a negative value,
            # formerly used here, is now a rejection: see test_negative_or_int32_...).
            ext[name] = "+4"
        else:
            ext[name] = rng.choice((0, 3, 255, 4096, 9999, 10000, 77777))
    name = rng.choice(("^1Alpha^7One", "[BOT]Helga", "Caf\u00e9", "^^1Neo^!X", "  spaced  "))
    guid = rng.choice(("A1B2C3D4", "a1b2c3d4", "OMNIBOT0", "", " 1234ABCD "))
    return player_line(guid, name, rng.randint(0, 3), rng.randint(0, 4), weapons, ext)


def test_fast_path_matches_reference_path() -> None:
    """The fast path is an optimisation only: same PlayerLine and warnings, or it declines."""
    rng = random.Random(7)
    taken = 0
    for _ in range(400):
        text = _random_line(rng).rstrip("\n")
        fast_warnings: list[str] = []
        ref_warnings: list[str] = []
        fast = sf._parse_player_line_fast(text.encode(), 5, fast_warnings)
        reference = sf._parse_player_line(text, 5, ref_warnings)
        if fast is not None:
            taken += 1
            assert fast == reference
            assert [type(getattr(fast, f)) for f in EXTENDED_FIELD_NAMES] == [
                type(getattr(reference, f)) for f in EXTENDED_FIELD_NAMES
            ]
            assert fast_warnings == ref_warnings
    assert taken > 50  # the fast path really is exercised (negatives etc. decline)


@pytest.mark.parametrize(
    "line",
    [
        "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 ",  # no TAB block
        "A1B2C3D4\\Alpha\\0\\1\\16  1 2 3 4 5 \t" + _EXT38,  # double space is fine...
        "A1B2C3D4\\Alpha\\00\\1\\16 1 2 3 4 5 \t" + _EXT38.replace("0", "07", 1),
        "A1B2C3D4\\Alpha\\0\\1\\16 1 2 3 4 5 \t" + "\t".join(["+5"] + ["0"] * 37),
    ],
)
def test_lines_the_fast_path_declines_still_parse_identically(line: str) -> None:
    parsed = parse(header_line(), line + "\n")
    assert parsed.players[0] == sf._parse_player_line(line, 2, [])


def test_fast_constructor_builds_genuine_frozen_instances() -> None:
    fast = sf.fast_constructor(WeaponLine)(4, "WS_MP40", 1, 2, 3, 4, 5, 50.0)
    slow = WeaponLine(4, "WS_MP40", 1, 2, 3, 4, 5, 50.0)
    assert type(fast) is WeaponLine
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.hits = 9  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert dataclasses.replace(fast, hits=9).hits == 9
    by_keyword = sf.fast_constructor(WeaponLine)(
        weapon_id=4,
        weapon_name="WS_MP40",
        hits=1,
        shots=2,
        kills=3,
        deaths=4,
        headshots=5,
        accuracy=50.0,
    )
    assert by_keyword == slow


def test_fast_constructor_computes_derived_fields_inside_the_builder() -> None:
    build = sf.fast_constructor(WeaponLine, derived={"accuracy": sf.ACCURACY_FORMULA})
    made = build(4, "WS_MP40", 3, 4, 1, 0, 1)
    assert type(made) is WeaponLine
    assert made == WeaponLine(4, "WS_MP40", 3, 4, 1, 0, 1, 75.0)
    assert build(0, "WS_KNIFE", 0, 0, 0, 0, 0).accuracy == 0.0  # no shots: 0, not a ZeroDivision
    with pytest.raises(TypeError):
        build(4, "WS_MP40", 3, 4, 1, 0, 1, 75.0)  # a derived field is not a parameter
    with pytest.raises(ValueError, match="no field"):
        sf.fast_constructor(WeaponLine, derived={"precision": "1.0"})


def test_parsed_weapon_accuracy_is_hits_over_shots() -> None:
    line = "A1B2C3D4\\Alpha\\0\\1\\2064 2 3 0 0 0 0 0 0 0 0 \t" + _EXT38
    (p,) = parse(header_line(), line + "\n").players
    assert [(w.weapon_name, w.accuracy) for w in p.weapons] == [
        ("WS_MP40", 2 * 100 / 3),
        ("WS_GRENADE", 0.0),
    ]
    # The reference path (here: a '+' sign it accepts and the fast path declines) agrees.
    slow = sf._parse_player_line(line.replace("2064 2 3", "2064 +2 3", 1), 2, [])
    assert slow.weapons == p.weapons


# --------------------------------------------------------------------------------------------
# Edge cases of the reference (section 10) that concern the parser
# --------------------------------------------------------------------------------------------


def test_edge_01_header_only_file_is_an_error_not_an_empty_round() -> None:
    """Upstream: header only -> error, but header + one blank line -> success with 0 players.

    Right behaviour (differs from upstream): both are rejected; a stats file always has at
    least one player, because the Lua writes only players with weapon activity.
    """
    header = "srv\\goldrush\\legacy6\\1\\1\\1\\12:00\\12:00"
    name = file_name(map_name="goldrush")
    assert rejected(name, header.encode()).reason == "header_only"
    assert rejected(name, (header + "\n").encode()).reason == "header_only"
    assert rejected(name, (header + "\n\n").encode()).reason == "no_player_lines"


def test_edge_02_hits_come_before_shots() -> None:
    from slomix_pipeline.domain.differential import build_round_stats

    line = "A1B2C3D4\\Alpha\\0\\1\\16 50 140 9 4 12 \t" + _EXT38 + "\n"
    parsed = parse(header_line(), line)
    assert parsed.players[0].weapons == (
        WeaponLine(4, "WS_MP40", 50, 140, 9, 4, 12, 50 * 100 / 140),
    )
    stats = build_round_stats(parsed).players[0]
    assert stats.weapons[0].accuracy == pytest.approx(35.714285714)
    assert (stats.hits_total, stats.shots_total, stats.headshots) == (50, 140, 12)


def test_edge_03_whitespace_vs_tab_splitting_line_without_tab() -> None:
    """No TAB: the whole fifth field is the weapon block; damage is 0, no extended block."""
    parsed = parse(header_line(), "12345678\\^1Player\\1\\1\\1 1 1 1 1 1\n")
    (p,) = parsed.players
    assert p.has_extended is False
    assert p.weapons == (WeaponLine(0, "WS_KNIFE", 1, 1, 1, 1, 1, 100.0),)
    assert (p.damage_given, p.time_played_tenths, p.kd_ratio) == (0, 0, 0.0)
    assert p.clean_name == "Player"
    # The weapon block splits on ANY whitespace (runs of spaces are fine)...
    (spaced,) = parse(
        header_line(), "12345678\\P\\1\\1\\1  1 1   1 1 1  \t" + _EXT38 + "\n"
    ).players
    assert spaced.weapons == (WeaponLine(0, "WS_KNIFE", 1, 1, 1, 1, 1, 100.0),)
    # ...but the extended block splits on TAB only: spaces there leave one field, not 38.
    exc = rejected(
        file_name(),
        stats_bytes(header_line(), "1\\P\\1\\1\\1 1 1 1 1 1 \t" + " ".join(["0"] * 38) + "\n"),
    )
    assert exc.reason == "malformed_player_line" and "1 TAB fields" in exc.detail


def test_edge_15_colour_code_leftovers() -> None:
    (p,) = parse(header_line(), player_line(name="^^1Neo^!X")).players
    assert (p.raw_name, p.clean_name) == ("^^1Neo^!X", "^Neo^!X")


def test_edge_20_endstats_file_is_never_parsed_as_stats() -> None:
    """Upstream's bulk glob fed endstats files to the stats parser (``invalid header format``).

    Here the name classifies them as ENDSTATS (their ``-round-2`` is no R2 stats file) and the
    parser refuses them with ``not_a_stats_file`` before reading a byte.
    """
    name = "2026-02-10-213530-supply-round-2-endstats.txt"
    classified = classify_stats_filename(name)
    assert classified is not None
    assert (classified.kind, classified.round_number) == (StatsFileKind.ENDSTATS, 2)
    body = b"Most damage given\tAlphaOne\t1550\nVS_HEADER\tAlphaOne\tA1B2C3D4E5F6\n"
    assert rejected(name, body).reason == "not_a_stats_file"
