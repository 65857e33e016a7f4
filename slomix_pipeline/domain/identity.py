"""Deterministic identities: the same natural key always yields the same id, in any run order."""

from __future__ import annotations

import hashlib
from datetime import datetime


def stable_id(natural_key: str) -> int:
    """A positive 63-bit integer derived from ``natural_key`` (fits PostgreSQL BIGINT).

    Ids never depend on insertion order (no SERIAL, no max+1), so a backfill of any date range,
    in any order, rebuilds the same ids and foreign references stay valid across rebuilds.
    """
    digest = hashlib.sha256(natural_key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def round_key(local_time: datetime, map_key: str, round_number: int) -> str:
    """Natural key of a round: file timestamp (server clock), normalised map and round number."""
    return f"{local_time:%Y-%m-%d-%H%M%S}-{map_key}-R{round_number}"
