"""Materialization metadata of the Lua assets: counts, quarantined files with reasons, previews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from slomix_pipeline.defs.tables import Listing, table
from slomix_pipeline.ingest.lua_build_report import LuaBuildReport
from slomix_pipeline.ingest.lua_ingest_report import LuaIngestReport

_PREVIEW_ROWS = 40
_LISTED_ROWS = 50


def _days(days: Sequence[Any]) -> dg.MetadataValue:
    return dg.MetadataValue.text(", ".join(d.isoformat() for d in days))


def quarantine_table(rows: Sequence[tuple[str, str, str]]) -> Listing:
    """Source, file and reason per quarantined file: a table value, so the reason is on screen."""
    return table(["source", "file", "reason"], rows, limit=_LISTED_ROWS)


def source_metadata(report: LuaIngestReport) -> dict[str, Any]:
    """Metadata of ``webhook_drops`` / ``gametime_files``: what each landed file became."""
    counts = report.status_counts()
    quarantined = [(o.source, o.file_name, o.reason or "") for o in report.rejected]
    ignored = [(o.file_name, o.kind) for o in report.outcomes if o.status == "ignored"]
    return {
        "days": _days(report.days),
        "source": report.source,
        "files_seen": len(report.outcomes),
        "events_loaded": counts.get("loaded", 0),
        "files_ignored": counts.get("ignored", 0),
        "files_quarantined": counts.get("rejected", 0),
        "files_parsed": report.files_parsed,
        "files_skipped_before_window": report.files_before_window,
        "bytes_read": report.bytes_read,
        "reject_reasons": dg.MetadataValue.json(report.reason_counts()),
        "quarantined_files": quarantine_table(quarantined),
        "ignored_messages": table(["file", "kind"], ignored, limit=_LISTED_ROWS),
        "dagster/row_count": report.events_loaded,
    }


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def round_teams_metadata(report: LuaBuildReport) -> dict[str, Any]:
    """Metadata of ``lua_round_teams``: merge figures, coverage per source, quarantine, preview."""
    by_sources = report.rounds_by_sources()
    teams = report.teams
    preview = [
        [
            _utc(t.round_end_unix),
            t.map_name,
            t.round_number,
            t.actual_duration_seconds,
            t.end_reason.value,
            "+".join(t.sources),
            t.event_count,
        ]
        for t in teams
    ]
    quarantined = [(q.source, q.file_name, q.reason) for q in report.quarantined]
    return {
        "days": _days(report.days),
        "events_read": report.events_read,
        "duplicates_merged": report.duplicates_merged,
        "rounds": report.teams_count,
        "rounds_webhook_only": by_sources.get("webhook", 0),
        "rounds_gametime_only": by_sources.get("gametime", 0),
        "rounds_both_sources": by_sources.get("webhook+gametime", 0),
        "rounds_by_sources": dg.MetadataValue.json(by_sources),
        "events_by_source": dg.MetadataValue.json(dict(report.events_by_source)),
        "spawn_rows": report.spawn_rows_count,
        "files_quarantined": len(quarantined),
        "quarantined_files": quarantine_table(quarantined),
        "dagster/row_count": report.teams_count,
        "rounds_preview": table(
            [
                "round end (UTC)",
                "map",
                "round",
                "duration s",
                "end reason",
                "sources",
                "events",
            ],
            preview,
            limit=_PREVIEW_ROWS,
            more="more rounds not listed",
        ),
    }
