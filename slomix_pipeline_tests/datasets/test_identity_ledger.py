"""The players ledger (issue 13): building day by day equals a full rebuild, exactly.

Upstream tables come from one real materialization of the sample nights; then
``build_identity`` runs per day in random orders, with days rebuilt smaller in between (a
player's first day loses them, a 32-character GUID vanishes from a day), and every identity
table plus the ledger must equal what a rebuild from every day gives, and the per-key totals
must equal the old one-scan aggregate (``dataset_reads.stats_names`` / ``full_guids``).
SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from slomix_pipeline.ingest.datasets import build_identity
from slomix_pipeline.ingest.identity_ledger import FULL, STATS, all_totals
from slomix_pipeline.warehouse import dataset_reads as reads
from slomix_pipeline.warehouse import schema, schema_datasets, schema_lua
from slomix_pipeline.warehouse.engine import open_warehouse
from slomix_pipeline.warehouse.schema_identity import player_identity_days, player_identity_keys
from slomix_pipeline_tests.datasets.test_dataset_assets import (  # noqa: F401 (fixtures)
    _run,
    sample,
    settings_env,
)
from slomix_pipeline_tests.defs.test_session_assets import ASSETS as SESSION_ASSETS
from slomix_pipeline_tests.tabledump import dump_tables

TABLES = [*schema_datasets.IDENTITY_TABLES, player_identity_days, player_identity_keys]


def _dump(url: str) -> dict[str, Any]:
    return dump_tables(open_warehouse(url), TABLES)


def _rebuilt(url: str) -> dict[str, Any]:
    build_identity(open_warehouse(url), [], None)
    return _dump(url)


def _reference(url: str) -> tuple[set[tuple], set[str]]:
    """The totals the old full scan returned, in the ledger's shape."""
    with open_warehouse(url).connect() as conn:
        names = {
            (r.player_guid, r.player_name, r.first_day, r.last_day, int(r.rounds), bool(r.is_bot))
            for r in reads.stats_names(conn)
        }
        return names, reads.full_guids(conn)


def _ledger_totals(url: str) -> tuple[set[tuple], set[str]]:
    with open_warehouse(url).connect() as conn:
        totals = all_totals(conn)
    names = {
        (t.guid, t.player_name, t.first_day, t.last_day, t.rounds, t.bot_rounds > 0)
        for t in totals
        if t.kind == STATS
    }
    return names, {t.guid for t in totals if t.kind == FULL}


def test_day_by_day_equals_a_rebuild_also_after_days_shrink(
    sample,  # noqa: F811
    settings_env,  # noqa: F811
    warehouse_url: str,
) -> None:
    zone, _, days = sample
    from slomix_pipeline.defs.endstats.assets import endstats

    assert _run(zone, warehouse_url, days=days, assets=[*SESSION_ASSETS, endstats]).success
    engine = open_warehouse(warehouse_url)
    rebuilt = _rebuilt(warehouse_url)
    assert rebuilt["players"] and rebuilt["player_identity_keys"]
    assert _ledger_totals(warehouse_url) == _reference(warehouse_url)

    rng = random.Random(13)
    for attempt in range(2):
        with engine.begin() as conn:  # start from nothing: the first run builds the ledger
            for table in TABLES:
                conn.execute(delete(table))
            conn.execute(delete(schema_datasets.dataset_state))
        order = list(days)
        rng.shuffle(order)
        for day in order:
            build_identity(engine, [], [day])
        for day in order:  # live re-runs of a day change nothing
            build_identity(engine, [], [day])
        assert _dump(warehouse_url) == rebuilt, f"order {order} (attempt {attempt})"

    # A rebuilt day loses a player's first appearance and a 32-character GUID.
    pcs = schema.player_comprehensive_stats
    with engine.connect() as conn:
        guid, first = conn.execute(
            select(pcs.c.player_guid, pcs.c.gaming_day)
            .where(pcs.c.is_bot.is_(False))
            .order_by(pcs.c.gaming_day, pcs.c.player_guid)
        ).first()
        lua = schema_lua.lua_spawn_stats
        full_day: date = conn.execute(select(lua.c.gaming_day).limit(1)).scalar_one()
    with engine.begin() as conn:
        conn.execute(delete(pcs).where(pcs.c.player_guid == guid, pcs.c.gaming_day == first))
        conn.execute(delete(lua).where(lua.c.gaming_day == full_day))
    for day in sorted({first, full_day}):
        build_identity(engine, [], [day])
    shrunk = _dump(warehouse_url)
    assert shrunk != rebuilt, "the deletion changed the identity tables"
    assert _ledger_totals(warehouse_url) == _reference(warehouse_url)
    assert shrunk == _rebuilt(warehouse_url)
