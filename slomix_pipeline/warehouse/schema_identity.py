"""The players asset's own bookkeeping: who each gaming day saw, and the totals per key.

Why: ``players`` used to rebuild names and the GUID map from one scan of every stats row ever
loaded, so tonight's run cost grew with the history. ``player_identity_days`` holds each day's
contribution (written and read by day), ``player_identity_keys`` the totals per key over every
day, updated from the difference between a day's old and new contribution
(``ingest/identity_ledger.py``). The totals equal a full rebuild exactly (tested).
"""

from __future__ import annotations

from sqlalchemy import Index, PrimaryKeyConstraint, Table

from slomix_pipeline.warehouse.columns import (
    date,
    gaming_day,
    integer,
    text,
)
from slomix_pipeline.warehouse.schema import metadata

player_identity_days = Table(
    "player_identity_days",
    metadata,
    gaming_day(),
    text("kind", "stats (8-char key and name) | full (32-char)"),
    text("guid"),
    text("player_name", "'' for full GUIDs"),
    integer("rounds", "stats rows that day; 1 for a full GUID"),
    integer("bot_rounds", "of which flagged as a bot"),
    PrimaryKeyConstraint(
        "gaming_day", "kind", "guid", "player_name", name="pk_player_identity_days"
    ),
    Index("ix_player_identity_days_guid", "guid"),
)

player_identity_keys = Table(
    "player_identity_keys",
    metadata,
    text("guid"),
    text("kind"),
    text("player_name"),
    date("first_day"),
    date("last_day"),
    integer("rounds", "stats rows; days seen for a full GUID"),
    integer("bot_rounds"),
    PrimaryKeyConstraint("guid", "kind", "player_name", name="pk_player_identity_keys"),
)
