"""The two Lua sources: where each lands, which parser reads it, and each file's outcome.

One dispatch for both sources, so a new source is one folder and one parser added here; every
landed file gets exactly one ``processed_files`` outcome (loaded, ignored, rejected).
"""

from __future__ import annotations

import re
from datetime import date

from slomix_pipeline.domain.lua_records import (
    SOURCE_GAMETIME,
    SOURCE_WEBHOOK,
    LuaRoundEnd,
)
from slomix_pipeline.domain.lua_rejections import IgnoredMessage, LuaRejection
from slomix_pipeline.formats.gametime import (
    GAMETIME_NAME_RE,
    parse_gametime_file,
)
from slomix_pipeline.formats.webhook import parse_webhook_body
from slomix_pipeline.ingest.outcomes import (
    FileOutcome,
)
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    WEBHOOK_FOLDER,
    LandedFile,
    sha256_hex,
)

SOURCE_FOLDERS: dict[str, str] = {SOURCE_WEBHOOK: WEBHOOK_FOLDER, SOURCE_GAMETIME: GAMETIMES_FOLDER}
"""Landing folder of each Lua source."""

_DROP_NAME_RE = re.compile(r"^(?P<kind>[a-z0-9_]+)_[0-9a-f]{64}\.json$")


def _kind_from_name(source: str, name: str) -> str:
    if source == SOURCE_GAMETIME:
        return "gametime" if GAMETIME_NAME_RE.match(name) else "unknown"
    match = _DROP_NAME_RE.match(name)
    return match.group("kind") if match else "unknown"


def parse_landed(
    source: str, name: str, data: bytes
) -> LuaRoundEnd | IgnoredMessage | LuaRejection:
    """Dispatch one landed file to its source's parser."""
    if source == SOURCE_WEBHOOK:
        return parse_webhook_body(data)
    if source == SOURCE_GAMETIME:
        return parse_gametime_file(name, data)
    raise ValueError(f"unknown Lua source {source!r} (expected one of {sorted(SOURCE_FOLDERS)})")


def lua_file_outcome(
    source: str,
    landed: LandedFile,
    data: bytes,
    parsed: LuaRoundEnd | IgnoredMessage | LuaRejection,
    day: date,
) -> FileOutcome:
    base = {
        "source": source,
        "file_name": landed.name,
        "gaming_day": day,
        "size_bytes": len(data),
        "sha256": sha256_hex(data),
    }
    if isinstance(parsed, LuaRoundEnd):
        kind = "gametime" if source == SOURCE_GAMETIME else "stats_ready"
        return FileOutcome(kind=kind, status="loaded", warnings=parsed.warnings, **base)
    kind = _kind_from_name(source, landed.name)
    if isinstance(parsed, IgnoredMessage):
        return FileOutcome(
            kind=parsed.kind,
            status="ignored",
            reason=f"not_stats_ready:{parsed.kind}: {parsed.detail}",
            **base,
        )
    return FileOutcome(
        kind=kind, status="rejected", reason=f"{parsed.reason.value}: {parsed.detail}", **base
    )
