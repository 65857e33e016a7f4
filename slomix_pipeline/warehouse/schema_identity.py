"""The players asset's own bookkeeping: who each gaming day saw, and the totals per key.

Why: ``players`` used to rebuild names and the GUID map from one scan of every stats row ever
loaded, so tonight's run cost grew with the history. ``player_identity_days`` holds each day's
contribution (written and read by day), ``player_identity_keys`` the totals per key over every
day, updated from the difference between a day's old and new contribution
(``ingest/identity_ledger.py``). The totals equal a full rebuild exactly (tested).
"""

from __future__ import annotations

from sqlalchemy import Index

from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table

player_identity_days = table(
    "player_identity_days",
    gaming_day(),
    text("kind", "stats (8-char key and name) | full (32-char)"),
    text("guid"),
    text("player_name", "'' for full GUIDs"),
    integer("rounds", "stats rows that day; 1 for a full GUID"),
    integer("bot_rounds", "of which flagged as a bot"),
    primary_key(
        "gaming_day",
        "kind",
        "guid",
        "player_name",
    ),
    Index("ix_player_identity_days_guid", "guid"),
)

player_identity_keys = table(
    "player_identity_keys",
    text("guid"),
    text("kind"),
    text("player_name"),
    date("first_day"),
    date("last_day"),
    integer("rounds", "stats rows; days seen for a full GUID"),
    integer("bot_rounds"),
    primary_key(
        "guid",
        "kind",
        "player_name",
    ),
)
