"""Versioned JSON documents that sensors keep in their cursors (and the alerting ledger).

Every such document is written the same way, compact and with sorted keys so that equal state
is an equal string (Dagster compares cursors as text), and carries a version ``"v"``. Reading
one back, no text means "never ticked"; an unreadable or unknown-version document is an error,
never silently reset: a reset would either request the whole history again or skip files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def dump_versioned(version: int, body: Mapping[str, Any]) -> str:
    """``body`` with ``"v": version`` as compact, deterministic JSON."""
    return json.dumps({"v": version, **body}, separators=(",", ":"), sort_keys=True)


def load_versioned(text: str | None, version: int, what: str) -> dict[str, Any] | None:
    """The stored document, or None when there is none; ``what`` names it in the error."""
    if not text:
        return None
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("v") != version:
        raise ValueError(f"{what} of unknown version (expected v={version}): {text[:80]!r}")
    return document
