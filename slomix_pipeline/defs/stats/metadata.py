"""Materialization metadata for ``raw_stats_files``: counts, rejects with reasons, a preview."""

from __future__ import annotations

from typing import Any

import dagster as dg

from slomix_pipeline.ingest.stats_files import StatsIngestReport

_PREVIEW_ROWS = 40


def _markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines)


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
        for r in rounds[:_PREVIEW_ROWS]
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
        "unpaired_r2": dg.MetadataValue.md(
            _markdown_table(["R2 file", "reason"], unpaired) if unpaired else "none"
        ),
        "players": report.players_loaded,
        "bytes_read": report.bytes_read,
        "dagster/row_count": report.rounds_loaded,
        "rejected_files": dg.MetadataValue.md(
            _markdown_table(["file", "status", "reason"], rejects) if rejects else "none"
        ),
        "rounds_preview": dg.MetadataValue.md(
            _markdown_table(
                ["file time", "map", "round", "players", "status", "stopwatch", "sides"], preview
            )
            + (
                f"\n\n… {report.rounds_loaded - _PREVIEW_ROWS} more"
                if report.rounds_loaded > _PREVIEW_ROWS
                else ""
            )
        ),
    }
