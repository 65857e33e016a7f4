"""``endstats``: the endstats side-cars of a gaming-day range as ``round_awards``,
``round_vs_stats`` and the ledger ``endstats_files``.

All the work happens in :mod:`slomix_pipeline.ingest.endstats`; this function wires resources and
reports (each day's rows per table on its partition, the range's report in the run log:
``defs/day_metadata.py``). It depends on ``raw_stats_files`` because every file is linked to a
``rounds`` row and its names are resolved against that round's ``player_comprehensive_stats``
rows.
"""

# No ``from __future__ import annotations`` here: Dagster inspects the annotations as written.
import dagster as dg

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.day_asset import day_asset
from slomix_pipeline.defs.day_metadata import finish
from slomix_pipeline.defs.partitions import partition_days
from slomix_pipeline.defs.resources import LandingZoneResource, WarehouseResource
from slomix_pipeline.defs.step_order import AFTER_THE_SESSION_PATH
from slomix_pipeline.ingest.endstats import EndstatsIngestReport, ingest_endstats_days
from slomix_pipeline.warehouse import schema_endstats


def endstats_metadata(report: EndstatsIngestReport) -> dict:
    """Counts per outcome, link reasons, GUID resolution and rows written."""
    return {
        "days": dg.MetadataValue.text(", ".join(d.isoformat() for d in report.days)),
        "files": report.files,
        "files_linked": report.linked,
        "files_unlinked": report.unlinked,
        "files_superseded": report.superseded,
        "files_rejected": report.rejected,
        "split_pairs_merged": report.merged_pairs,
        "rejected_lines": report.rejected_lines,
        "reasons": dg.MetadataValue.json(dict(sorted(report.reasons.items()))),
        "guid_statuses": dg.MetadataValue.json(dict(sorted(report.guid_statuses.items()))),
        "rows_written": dg.MetadataValue.json(report.rows_written),
        "dagster/row_count": report.rows_written.get("round_awards", 0),
    }


@day_asset(
    deps=["raw_stats_files"],
    live=True,
    group_name="stats",
    op_tags=AFTER_THE_SESSION_PATH,
    description=(
        "Endstats side-cars (…-round-N-endstats.txt in local_stats/) parsed into round_awards "
        "(decoded labels, raw label kept, R2 scope) and round_vs_stats (head-to-head), each "
        "linked to its stats round by file time (or unlinked with a reason), names resolved "
        "within that round's roster; endstats_files is the per-file ledger."
    ),
)
def endstats(
    context: dg.AssetExecutionContext,
    warehouse: WarehouseResource,
    landing: LandingZoneResource,
) -> dg.MaterializeResult:
    engine, days = warehouse.get_engine(), partition_days(context)
    report = ingest_endstats_days(engine, landing.path(), days, load_settings())
    if report.unlinked:
        context.log.warning(f"{report.unlinked} endstats file(s) not linked to a stats round")
    # per day: that day's rows (a range's report copied onto each day listed every day of it)
    tables = schema_endstats.ENDSTATS_TABLES
    return finish(context, engine, days, tables, report=endstats_metadata(report))
