"""Materialization metadata for ``raw_stats_files``: counts, rejects with reasons, a preview."""

from __future__ import annotations

from typing import Any

import dagster as dg

from slomix_pipeline.defs.tables import table
from slomix_pipeline.ingest.stats_files import StatsIngestReport

_PREVIEW_ROWS = 40
_LISTED_ROWS = 50


def stats_metadata(report: StatsIngestReport) -> dict[str, Any]:
    counts = report.status_counts()
    rounds = sorted(report.rounds, key=lambda r: r.stats.file.local_time)
    preview = [
        [
            f"{r.stats.file.local_time:%Y-%m-%d %H:%M:%S}",
            r.stats.map_name,
            r.stats.round_number,
            len(r.stats.players),
            "orphan R2" if r.stats.is_orphan_r2 else "ok",
            r.stats.contract.round_stopwatch_state or "-",
            r.stats.contract.score_confidence,
        ]
        for r in rounds
    ]
    rejects = [[o.file_name, o.status, o.reason or ""] for o in report.rejected]
    unpaired = [
        [r.stats.file.name, r.pairing_reason]
        for r in rounds
        if r.stats.round_number == 2 and r.pairing_reason not in (None, "paired")
    ]
    return {
        "days": dg.MetadataValue.text(", ".join(d.isoformat() for d in report.days)),
        "files_seen": len(report.outcomes),
        "files_loaded": counts.get("loaded", 0),
        "files_rejected": counts.get("rejected", 0) + counts.get("changed", 0),
        "files_ignored_sidecars": counts.get("ignored", 0),
        "reject_reasons": dg.MetadataValue.json(report.reason_counts()),
        "rounds": report.rounds_loaded,
        "orphan_r2_rounds": report.orphan_r2_rounds,
        "unpaired_r2": table(["R2 file", "reason"], unpaired, limit=_LISTED_ROWS),
        "players": report.players_loaded,
        "bytes_read": report.bytes_read,
        "dagster/row_count": report.rounds_loaded,
        "rejected_files": table(["file", "status", "reason"], rejects, limit=_LISTED_ROWS),
        "rounds_preview": table(
            ["file time", "map", "round", "players", "status", "stopwatch", "sides"],
            preview,
            limit=_PREVIEW_ROWS,
            more="more rounds not listed",
        ),
    }
