"""The generated builders of a round's player statistics (PlayerRoundStats) from a player row.

Why generated: a round has a dozen 57-field records and the builder is the hot path of the
round build. One generated function per way of building (computed values, or values as
written) reads the row's numbers and stores the fields in a single call, where a hand-written
assembly would compute 57 arguments and pass them to the record constructor (~2,000 machine
instructions more per player). See :func:`fast_constructor` (``params``/``prelude``).
"""

from __future__ import annotations

from slomix_pipeline.domain.stats_records import PlayerRoundStats
from slomix_pipeline.formats.frozen_records import fast_constructor

# Monotone cumulative counters of the TAB block (TAB 0-7 and 20), in storage order.
CUMULATIVE_FIELDS: tuple[str, ...] = (
    "damage_given",
    "damage_received",
    "team_damage_given",
    "team_damage_received",
    "gibs",
    "self_kills",
    "team_kills",
    "team_gibs",
    "bullets_fired",
)
# PlayerRoundStats fields taken as written from TAB 9-19 and TAB 27-37 (per-round in R2 too).
_PER_ROUND_TAB_9_TO_19 = (
    "xp",
    "killing_spree_best",
    "death_spree_worst",
    "kill_assists",
    "kill_steals",
    "headshot_kills",
    "objectives_stolen",
    "objectives_returned",
    "dynamites_planted",
    "dynamites_defused",
    "times_revived",
)
_PER_ROUND_TAB_27_TO_37 = (
    "most_useful_kills",
    "denied_playtime",
    "double_kills",
    "triple_kills",
    "quad_kills",
    "multi_kills",
    "mega_kills",
    "useless_kills",
    "full_selfkills",
    "constructions",
    "revives_given",
)
CUMULATIVE_TABS = (0, 1, 2, 3, 4, 5, 6, 7, 20)  # CUMULATIVE_FIELDS' TAB indices
_IDENTITY_AND_TOTALS = (
    "kills, deaths, headshots, shots, hits = totals",
    "guid8, raw_name, clean_name, player_key, is_bot = row[1]",
    "ext = row[5]",
)


def _formulas(cumulative: tuple[str, ...]) -> dict[str, str]:
    """Every field but those the builder's parameters give; ``cumulative`` holds the source
    expression of each of CUMULATIVE_FIELDS (damage_given is the local of that name)."""
    return {
        "player_guid": "player_key",
        "player_name": "clean_name",
        "team": "row[3]",
        "shots_total": "shots",
        "hits_total": "hits",
        "accuracy": "hits * 100 / shots if shots else 0.0",
        "kd_ratio": "kills / deaths if deaths else float(kills)",
        "efficiency": "kills * 100 / (kills + deaths) if kills + deaths else 0.0",
        "dpm": "damage_given * 60 / time_played_seconds if time_played_seconds > 0 else 0.0",
        **{name: cumulative[i] for i, name in enumerate(CUMULATIVE_FIELDS) if i},
        **{name: f"ext[{9 + i}]" for i, name in enumerate(_PER_ROUND_TAB_9_TO_19)},
        "time_dead_minutes": "row[7] / 10",  # exact tenths
        "time_played_minutes": "time_played_seconds / 60",
        **{name: f"ext[{27 + i}]" for i, name in enumerate(_PER_ROUND_TAB_27_TO_37)},
    }


new_round_player = fast_constructor(
    PlayerRoundStats,
    params=(
        "row",
        "weapons",
        "totals",  # (kills, deaths, headshots, shots, hits) summed over ``weapons``
        "cumulative",  # CUMULATIVE_FIELDS, in that order
        "time_played_seconds",
        "time_source",
        "time_dead_ratio",
        "time_played_percent",
        "tank_meatshield",
        "counter_reset_fields",
        "joined_in_r2",
    ),
    prelude=(*_IDENTITY_AND_TOTALS, "damage_given = cumulative[0]"),
    derived={
        **_formulas(tuple(f"cumulative[{i}]" for i in range(len(CUMULATIVE_FIELDS)))),
        "counter_reset": "bool(counter_reset_fields)",
    },
)
"""One PlayerRoundStats from a line's row and the round's computed values.

Per-round TAB fields always come from ``row`` as written; cumulative ones from
``cumulative``; kills, deaths, headshots, shots and hits are ``totals``. Positional on purpose
(keyword arguments cost a search each); the tests check every field's value.
"""

new_round_player_as_written = fast_constructor(
    PlayerRoundStats,
    params=("row", "totals", "time_played_seconds", "time_source", "joined_in_r2"),
    prelude=(*_IDENTITY_AND_TOTALS, "damage_given = ext[0]"),
    derived={
        **_formulas(tuple(f"ext[{tab}]" for tab in CUMULATIVE_TABS)),
        "time_played_percent": "ext[8]",
        "tank_meatshield": "ext[23]",
        "time_dead_ratio": "ext[24]",
        "counter_reset": "False",
        "counter_reset_fields": "()",
        "weapons": "row[4]",  # the parsed weapon values ARE the stored rows: no copies
    },
)
"""One PlayerRoundStats with the line's values as written (an R1, an orphan R2, a player who
joined in R2); ``totals`` = (kills, deaths, headshots, shots, hits) of the line's weapons."""
