"""Metadata of ``proximity_engagements``: counts, round identity decisions, rejects, preview."""

from __future__ import annotations

from typing import Any

import dagster as dg

from slomix_pipeline.defs.tables import table
from slomix_pipeline.ingest.proximity import ProximityIngestReport

_PREVIEW_ROWS = 40
_LISTED_ROWS = 50


def _dash(value: Any) -> Any:
    return "-" if value is None else value


def proximity_metadata(report: ProximityIngestReport) -> dict[str, Any]:
    """Files, rows per table, broken lines and every round-identity decision of the run."""
    counts = report.status_counts()
    files = sorted(report.files, key=lambda f: (f.round_end_unix or 0, f.source_file))
    preview = [
        [
            f.source_file,
            f.map_name,
            _dash(f.header_round_number),
            _dash(f.resolved_round_number),
            f.identity_reason,
            _dash(f.identity_delta_s),
            f.identity_sources or "-",
            "yes" if f.round_id is not None else "no",
            _dash(f.combat_engagements),
            f.player_tracks,
            _dash(f.trade_events),
            f.broken_lines,
        ]
        for f in files
    ]
    rejects = [[o.file_name, o.status, o.reason or ""] for o in report.rejected]
    return {
        "days": dg.MetadataValue.text(", ".join(d.isoformat() for d in report.days)),
        "files": len(report.outcomes),
        "files_loaded": counts.get("loaded", 0),
        "files_rejected": counts.get("rejected", 0),
        "files_ignored": counts.get("ignored", 0),
        "reject_reasons": dg.MetadataValue.json(report.reason_counts()),
        "engagements": report.engagements,
        "tracks": report.tracks,
        "trades": report.trades,
        "broken_lines": report.broken_lines,
        "rounds_corrected": report.rounds_corrected,
        "rounds_unresolved": report.rounds_unresolved,
        "rounds_linked": report.rounds_linked,
        "identity_reasons": dg.MetadataValue.json(report.identity_reasons()),
        "round_candidates": report.candidates,
        "bytes_read": report.bytes_read,
        "rows_written": dg.MetadataValue.json(report.rows_written),
        "dagster/row_count": report.engagements,
        "rejected_files": table(["file", "status", "reason"], rejects, limit=_LISTED_ROWS),
        "files_preview": table(
            [
                "file",
                "map",
                "header round",
                "round",
                "identity",
                "delta s",
                "matched",
                "linked",
                "engagements",
                "tracks",
                "trades",
                "broken",
            ],
            preview,
            limit=_PREVIEW_ROWS,
            more="more files not listed",
        ),
    }
