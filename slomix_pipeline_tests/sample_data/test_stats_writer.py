"""The c0rnp0rn8 renderer, checked by reading its output back with small helpers defined here
(deliberately not the project's stats parser, which is developed independently)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from slomix_pipeline.sample_data import (
    SimCorpus,
    SimMapPlay,
    SimRound,
    endstats_file_name,
    malformed_file_name,
    render_endstats_file,
    render_round_file,
    render_stats_landing,
    round_truth,
    simulate,
    stats_file_name,
)
from slomix_pipeline.sample_data.model import END_SURRENDER, END_TIME_EXPIRED, SimPlayerRound
from slomix_pipeline.sample_data.stats_writer import (
    FLOAT_FIELDS,
    clock_text,
    file_line,
    render_malformed_file,
    render_player_line,
)

NAME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-\d{6}-(.+?)-round-([12])\.txt$")
CLOCK_RE = re.compile(r"^\d+:[0-5]\d$")
CUM_TAB = (0, 1, 2, 3, 4, 5, 6, 7)
ROUND_TAB = (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37)


@dataclass
class Line:
    guid8: str
    name: str
    rounds: int
    team: int
    weapons: dict[int, tuple[int, ...]]
    ext: list[str]


def read_line(text: str) -> Line:
    """Minimal reader for one player line; asserts the layout while it goes."""
    assert text.endswith("\n")
    head, tab, ext = text[:-1].partition("\t")
    assert tab == "\t" and head.endswith(" "), "weapon block must end with a space before the TAB"
    guid8, name, rounds, team, block = head.split("\\")
    tokens = [int(t) for t in block.split()]
    mask, numbers = tokens[0], tokens[1:]
    bits = [b for b in range(28) if mask >> b & 1]
    assert len(numbers) == 5 * len(bits)
    weapons = {b: tuple(numbers[5 * i : 5 * i + 5]) for i, b in enumerate(bits)}
    return Line(guid8, name, int(rounds), int(team), weapons, ext.split("\t"))


def read_file(data: bytes) -> tuple[list[str], list[Line]]:
    text = data.decode("utf-8")
    header, *rest = text.splitlines(keepends=True)
    return header.rstrip("\n").split("\\"), [read_line(x) for x in rest]


@cache
def corpus() -> SimCorpus:
    return simulate()


@cache
def files() -> dict[str, bytes]:
    return dict(render_stats_landing(corpus()))


def by_guid8_name(lines: list[Line]) -> dict[tuple[str, str], Line]:
    return {(ln.guid8, ln.name): ln for ln in lines}


def played(play: SimMapPlay) -> tuple[SimRound, SimRound]:
    assert play.r2 is not None
    return play.r1, play.r2


def test_file_names_follow_the_pattern_and_use_the_write_time() -> None:
    for r in corpus().rounds:
        name = stats_file_name(r)
        match = NAME_RE.match(name)
        assert match and match.group(1) == r.map_name and int(match.group(2)) == r.round_number
        assert name.startswith(r.file_written_local.strftime("%Y-%m-%d-%H%M%S"))
    assert any("-" in r.map_name for r in corpus().rounds)


def test_clock_text() -> None:
    assert [clock_text(s) for s in (720, 507, 446, 0, 65)] == [
        "12:00",
        "8:27",
        "7:26",
        "0:00",
        "1:05",
    ]


def test_header_has_nine_fields_in_reference_order() -> None:
    for r in corpus().rounds:
        if any(p.r1 is r for p in corpus().map_plays if p.r1_file_missing):
            continue
        header, _ = read_file(files()[stats_file_name(r)])
        assert len(header) == 9
        assert re.search(r"\^\d", header[0])
        assert header[1] == r.map_name and header[2] == "legacy6"
        assert int(header[3]) == r.round_number
        assert int(header[4]) == r.defender_team and int(header[5]) == r.winner_team
        assert CLOCK_RE.match(header[6]) and CLOCK_RE.match(header[7])
        assert header[6] == clock_text(r.timelimit_seconds)
        assert int(header[8]) == r.duration_ms and r.duration_ms >= 1000 * 60


def test_surrender_header_shows_the_full_limit_not_the_real_duration() -> None:
    s = next(r for r in corpus().rounds if r.end_reason == END_SURRENDER)
    header, _ = read_file(files()[stats_file_name(s)])
    assert header[6] == header[7] == clock_text(s.map_timelimit_seconds)
    assert int(header[8]) // 1000 == s.actual_duration_seconds < s.map_timelimit_seconds


def test_full_hold_gives_r2_the_full_limit_and_objective_sets_the_time() -> None:
    for play in corpus().map_plays:
        r1, r2 = played(play)
        if play.r1_file_missing:
            continue
        h1, _ = read_file(files()[stats_file_name(r1)])
        h2, _ = read_file(files()[stats_file_name(r2)])
        if r1.end_reason in {END_TIME_EXPIRED, END_SURRENDER}:
            assert h1[7] == h1[6] == h2[6] == clock_text(r1.map_timelimit_seconds)
        else:
            assert h2[6] == h1[7] == clock_text(r1.actual_duration_seconds)
        if r2.end_reason == END_TIME_EXPIRED:
            assert h2[7] == h2[6]


def test_fractional_time_to_beat_is_written_as_minutes_and_seconds() -> None:
    r2 = next(p.r2 for p in corpus().map_plays if p.r2 and p.r2.timelimit_seconds == 446)
    header, _ = read_file(files()[stats_file_name(r2)])
    assert header[6] == "7:26"


def test_every_player_line_has_the_real_layout() -> None:
    checked = 0
    for name, data in files().items():
        if name.endswith("-endstats.txt") or name in {
            malformed_file_name(m) for m in corpus().malformed
        }:
            continue
        _, lines = read_file(data)
        assert lines
        for ln in lines:
            assert len(ln.guid8) == 8 and len(ln.ext) == 38
            for i, cell in enumerate(ln.ext):
                if i in FLOAT_FIELDS:
                    assert re.fullmatch(r"\d+\.\d", cell), (i, cell)
                else:
                    assert re.fullmatch(r"\d+", cell), (i, cell)
            for hits, shots, kills, deaths, heads in ln.weapons.values():
                assert shots >= hits >= heads and (hits or shots or kills or deaths)
            assert int(ln.ext[20]) == sum(w[1] for w in ln.weapons.values())
            checked += 1
    assert checked > 300


def test_r1_file_holds_the_r1_values() -> None:
    for play in corpus().map_plays:
        if play.r1_file_missing:
            continue
        r1 = play.r1
        _, lines = read_file(files()[stats_file_name(r1)])
        index = by_guid8_name(lines)
        assert len(lines) == len(r1.players)
        for p in r1.players:
            ln = index[(p.player.guid8, p.player.raw_name)]
            assert ln.rounds == 0 and ln.team == p.team
            assert ln.weapons == p.weapons
            assert int(ln.ext[0]) == p.damage_given and int(ln.ext[12]) == p.kill_assists
            assert round(float(ln.ext[22]) * 10) == p.time_played_tenths
            assert round(float(ln.ext[25]) * 10) == p.time_dead_tenths


def test_r2_file_is_cumulative_for_cum_fields_and_r2_only_for_the_rest() -> None:
    compared = 0
    for play in corpus().map_plays:
        r1, r2 = played(play)
        _, lines = read_file(files()[stats_file_name(r2)])
        index = by_guid8_name(lines)
        for p2 in r2.players:
            p1 = r1.player(p2.player.guid32)
            if p1 is None or p2.reconnected_in_this_round:
                continue
            ln = index[(p2.player.guid8, p2.player.raw_name)]
            a, b = file_line(p1, None), file_line(p2, None)
            for w in set(p1.weapons) | set(p2.weapons):
                x = p1.weapons.get(w, (0,) * 5)
                y = p2.weapons.get(w, (0,) * 5)
                assert ln.weapons[w] == tuple(i + j for i, j in zip(x, y, strict=True))
            for i in CUM_TAB:
                assert int(ln.ext[i]) == int(a.ext[i]) + int(b.ext[i])
            for i in ROUND_TAB:
                assert int(ln.ext[i]) == int(b.ext[i])
            assert int(ln.ext[20]) == p1.shots + p2.shots
            assert ln.ext[22] == f"{(p1.time_played_tenths + p2.time_played_tenths) / 10:.1f}"
            assert ln.ext[25] == f"{p2.time_dead_tenths / 10:.1f}"
            assert ln.rounds == 1 and ln.team == p2.team
            compared += 1
    assert compared > 100


def test_r2_truth_plus_r1_truth_equals_the_rendered_cumulative_line() -> None:
    truth = round_truth(corpus())
    for play in corpus().map_plays:
        r1, r2 = played(play)
        if play.r1_file_missing:
            continue
        t1 = truth[stats_file_name(r1)].players
        t2 = truth[stats_file_name(r2)]
        assert t2.r1_file_name == stats_file_name(r1) and not t2.is_orphan_r2
        _, lines = read_file(files()[stats_file_name(r2)])
        for key, p in t2.players.items():
            if key not in t1 or p.counter_reset:
                continue
            ln = next(x for x in lines if x.name == p.raw_name)
            assert sum(w[2] for w in ln.weapons.values()) == t1[key].kills + p.kills
            assert sum(w[3] for w in ln.weapons.values()) == t1[key].deaths + p.deaths
            assert int(ln.ext[0]) == t1[key].damage_given + p.damage_given
            assert int(ln.ext[20]) == t1[key].bullets_fired + p.bullets_fired
            tenths = round(float(ln.ext[22]) * 10)
            assert tenths * 6 == t1[key].time_played_seconds + p.time_played_seconds
            assert int(ln.ext[12]) == p.kill_assists


def test_reconnected_player_line_shows_fresh_counters() -> None:
    play = next(
        p
        for p in corpus().map_plays
        if p.r2 and any(x.reconnected_in_this_round for x in p.r2.players)
    )
    r1, r2 = played(play)
    back = next(x for x in r2.players if x.reconnected_in_this_round)
    _, lines2 = read_file(files()[stats_file_name(r2)])
    _, lines1 = read_file(files()[stats_file_name(r1)])
    key = (back.player.guid8, back.player.raw_name)
    ln2, ln1 = by_guid8_name(lines2)[key], by_guid8_name(lines1)[key]
    assert ln2.rounds == 0
    assert ln2.weapons == back.weapons
    assert int(ln2.ext[0]) == back.damage_given
    assert round(float(ln2.ext[22]) * 10) == back.time_played_tenths
    # The parser can only notice the reset if some cumulative counter went down.
    assert round(float(ln2.ext[22]) * 10) < round(float(ln1.ext[22]) * 10)


def test_leaver_only_in_r1_file_and_joiner_only_in_r2_file() -> None:
    play = next(
        p for p in corpus().map_plays if p.r2 and any(x.joined_in_this_round for x in p.r2.players)
    )
    r1, r2 = played(play)
    joiner = next(x for x in r2.players if x.joined_in_this_round).player
    leaver = next(x.player for x in r1.players if r2.player(x.player.guid32) is None)
    names1 = {ln.name for ln in read_file(files()[stats_file_name(r1)])[1]}
    lines2 = read_file(files()[stats_file_name(r2)])[1]
    names2 = {ln.name for ln in lines2}
    assert leaver.raw_name in names1 and leaver.raw_name not in names2
    assert joiner.raw_name in names2 and joiner.raw_name not in names1
    assert next(ln for ln in lines2 if ln.name == joiner.raw_name).rounds == 0


def test_two_bots_are_written_with_the_same_guid8() -> None:
    rounds = [r for r in corpus().rounds if sum(p.player.is_bot for p in r.players) == 2]
    assert rounds
    _, lines = read_file(files()[stats_file_name(rounds[0])])
    bots = [ln for ln in lines if ln.name.startswith("^7[BOT]")]
    assert len(bots) == 2 and {b.guid8 for b in bots} == {"OMNIBOT0"}


def test_line_order_is_shuffled_but_reproducible() -> None:
    shuffled = 0
    for play in corpus().map_plays:
        r = play.r1
        data = render_round_file(r, None, salt=corpus().seed)
        assert data == render_round_file(r, None, salt=corpus().seed)
        order = [ln.name for ln in read_file(data)[1]]
        shuffled += order != [p.player.raw_name for p in r.players]
    assert shuffled >= len(corpus().map_plays) // 2


def test_players_without_weapon_activity_are_not_written() -> None:
    r = corpus().rounds[0]
    idle: SimPlayerRound = replace(r.players[0], weapons={})
    assert not file_line(idle, None).written
    quiet = replace(r, players=(idle, *r.players[1:]))
    _, lines = read_file(render_round_file(quiet, None))
    assert idle.player.raw_name not in {ln.name for ln in lines}
    assert len(lines) == len(r.players) - 1


def test_float_fields_are_exact_tenths() -> None:
    p = replace(corpus().rounds[0].players[0], time_played_tenths=11, time_dead_tenths=3)
    ln = read_line(render_player_line(file_line(p, None)))
    assert ln.ext[22] == "1.1" and ln.ext[25] == "0.3"
    assert ln.ext[24] == "0.0"  # the Lua only sets the dead ratio after 2 minutes on a team
    both = read_line(render_player_line(file_line(p, replace(p, time_played_tenths=12))))
    assert both.ext[22] == "2.3"


def test_endstats_side_car_format() -> None:
    with_side_car = [r for r in corpus().rounds if endstats_file_name(r)]
    assert any(r.round_number == 1 for r in with_side_car)
    assert any(r.round_number == 2 for r in with_side_car)
    # An R1 side-car: its awards are this half's values (R2 session awards add R1, see
    # test_endstats_render.py).
    r = next(r for r in with_side_car if r.round_number == 1)
    name = endstats_file_name(r)
    assert name is not None and name.endswith(f"-{r.map_name}-round-{r.round_number}-endstats.txt")
    text = render_endstats_file(r).decode("utf-8")
    assert files()[name] == text.encode("utf-8")
    rows = [line.split("\t") for line in text.splitlines()]
    assert all(len(row) == 3 for row in rows)
    assert "^" not in "".join(row[0] + row[1] for row in rows if row[0] != "VS_HEADER").replace(
        "^Drift^!", ""
    )
    headers = [row for row in rows if row[0] == "VS_HEADER"]
    assert len(headers) == sum(1 for p in r.players if p.versus)
    assert all(len(row[2]) == 32 for row in headers)
    damage = next(row for row in rows if row[0] == "Most damage given")
    best = max(r.players, key=lambda p: p.damage_given)
    assert int(damage[2]) == best.damage_given


def test_malformed_files_are_broken_as_labelled() -> None:
    specs = {m.reason: m for m in corpus().malformed}
    assert set(specs) == {
        "header_only",
        "truncated_file",
        "malformed_player_line",
        "invalid_header",
    }

    header_only = render_malformed_file(specs["header_only"]).decode()
    assert header_only.count("\n") == 1 and len(header_only.split("\\")) == 9

    truncated = render_malformed_file(specs["truncated_file"]).decode()
    assert not truncated.endswith("\n")
    last = truncated.splitlines()[-1]
    assert 1 < last.count("\t") < 38

    bad = render_malformed_file(specs["malformed_player_line"]).decode()
    broken = 0
    for line in bad.splitlines(keepends=True)[1:]:
        block = line.split("\t", 1)[0].split("\\")[4].split()
        bits = bin(int(block[0])).count("1")
        broken += len(block) - 1 != 5 * bits
    assert broken == 1 and bad.endswith("\n")

    invalid = render_malformed_file(specs["invalid_header"]).decode()
    assert len(invalid.splitlines()[0].split("\\")) < 8
    for spec in specs.values():
        assert NAME_RE.match(malformed_file_name(spec))
        played_maps = {r.map_name for r in corpus().rounds}
        assert spec.map_name not in played_maps


def test_orphan_r1_is_not_rendered_but_its_r2_is_cumulative() -> None:
    play = next(p for p in corpus().map_plays if p.r1_file_missing)
    r1, r2 = played(play)
    assert stats_file_name(r1) not in files()
    _, lines = read_file(files()[stats_file_name(r2)])
    for p2 in r2.players:
        p1 = r1.player(p2.player.guid32)
        ln = by_guid8_name(lines)[(p2.player.guid8, p2.player.raw_name)]
        if p1 is not None:
            assert int(ln.ext[0]) == p1.damage_given + p2.damage_given
