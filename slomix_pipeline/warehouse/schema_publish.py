"""The Discord ledger: one row per message part of a post, per webhook.

``discord_posts`` is operational state, not derived data: no asset rebuilds it, and a
partition re-run never touches it (deleting it would make every post go out again). It is
what makes publishing exactly-once (see :mod:`slomix_pipeline.publish.publisher`):

* ``state`` ``sending`` is the *intent*, committed before the request leaves; ``posted``
  carries the ``message_id`` Discord answered and the hash of the content it shows;
  ``uncertain`` is an intent whose outcome is unknown (crash or timeout after sending);
  ``failed`` was definitely not posted; ``gone`` was deleted in Discord; ``deleted`` was a
  surplus part the publisher removed.
* ``nonce`` is deterministic (webhook, post, part) and shown in the message footer, so an
  operator can search the channel for it when resolving an ``uncertain`` row.

The token of a webhook is never stored: rows are keyed by the webhook's numeric id.
"""

from __future__ import annotations

from sqlalchemy import Index, Table

from slomix_pipeline.warehouse.columns import *
from slomix_pipeline.warehouse.tables import primary_key, table

discord_posts = table(
    "discord_posts",
    text("webhook_id", "numeric webhook id (never the token)"),
    text("post_key", "round:<id> | map:<id> | session:<id>"),
    integer("part", "message index within the post (0-based)"),
    text("kind", "round | map | session"),
    gaming_day(),
    text("nonce", "deterministic; shown in the footer"),
    text("state", "sending|posted|uncertain|failed|gone|deleted"),
    text_null("message_id"),
    text_null("content_sha256", "content Discord shows (posted)"),
    text_null("sending_sha256", "content of the request in flight"),
    integer("attempts"),
    text_null("last_error"),
    primary_key(
        "webhook_id",
        "post_key",
        "part",
    ),
    Index("ix_discord_posts_day", "gaming_day"),
)

PUBLISH_TABLES: tuple[Table, ...] = (discord_posts,)
