"""``players``, ``careers``, ``leaderboards`` and ``season_exports``: thin wrappers around
:mod:`slomix_pipeline.ingest.datasets`.

Partitioning: the tables are global (every player, every day), but the assets carry the gaming
days so that the landing sensor's run of a night (which selects everything downstream of the
landing assets for that day) updates careers in the same run as its sessions, and the
automation sensor follows a re-materialized session day. A materialization recomputes the
players its days touch, each from their whole history, so which days ran, and in which order,
never changes the result (see docs/datasets.md).
"""

# No ``from __future__ import annotations`` here: Dagster inspects the ``context`` annotation.
from collections.abc import Callable
from typing import Any

import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.datasets.metadata import (
    column_schema,
    load_merges,
    load_seasons,
    table_metadata,
)
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.partitions import partition_days
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.formats.player_merges import ALL_TIME
from slomix_pipeline.ingest.dataset_exports import EXPORT_SCHEMA, export_seasons
from slomix_pipeline.ingest.datasets import build_careers, build_identity, build_leaderboards
from slomix_pipeline.warehouse import schema_datasets as ds

GROUP = "datasets"


def _dataset_asset(description: str, tables: tuple, deps: list) -> Callable[..., Any]:
    return day_asset(
        deps=deps,
        live=True,
        group_name=GROUP,
        kinds=("python",),
        description=description,
        metadata={"dagster/column_schema": column_schema(list(tables))},
    )


@_dataset_asset(
    "Every player once, keyed by a canonical GUID: the 8-character stats GUID, with the "
    "32-character Lua/proximity/endstats GUIDs mapped to it by prefix (collisions reported, "
    "never merged) and the operator's merges (SLOMIX_PLAYER_MERGES) applied; every name "
    "used with first/last seen; bots flagged. Tables players, player_guid_map, player_names.",
    ds.IDENTITY_TABLES,
    ["session_aggregates", "endstats", "lua_round_teams", "proximity_engagements"],
)
def players(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    report = build_identity(
        warehouse.get_engine(), load_merges(load_settings()), partition_days(context)
    )
    if report.collisions:
        context.log.warning(f"GUID prefix collisions (not merged): {report.collisions}")
    meta = table_metadata([ds.players, ds.player_guid_map, ds.player_names], report.written)
    meta["prefix_collisions"] = len(report.collisions)
    meta["merge_cycles"] = len(report.identity.cycles)
    meta["merges_naming_unknown_guids"] = dg.MetadataValue.json(
        list(report.identity.unknown_merges)
    )
    meta["bots"] = report.bots
    return dg.MaterializeResult(metadata=meta)


@_dataset_asset(
    "Careers per canonical player (all-time and per operator season: totals, DPM, K/D, "
    "accuracy, win/loss of stopwatch maps), per map, per weapon; personal records with the "
    "round or session that set them; endstats award tallies per session and per career. "
    "Only the players the run's days touch are recomputed, each from all their session "
    "rows, so a blocked day contributes nothing and a rebuild gives identical rows.",
    ds.CAREER_TABLES,
    [players, "session_aggregates", "endstats"],
)
def careers(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    report = build_careers(
        warehouse.get_engine(), load_seasons(load_settings()), partition_days(context)
    )
    meta = table_metadata(list(ds.CAREER_TABLES), report.written)
    meta["players_recomputed"] = "all" if report.touched_players is None else report.touched_players
    meta["seasons"] = dg.MetadataValue.json(report.seasons)
    return dg.MaterializeResult(metadata=meta)


@_dataset_asset(
    "Leaderboards per season and all-time (kills, DPM, K/D, accuracy, revives, maps won): "
    "humans with at least SLOMIX_LEADERBOARD_MIN_ROUNDS counted rounds in the season; ties "
    "go to more rounds played, then the smaller canonical GUID.",
    ds.LEADERBOARD_TABLES,
    [careers],
)
def leaderboards(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = load_settings()
    written = build_leaderboards(warehouse.get_engine(), settings.leaderboard_min_rounds)
    meta = table_metadata(list(ds.LEADERBOARD_TABLES), written)
    meta["min_rounds"] = settings.leaderboard_min_rounds
    return dg.MaterializeResult(metadata=meta)


@day_asset(
    deps=[careers],
    live=True,
    group_name=GROUP,
    kinds=("python", "parquet", "csv"),
    description=(
        "Each season's player table (player_season_stats) as players_<season>.parquet and .csv "
        "in SLOMIX_EXPORT_DIR, with the stable schema documented in docs/datasets.md."
    ),
    metadata={
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(f.name, str(f.type)) for f in EXPORT_SCHEMA]
        )
    },
)
def season_exports(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = load_settings()
    seasons = [ALL_TIME, *(s.name for s in load_seasons(settings))]
    files = export_seasons(warehouse.get_engine(), seasons, settings.export_dir)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(f.rows for f in files),
            "directory": dg.MetadataValue.path(str(settings.export_dir)),
            "files": dg.MetadataValue.json({f.season: f.rows for f in files}),
        }
    )
