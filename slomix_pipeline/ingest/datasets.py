"""Community datasets: read the session tables, resolve identities, write careers and boards.

Identity and leaderboards live here; careers (per player, from their whole history, only the
players a run's days touch) in :mod:`slomix_pipeline.ingest.careers`, re-exported.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, delete

from slomix_pipeline.domain.careers.identity import IdentityResult, resolve_identities
from slomix_pipeline.domain.careers.stats import LEADERBOARD_METRICS, rank
from slomix_pipeline.formats.player_merges import PlayerMerge
from slomix_pipeline.ingest import identity_ledger
from slomix_pipeline.ingest.careers import PLAYERS_PER_CHUNK, CareerReport, build_careers
from slomix_pipeline.warehouse import dataset_reads as reads
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse.writes import insert_rows

__all__ = [
    "PLAYERS_PER_CHUNK",
    "CareerReport",
    "IdentityReport",
    "build_careers",
    "build_identity",
    "build_leaderboards",
]


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
