"""Metadata of ``proximity_engagements``: counts, round identity decisions, rejects, preview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dagster as dg

from slomix_pipeline.ingest.proximity import ProximityIngestReport

_PREVIEW_ROWS = 40


def _markdown_table(header: list[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


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
        for f in files[:_PREVIEW_ROWS]
    ]
    more = f"\n\n… {len(files) - _PREVIEW_ROWS} more" if len(files) > _PREVIEW_ROWS else ""
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
        "rejected_files": dg.MetadataValue.md(
            _markdown_table(["file", "status", "reason"], rejects) if rejects else "none"
        ),
        "files_preview": dg.MetadataValue.md(
            _markdown_table(
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
            )
            + more
            if preview
            else "none"
        ),
    }
