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

from sqlalchemy import Column, Date, Index, Integer, PrimaryKeyConstraint, Table, Text

from slomix_pipeline.warehouse.schema import metadata

discord_posts = Table(
    "discord_posts",
    metadata,
    Column("webhook_id", Text, nullable=False, comment="numeric webhook id (never the token)"),
    Column("post_key", Text, nullable=False, comment="round:<id> | map:<id> | session:<id>"),
    Column("part", Integer, nullable=False, comment="message index within the post (0-based)"),
    Column("kind", Text, nullable=False, comment="round | map | session"),
    Column("gaming_day", Date, nullable=False),
    Column("nonce", Text, nullable=False, comment="deterministic; shown in the footer"),
    Column("state", Text, nullable=False, comment="sending|posted|uncertain|failed|gone|deleted"),
    Column("message_id", Text, nullable=True),
    Column("content_sha256", Text, nullable=True, comment="content Discord shows (posted)"),
    Column("sending_sha256", Text, nullable=True, comment="content of the request in flight"),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    PrimaryKeyConstraint("webhook_id", "post_key", "part", name="pk_discord_posts"),
    Index("ix_discord_posts_day", "gaming_day"),
)

PUBLISH_TABLES: tuple[Table, ...] = (discord_posts,)
