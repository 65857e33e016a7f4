"""Blocking gates of the datasets: ``players_resolve`` and ``careers_match_sessions``."""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Callable

import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.datasets.metadata import load_merges
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.defs.tables import table
from slomix_pipeline.domain.careers.gates import DatasetFailure, identity_failures, sum_failures
from slomix_pipeline.domain.careers.identity import resolve_identities
from slomix_pipeline.formats.player_merges import ALL_TIME
from slomix_pipeline.warehouse import dataset_reads as reads
from slomix_pipeline.warehouse import schema_datasets as ds
from slomix_pipeline.warehouse.schema_sessions import COUNTER_COLUMNS

_SHOWN = 50


def _result(failures: list[DatasetFailure], passed_text: str) -> dg.AssetCheckResult:
    rows = [[f.subject, f.reason, f.detail] for f in failures[:_SHOWN]]
    return dg.AssetCheckResult(
        passed=not failures,
        metadata={
            "summary": dg.MetadataValue.text(
                passed_text if not failures else f"{len(failures)} failure(s)"
            ),
            "failure_count": len(failures),
            "failures": table(
                ["subject", "reason", "detail"],
                rows,
                total=len(failures),
                more="more failure(s) not listed",
            ),
        },
    )


def _blocking_check(asset: str, description: str) -> Callable[..., dg.AssetChecksDefinition]:
    """A blocking per-day check of a dataset asset (the days only select the run)."""
    return dg.asset_check(
        asset=asset,
        partitions_def=gaming_days,
        blocking=True,
        pool="warehouse",
        description=description,
    )


@_blocking_check(
    "players",
    (
        "Every GUID of a session row resolves to exactly one canonical player, and the "
        "operator's merges form no cycle. Blocking."
    ),
)
def players_resolve(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    merges = load_merges(load_settings())
    with warehouse.get_engine().connect() as conn:
        stored = reads.table_rows(conn, ds.player_guid_map, ["guid"])
        keys = {r["canonical_guid"] for r in reads.table_rows(conn, ds.players, ["canonical_guid"])}
        guids = [r.player_guid for r in reads.session_guid_sums(conn)]
    canonical = {r["guid"]: r["canonical_guid"] for r in stored}
    cycles = resolve_identities(canonical, (), merges).cycles
    return _result(identity_failures(guids, canonical, keys, cycles), "every player resolves")


@_blocking_check(
    "careers",
    (
        "Career (all-time) totals equal the sums of the session rows they come from, player by "
        "player and counter by counter (like WS7 for sessions). Blocking."
    ),
)
def careers_match_sessions(
    context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
) -> dg.AssetCheckResult:
    names = ("rounds_played", *COUNTER_COLUMNS)
    with warehouse.get_engine().connect() as conn:
        canonical = {
            r["guid"]: r["canonical_guid"]
            for r in reads.table_rows(conn, ds.player_guid_map, ["guid"])
        }
        expected: dict[str, dict[str, int]] = {}
        for r in reads.session_guid_sums(conn):
            total = expected.setdefault(canonical.get(r.player_guid) or r.player_guid, {})
            for n in names:
                total[n] = total.get(n, 0) + int(getattr(r, n) or 0)
        stored = {
            r["canonical_guid"]: r
            for r in reads.table_rows(conn, ds.player_season_stats, ["season", "canonical_guid"])
            if r["season"] == ALL_TIME
        }
    return _result(sum_failures(expected, stored), "careers equal their session rows")
