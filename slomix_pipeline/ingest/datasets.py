"""Community datasets: read the session tables, resolve identities, write careers and boards.

Sums are SQL aggregates over the session tables joined to ``player_guid_map``; a careers run
recomputes only the players its days touch (:mod:`slomix_pipeline.ingest.dataset_ledger`), each
from their whole history, so the incremental result equals a full rebuild by construction: a
night that failed its gates has no session rows and so contributes nothing; re-running,
reordering or backfilling days gives identical rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, delete

from slomix_pipeline.domain.careers.identity import IdentityResult, resolve_identities
from slomix_pipeline.domain.careers.stats import (
    LEADERBOARD_METRICS,
    beats,
    longest_win_streak,
    map_result,
    rank,
    with_rates,
)
from slomix_pipeline.formats.player_merges import ALL_TIME, PlayerMerge, Season
from slomix_pipeline.ingest import dataset_ledger as ledger
from slomix_pipeline.ingest import identity_ledger
from slomix_pipeline.warehouse import dataset_reads as reads
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse.writes import insert_rows


def _replace(
    conn: Connection, rows_by_table: Iterable[tuple[Any, Sequence[dict]]]
) -> dict[str, int]:
    pairs = list(rows_by_table)
    for table, _ in pairs:
        conn.execute(delete(table))
    for table, rows in pairs:
        insert_rows(conn, table, rows)
    return {table.name: len(rows) for table, rows in pairs}


# ------------------------------------------------------------------------------------ identity


def _changed(old: dict[str, Any], new: dict[str, Any], keys_are_players: bool = False) -> set[str]:
    """Canonical players whose identity changed: for the GUID map, the old and the new canonical
    of every GUID that moved (or appeared, or vanished); for players, every changed key."""
    out: set[str] = set()
    for key in set(old) | set(new):
        if old.get(key) == new.get(key):
            continue
        if keys_are_players:
            out.add(key)
        else:
            out.update(g for g in (old.get(key), new.get(key)) if g is not None)
    return out


def _mark_dirty(conn: Connection, canonicals: set[str]) -> None:
    """Queue players for the next careers run (``dataset_dirty_players``); kept until then."""
    if not canonicals:
        return
    t = ds.dataset_dirty_players
    conn.execute(delete(t).where(t.c.canonical_guid.in_(sorted(canonicals))))
    insert_rows(conn, t, [{"canonical_guid": g} for g in sorted(canonicals)])


@dataclass(slots=True)
class IdentityReport:
    identity: IdentityResult
    written: dict[str, int]
    collisions: list[str] = field(default_factory=list)
    bots: int = 0


def build_identity(
    engine: Engine, merges: Sequence[PlayerMerge], days: Sequence[date] | None = None
) -> IdentityReport:
    """Rewrite ``player_guid_map``, ``players`` and ``player_names``: the per-key totals are
    updated for ``days`` only (:mod:`slomix_pipeline.ingest.identity_ledger`; None: rebuilt
    from every day), then resolved globally."""
    with engine.begin() as conn:
        identity_ledger.update_ledger(conn, days)
        old_map = {
            r["guid"]: r["canonical_guid"]
            for r in reads.table_rows(conn, ds.player_guid_map, ["guid"])
        }
        old_players = {
            r["canonical_guid"]: (r["display_name"], r["is_bot"])
            for r in reads.table_rows(conn, ds.players, ["canonical_guid"])
        }
        totals = identity_ledger.all_totals(conn)
        names = [t for t in totals if t.kind == identity_ledger.STATS]
        fulls = {t.guid for t in totals if t.kind == identity_ledger.FULL}
        result = resolve_identities({r.guid for r in names}, fulls, merges)
        canonical = result.canonical_of()
        per_name: dict[tuple[str, str], list[Any]] = {}
        for r in names:
            key = (canonical[r.guid], r.player_name)
            old = per_name.get(key)
            is_bot = r.bot_rounds > 0
            per_name[key] = (
                [r.first_day, r.last_day, int(r.rounds), is_bot]
                if old is None
                else [
                    min(old[0], r.first_day),
                    max(old[1], r.last_day),
                    old[2] + int(r.rounds),
                    old[3] or is_bot,
                ]
            )
        name_rows = [
            {
                "canonical_guid": g,
                "player_name": n,
                "first_seen_day": v[0],
                "last_seen_day": v[1],
                "rounds": v[2],
            }
            for (g, n), v in sorted(per_name.items())
        ]
        by_player: dict[str, list[tuple[tuple[str, str], list[Any]]]] = defaultdict(list)
        for key, v in sorted(per_name.items()):
            by_player[key[0]].append((key, v))
        members: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"stats": [], "full": []})
        for m in result.mappings:
            if m.canonical_guid is not None:
                members[m.canonical_guid][m.kind].append(m.guid)
        player_rows = []
        for guid, entries in sorted(by_player.items()):
            # the name of the most rounds; ties to the most recent, then the smallest name
            display = min(entries, key=lambda e: (-e[1][2], -e[1][1].toordinal(), e[0][1]))[0][1]
            player_rows.append(
                {
                    "canonical_guid": guid,
                    "display_name": display,
                    "is_bot": any(v[3] for _, v in entries),
                    "first_seen_day": min(v[0] for _, v in entries),
                    "last_seen_day": max(v[1] for _, v in entries),
                    "stats_guids": json.dumps(sorted(members[guid]["stats"])),
                    "full_guids": json.dumps(sorted(members[guid]["full"])),
                    "name_count": len(entries),
                }
            )
        map_rows = [
            {
                "guid": m.guid,
                "kind": m.kind,
                "canonical_guid": m.canonical_guid,
                "resolution": m.resolution,
                "note": m.note,
            }
            for m in result.mappings
        ]
        new_map = {m.guid: m.canonical_guid for m in result.mappings}
        new_players = {r["canonical_guid"]: (r["display_name"], r["is_bot"]) for r in player_rows}
        _mark_dirty(conn, _changed(old_map, new_map) | _changed(old_players, new_players, True))
        written = _replace(
            conn,
            [
                (ds.player_guid_map, map_rows),
                (ds.players, player_rows),
                (ds.player_names, name_rows),
            ],
        )
    collisions = sorted(m.guid for m in result.mappings if m.resolution == "collision")
    return IdentityReport(result, written, collisions, sum(r["is_bot"] for r in player_rows))


# ------------------------------------------------------------------------------------- careers


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
    players they touch (:mod:`slomix_pipeline.ingest.dataset_ledger`); without, everyone."""
    with engine.begin() as conn:
        dirty = ledger.dirty_players(conn)
        only = ledger.touched_players(conn, days, seasons, dirty)
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
        written = ledger.replace_players(
            conn,
            [
                (ds.player_season_stats, season_rows),
                (ds.player_map_stats, map_rows),
                (ds.player_weapon_stats, weapon_rows),
                (ds.player_records, _records(conn, results, only)),
                (ds.session_award_tallies, per_session),
                (ds.player_award_tallies, career_awards),
            ],
            only,
        )
        ledger.record_run(conn, days, seasons, dirty)
        totals = reads.row_counts(conn, ds.CAREER_TABLES)
    touched = None if only is None else len(only)
    return CareerReport(totals, [ALL_TIME, *(s.name for s in seasons)], touched, written)


# -------------------------------------------------------------------------------- leaderboards


def build_leaderboards(engine: Engine, min_rounds: int) -> dict[str, int]:
    """Rewrite ``season_leaderboards`` from ``player_season_stats``."""
    with engine.begin() as conn:
        stats = reads.table_rows(conn, ds.player_season_stats, ["season", "canonical_guid"])
        by_season: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in stats:
            by_season[r["season"]].append(r)
        rows = [
            {
                "season": season,
                "metric": metric,
                "rank": position,
                "canonical_guid": r["canonical_guid"],
                "display_name": r["display_name"],
                "value": float(r[metric]),
                "rounds_played": r["rounds_played"],
            }
            for season, members in sorted(by_season.items())
            for metric in LEADERBOARD_METRICS
            for position, r in rank(members, metric, min_rounds)
        ]
        return _replace(conn, [(ds.season_leaderboards, rows)])
