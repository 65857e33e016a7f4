"""Careers of the community datasets: per canonical player, from their whole history.

Sums are SQL aggregates over the session tables joined to ``player_guid_map``; a careers run
recomputes only the players its days touch (:mod:`slomix_pipeline.ingest.dataset_ledger`), each
from their whole history, so the incremental result equals a full rebuild by construction: a
night that failed its gates has no session rows and so contributes nothing; re-running,
reordering or backfilling days gives identical rows. A run computes and writes the players in
groups (:data:`PLAYERS_PER_CHUNK`) inside its one transaction, so memory is bounded by a group's
history, not the community's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine

from slomix_pipeline.domain.careers.stats import beats, longest_win_streak, map_result, with_rates
from slomix_pipeline.formats.player_merges import ALL_TIME, Season
from slomix_pipeline.ingest import dataset_ledger as ledger
from slomix_pipeline.warehouse import dataset_reads as reads
from slomix_pipeline.warehouse import schema_datasets as ds

__all__ = ["PLAYERS_PER_CHUNK", "CareerReport", "build_careers"]


def _int(value: Any) -> int:
    return int(value or 0)


def _results(conn: Connection, only: Collection[str] | None) -> dict[str, list[Any]]:
    """Map results per canonical player in play order (one per map play)."""
    out: dict[str, list[Any]] = defaultdict(list)
    for r in reads.map_results(conn, only):
        if out[r.canonical_guid] and out[r.canonical_guid][-1].map_play_id == r.map_play_id:
            continue
        out[r.canonical_guid].append(r)
    return out


def _wld(results: Iterable[Any], season: tuple[date, date] | None = None) -> dict[str, int]:
    counts = {"won": 0, "lost": 0, "draw": 0}
    for r in results:
        if season is not None and not season[0] <= r.gaming_day <= season[1]:
            continue
        outcome = map_result(r.team, r.map_winner)
        if outcome is not None:
            counts[outcome] += 1
    return {"maps_won": counts["won"], "maps_lost": counts["lost"], "maps_drawn": counts["draw"]}


def _season_rows(
    conn: Connection,
    name: str,
    span: tuple[date, date] | None,
    results: dict[str, list[Any]],
    players: dict[str, dict[str, Any]],
    only: Collection[str] | None,
) -> list[dict[str, Any]]:
    rows = []
    for r in reads.season_sums(conn, span, only):
        player = players.get(r.canonical_guid, {"display_name": r.canonical_guid, "is_bot": False})
        rows.append(
            {
                "season": name,
                "canonical_guid": r.canonical_guid,
                "display_name": player["display_name"],
                "is_bot": player["is_bot"],
                "sessions": _int(r.sessions),
                "rounds_played": _int(r.rounds_played),
                **with_rates(r._mapping),
                **_wld(results.get(r.canonical_guid, ()), span),
                "first_day": r.first_day,
                "last_day": r.last_day,
            }
        )
    return rows


def _records(
    conn: Connection, results: dict[str, list[Any]], only: Collection[str] | None
) -> list[dict[str, Any]]:
    """Each player's personal bests; the first to reach a value keeps the record."""
    best: dict[tuple[str, str], tuple[float, tuple, dict[str, Any]]] = {}

    def offer(key: tuple[str, str], value: float, order: tuple, where: dict[str, Any]) -> None:
        current = best.get(key)
        if current is None or beats(value, order, current[0], current[1]):
            best[key] = (value, order, where)

    for r in reads.round_rows(conn, only):
        where = {"gaming_day": r.gaming_day, "session_id": r.session_id, "round_id": r.round_id}
        order = (r.start_unix, r.round_order, r.round_id)
        offer((r.canonical_guid, "most_kills_round"), float(r.kills), order, where)
        offer((r.canonical_guid, "most_damage_round"), float(r.damage_given), order, where)
    for r in reads.session_rows(conn, only):
        where = {"gaming_day": r.gaming_day, "session_id": r.session_id, "round_id": None}
        order = (r.start_unix, 0, r.session_id)
        offer((r.canonical_guid, "most_kills_session"), float(r.kills), order, where)
        offer((r.canonical_guid, "most_damage_session"), float(r.damage_given), order, where)
    for guid, plays in results.items():
        streak = longest_win_streak([map_result(p.team, p.map_winner) or "" for p in plays])
        if streak.last_index is None:
            continue
        last = plays[streak.last_index]
        where = {"gaming_day": last.gaming_day, "session_id": last.session_id, "round_id": None}
        best[(guid, "longest_win_streak")] = (float(streak.length), (), where)
    return [
        {"canonical_guid": g, "record": rec, "value": value, **where}
        for (g, rec), (value, _order, where) in sorted(best.items())
    ]


def _awards(
    conn: Connection, only: Collection[str] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    per_session = [
        {
            "session_id": r.session_id,
            "canonical_guid": r.canonical_guid,
            "award_name": r.award_name,
            "gaming_day": r.gaming_day,
            "awards": _int(r.awards),
        }
        for r in reads.award_counts(conn, only)
    ]
    career: dict[tuple[str, str], list[int]] = {}
    for r in per_session:
        tally = career.setdefault((r["canonical_guid"], r["award_name"]), [0, 0])
        tally[0] += r["awards"]
        tally[1] += 1
    career_rows = [
        {"canonical_guid": g, "award_name": a, "awards": v[0], "sessions": v[1]}
        for (g, a), v in sorted(career.items())
    ]
    return per_session, career_rows


PLAYERS_PER_CHUNK = 32
"""Careers are computed and written for this many players at a time (inside the one
transaction): a whole-history run holds their round, session and map-play rows, not everyone's
(issue 13). Every figure is per player, so where the groups split changes nothing."""


def _player_groups(conn: Connection, only: Collection[str] | None) -> list[list[str]]:
    """The players to recompute in groups of :data:`PLAYERS_PER_CHUNK` (``None``: everyone
    the GUID map resolves to, the only keys the session sums can produce)."""
    keys = sorted(only) if only is not None else reads.mapped_canonicals(conn)
    return [keys[i : i + PLAYERS_PER_CHUNK] for i in range(0, len(keys), PLAYERS_PER_CHUNK)]


def _career_rows(
    conn: Connection, seasons: Sequence[Season], only: Collection[str]
) -> list[tuple[Any, list[dict[str, Any]]]]:
    """Every career table's rows of the players ``only``, from their whole history."""
    players = {r["canonical_guid"]: r for r in reads.players_among(conn, only)}
    results = _results(conn, only)
    season_rows = _season_rows(conn, ALL_TIME, None, results, players, only)
    for season in seasons:
        season_rows += _season_rows(
            conn, season.name, (season.start, season.end), results, players, only
        )
    map_plays: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for plays in results.values():
        for p in plays:
            map_plays[(p.canonical_guid, p.map_name)].append(p)
    map_rows = [
        {
            "canonical_guid": r.canonical_guid,
            "map_name": r.map_name,
            "rounds_played": _int(r.rounds_played),
            **with_rates(r._mapping),
            **_wld(map_plays.get((r.canonical_guid, r.map_name), ())),
        }
        for r in reads.map_sums(conn, only)
    ]
    weapon_rows = []
    for r in reads.weapon_sums(conn, only):
        shots, hits = _int(r.shots), _int(r.hits)
        weapon_rows.append(
            {
                "canonical_guid": r.canonical_guid,
                "weapon_name": r.weapon_name,
                "rounds_played": _int(r.rounds_played),
                "kills": _int(r.kills),
                "deaths": _int(r.deaths),
                "shots": shots,
                "hits": hits,
                "headshots": _int(r.headshots),
                "accuracy": hits * 100 / shots if shots else 0.0,
            }
        )
    per_session, career_awards = _awards(conn, only)
    return [
        (ds.player_season_stats, season_rows),
        (ds.player_map_stats, map_rows),
        (ds.player_weapon_stats, weapon_rows),
        (ds.player_records, _records(conn, results, only)),
        (ds.session_award_tallies, per_session),
        (ds.player_award_tallies, career_awards),
    ]


@dataclass(slots=True)
class CareerReport:
    written: dict[str, int]  # rows per table after the run
    seasons: list[str]
    touched_players: int | None = None  # None: every player was recomputed
    rewritten: dict[str, int] = field(default_factory=dict)  # rows replaced per table


def build_careers(
    engine: Engine, seasons: Sequence[Season], days: Sequence[date] | None = None
) -> CareerReport:
    """Rewrite the career tables (all-time and every season, per map, per weapon, records,
    award tallies) from the session tables through ``player_guid_map``: for ``days``, only the
    players they touch (:mod:`slomix_pipeline.ingest.dataset_ledger`); without, everyone.
    One transaction, computed and written :data:`PLAYERS_PER_CHUNK` players at a time."""
    written = {t.name: 0 for t in ds.CAREER_TABLES}
    with engine.begin() as conn:
        dirty = ledger.dirty_players(conn)
        only = ledger.touched_players(conn, days, seasons, dirty)
        if only is None:  # everyone: no row survives, a player gone from the map included
            ledger.clear_players(conn, ds.CAREER_TABLES)
        for group in _player_groups(conn, only):
            rows = _career_rows(conn, seasons, group)
            for name, count in ledger.replace_players(conn, rows, group).items():
                written[name] += count
        ledger.record_run(conn, days, seasons, dirty)
        totals = reads.row_counts(conn, ds.CAREER_TABLES)
    touched = None if only is None else len(only)
    return CareerReport(totals, [ALL_TIME, *(s.name for s in seasons)], touched, written)
