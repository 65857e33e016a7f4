"""Player rows of the whole-file path: the lazy PlayerLine records, the tenths table's bounds,
and the generated record builders behind them (issue 13, fifth pass)."""

from __future__ import annotations

import pickle
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from slomix_pipeline.domain.differential import build_round_stats
from slomix_pipeline.formats.frozen_records import fast_constructor
from slomix_pipeline.formats.stats import parser as sf
from slomix_pipeline.formats.stats.player_rows import PlayerRows, player_rows, row_of_line
from slomix_pipeline.formats.stats.weapons import difference_of, totals_of

R1_NAME = "2026-02-10-200000-supply-round-1.txt"
R2_NAME = "2026-02-10-201400-supply-round-2.txt"
FLOATS = (8, 21, 22, 23, 24, 25, 26)


def _line(guid: str, name: str, team: int, weapons: dict[int, list[int]], tab: list[str]) -> str:
    mask = sum(1 << w for w in weapons)
    groups = " ".join(" ".join(map(str, weapons[w])) for w in sorted(weapons))
    return f"{guid}\\{name}\\0\\{team}\\{mask} {groups} \t" + "\t".join(tab) + "\n"


def _tab(scale: int = 1, **floats: str) -> list[str]:
    """38 TAB fields: ints growing with ``scale`` (cumulative ones), floats as D.d text."""
    tab = [str(i * scale) for i in range(38)]
    for i in FLOATS:
        tab[i] = f"{i}.{scale % 10}"
    for key, value in floats.items():
        tab[int(key[1:])] = value
    return tab


def _file(round_number: int, lines: list[str]) -> bytes:
    header = f"ETL Server\\supply\\legacy6\\{round_number}\\1\\2\\10:00\\7:36\\456000\n"
    return (header + "".join(lines)).encode()


def _reference(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> sf.ParsedStatsFile:
    with monkeypatch.context() as patch:
        patch.setattr(sf, "parse_rows_fast", lambda rows, warnings: None)
        patch.setattr(sf, "_parse_player_line_fast", lambda line, number, warnings: None)
        return sf.parse_stats_file(name, data)


def _types(parsed: sf.ParsedStatsFile) -> list[list[type]]:
    return [
        [type(getattr(p, f)) for f in sf.PlayerLine.__dataclass_fields__] for p in parsed.players
    ]


@pytest.mark.parametrize(
    "tab",
    [
        {"t21": "999.9", "t8": "0.0"},  # the table's last entry and its first
        {"t21": "1000.0"},  # past the table: divided instead
        {"t26": "214748364.7"},  # 9 digits before the dot: INT32_MAX tenths exactly
        {"t0": "2147483647"},  # a 10-digit integer at the bound
    ],
)
def test_whole_file_rows_read_floats_and_bounds_as_the_reference_path(
    monkeypatch: pytest.MonkeyPatch, tab: dict[str, str]
) -> None:
    data = _file(1, [_line("AAAA1111", "^1One", 1, {0: [1, 2, 3, 4, 0]}, _tab(**tab))])
    parsed = sf.parse_stats_file(R1_NAME, data)
    assert type(sf.ParsedStatsFile.__dict__["players"].member.__get__(parsed)) is PlayerRows
    reference = _reference(monkeypatch, R1_NAME, data)
    assert parsed == reference
    assert _types(parsed) == _types(reference)


@pytest.mark.parametrize("token", ["214748364.8", "2147483648", "99999999999"])
def test_values_past_int32_leave_the_whole_file_path(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    index = 26 if "." in token else 0
    tab = _tab()
    tab[index] = token
    data = _file(1, [_line("AAAA1111", "One", 1, {0: [1, 2, 3, 4, 0]}, tab)])
    assert sf.parse_rows_fast([(2, data.split(b"\n")[1])], []) is None  # declined
    assert _outcome(lambda: sf.parse_stats_file(R1_NAME, data)) == _outcome(
        lambda: _reference(monkeypatch, R1_NAME, data)
    )


def _outcome(parse: Callable[[], sf.ParsedStatsFile]) -> object:
    try:
        parsed = parse()
    except sf.StatsFileRejected as exc:
        return exc.reason, exc.detail
    return parsed, _types(parsed)


def _pair() -> tuple[sf.ParsedStatsFile, sf.ParsedStatsFile]:
    r1 = [
        _line("AAAA1111", "One", 1, {0: [1, 2, 3, 4, 0], 4: [10, 20, 5, 1, 2]}, _tab(1)),
        _line("BBBB2222", "Two", 2, {0: [0, 1, 0, 0, 0]}, _tab(1)),
    ]
    r2 = [
        _line("AAAA1111", "One", 2, {0: [2, 4, 6, 8, 0], 4: [30, 50, 9, 2, 4]}, _tab(2)),
        _line("BBBB2222", "Two", 1, {0: [0, 1, 0, 0, 0], 5: [3, 9, 1, 0, 1]}, _tab(2)),
        _line("CCCC3333", "Three", 1, {2: [1, 1, 1, 1, 1]}, _tab(1)),
    ]
    return (
        sf.parse_stats_file(R1_NAME, _file(1, r1)),
        sf.parse_stats_file(R2_NAME, _file(2, r2)),
    )


def test_lazy_players_read_as_records_once_and_compare_pickle_and_replace_as_records() -> None:
    r1, _ = _pair()
    players = r1.players
    assert all(type(p) is sf.PlayerLine for p in players)
    assert r1.players is players  # built once, then cached
    assert [p.player_key for p in players] == ["AAAA1111", "BBBB2222"]
    as_records = replace(r1, players=tuple(players))  # a tuple in the slot: the plain form
    assert as_records == r1 and hash(as_records) == hash(r1)
    assert pickle.loads(pickle.dumps(r1)) == r1
    assert repr(as_records) == repr(r1)


def test_rounds_from_rows_equal_rounds_from_records() -> None:
    r1, r2 = _pair()
    plain_r1 = replace(r1, players=tuple(r1.players))
    plain_r2 = replace(r2, players=tuple(r2.players))
    assert player_rows(plain_r2) == [row_of_line(p) for p in r2.players]
    assert build_round_stats(r1) == build_round_stats(plain_r1)
    lazy = build_round_stats(*_pair()[::-1])  # fresh files: no records were ever read
    assert lazy == build_round_stats(plain_r2, plain_r1)
    one = lazy.players[0]  # R2 - R1 of a player in both rounds
    assert (one.kills, one.shots_total, one.hits_total) == (7, 32, 21)
    assert one.damage_given == 0 and one.damage_received == 1  # TAB 0, 1: i*2 - i*1
    assert one.time_played_seconds == round((22.2 - 22.1) * 60)
    assert [p.joined_in_r2 for p in lazy.players] == [False, False, True]


@dataclass(frozen=True, slots=True)
class _Point:
    x: int
    y: int
    label: str


def test_fast_constructor_params_and_prelude_build_genuine_records() -> None:
    build = fast_constructor(
        _Point,
        {"x": "pair[0]", "label": "f'{x}:{y}'"},
        params=("pair", "y"),
        prelude=("x = pair[0]",),
    )
    point = build((3, 9), 4)
    assert type(point) is _Point
    assert point == _Point(3, 4, "3:4")
    with pytest.raises(AttributeError):
        point.x = 1  # type: ignore[misc]
    with pytest.raises(ValueError, match="label"):
        fast_constructor(_Point, params=("x", "y"))


@pytest.mark.parametrize("count", [0, 1, 7, 28, 29, 31])
def test_generated_weapon_totals_equal_the_sums_of_the_columns(count: int) -> None:
    rng = random.Random(count)
    values = tuple(rng.randrange(0, 2**31) for _ in range(5 * count))
    columns = [sum(values[field::5]) for field in range(5)]  # hits, shots, kills, deaths, hs
    expected = (columns[2], columns[3], columns[4], columns[1], columns[0])
    assert totals_of(values) == expected


@pytest.mark.parametrize("count", [0, 1, 7, 28])
def test_generated_weapon_difference_equals_the_value_by_value_subtraction(count: int) -> None:
    rng = random.Random(100 + count)
    after = tuple(rng.randrange(0, 2**31) for _ in range(5 * count))
    before = tuple(rng.randrange(0, 2**31) for _ in range(5 * count))
    assert difference_of(after, before) == tuple(a - b for a, b in zip(after, before, strict=True))
