"""Rendering: Discord's limits hold on the worst case, names never format or ping."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from slomix_pipeline.publish import limits
from slomix_pipeline.publish.embeds import RenderedPost, Section, pack
from slomix_pipeline.publish.limits import NO_MENTIONS, clean_name, violations
from slomix_pipeline.publish.publisher import payloads_for
from slomix_pipeline.publish.render import render_map, render_round, render_session, side_marker
from slomix_pipeline_tests.publish.worst_case import (
    HOSTILE,
    players,
    worst_map,
    worst_round,
    worst_session,
)


def _all_text(payloads: list[dict]) -> str:
    """Every string Discord would display, joined (not JSON: no escaping in the way)."""
    out = []
    for p in payloads:
        for e in p["embeds"]:
            out += [
                e.get("title", ""),
                e.get("description", ""),
                e.get("footer", {}).get("text", ""),
            ]
            out += [f"{f['name']}\n{f['value']}" for f in e.get("fields", [])]
    return "\n".join(out)


@pytest.mark.parametrize(
    "post",
    [render_round(worst_round()), render_map(worst_map()), render_session(worst_session())],
    ids=["round", "map", "session"],
)
def test_the_largest_session_never_exceeds_a_limit(post: RenderedPost) -> None:
    payloads = payloads_for(post, "112233")
    for payload in payloads:
        assert violations(payload) == []
        assert payload["allowed_mentions"] == NO_MENTIONS
    text = _all_text(payloads)
    for player in worst_session().players:  # every player is shown (split, not dropped)
        assert clean_name(player.name) in text
    assert "@everyone" not in text and "@here" not in text
    assert "<@123456789>" not in text
    assert "**@" not in text


def test_an_8v8_session_fits_one_message_and_splits_rosters_between_players() -> None:
    session = render_session(worst_session())
    payloads = payloads_for(session, "1")
    assert len(payloads) == 1
    fields = [f for e in payloads[0]["embeds"] for f in e.get("fields", [])]
    names = [f["name"] for f in fields]
    assert any(n.startswith("Team A") for n in names)
    assert any(n.startswith("Team B") for n in names)
    assert "Awards" in names
    for f in fields:  # a split never cuts a player line: every line starts with its marker
        if f["name"].startswith(("Team", "Unassigned")):
            assert all(line.startswith("`") for line in f["value"].split("\n"))


def test_huge_posts_split_into_more_messages_within_limits() -> None:
    rng = random.Random(3)
    lines = tuple(
        "".join(rng.choice("abc*_@` ") for _ in range(rng.randint(1, 1500))) for _ in range(400)
    )
    post = RenderedPost(
        key="x:1",
        kind="session",
        title="T" * 400,
        colour=1,
        description=tuple("d" * 300 for _ in range(40)),
        sections=tuple(Section(f"s{i}" * 200, lines[i::20]) for i in range(20)),
        footer="f" * 500,
    )
    payloads = payloads_for(post, "1")
    assert len(payloads) > 1
    for p in payloads:
        assert violations(p) == []
        assert len(p["embeds"]) <= limits.EMBEDS_MAX


def test_names_lose_colours_and_markdown_and_cannot_mention() -> None:
    assert clean_name("^1**x**^7") == "\\*\\*x\\*\\*"
    assert clean_name("^^2^!weird") == "^^!weird"  # only ^x codes go (formats/colour.py)
    cleaned = clean_name("@everyone")
    assert cleaned != "@everyone" and cleaned.replace("\u200b", "") == "@everyone"
    assert clean_name("") == "?"
    assert len(clean_name("x" * 100, max_len=20)) == 20
    assert "\n" not in clean_name("a\nb")
    for name in HOSTILE:
        escaped = clean_name(name)
        for mark in ("**", "__", "~~", "||", "``"):
            assert mark not in escaped.replace("\\" + mark[0], "")


def test_round_post_shows_winner_duration_source_timing_and_teams() -> None:
    r = worst_round()
    md = render_round(r).as_markdown()
    assert "Winner: **Axis** (lua)" in md
    assert "Duration: 19:59 (source: lua)" in md
    assert "⚠️ discrepancy" in md and "Δ +61 s" in md
    assert "Team A (8 ·" in md and "Team B (8 ·" in md and "Unassigned (4" in md
    assert "`[AXIS]`" in md and "`[ALLIES]`" in md
    no_lua = render_round(replace(r, timing_status="no_lua_link", lua_duration_seconds=None))
    assert "❓ no Lua data (no_lua_link)" in no_lua.as_markdown()


def test_map_post_shows_result_and_time_to_beat() -> None:
    md = render_map(worst_map()).as_markdown()
    assert "**Team A** wins the map (1–0)" in md
    assert "time to beat 9:59" in md
    assert "Team B attacked: full hold (10:00)" in md
    assert "`[MIXED]`" in md  # both halves: sides swapped
    uncounted = render_map(replace(worst_map(), scoring_counted=False, scoring_note="ambiguous"))
    assert "Not counted: ambiguous" in uncounted.as_markdown()


def test_session_post_has_score_maps_assists_and_no_awards_section_without_endstats() -> None:
    s = replace(worst_session(map_plays=3), awards=())
    md = render_session(s).as_markdown()
    assert "**Team A 7 : 5 Team B**" in md
    assert " KA " in md
    assert "Awards" not in md
    assert md.count("custom\\_map\\_with") == 3


def test_side_markers() -> None:
    assert side_marker({1}) == "[AXIS]"
    assert side_marker({2}) == "[ALLIES]"
    assert side_marker({1, 2}) == "[MIXED]"
    assert side_marker(set()) == "[UNK]"


def test_pack_keeps_small_posts_in_one_embed() -> None:
    post = RenderedPost("k", "round", "title", 1, ("a",), (Section("s", ("x", "y")),))
    (payload,) = pack(post)
    assert len(payload["embeds"]) == 1
    assert payload["embeds"][0]["fields"] == [{"name": "s", "value": "x\ny", "inline": False}]
    assert len(players()) == 20
