"""Exactly-once publishing of rendered posts: intent, post, record; edit on change.

For each message part of a post, on each webhook, the ledger (``discord_posts``) decides:

====================  =====================================================================
ledger row            action
====================  =====================================================================
none / failed         write the intent (``sending``, committed), execute with ``?wait=true``,
                      record the message id and the content hash (``posted``)
posted, same hash     nothing (a re-run posts nothing)
posted, other hash    PATCH the message (idempotent; the hash is recorded after the answer)
sending (no id)       a previous run died after the intent: **uncertain**, not re-posted
uncertain             left alone until the operator resolves it (see below)
gone                  deleted by a moderator in Discord: not re-posted
====================  =====================================================================

Why *uncertain* and not "post again": Discord's execute-webhook does not deduplicate, and a
webhook cannot list or search its channel, so a run that finds an intent without a message id
cannot tell "killed before the request left" from "killed after Discord created the message".
Posting again would duplicate in the second case, which is the common one (the request is the
slow part). The platform chooses *at most once* and makes the gap visible: the row stays
``uncertain``, the asset's delivery check warns, and the message footer carries the row's
``ref`` (its deterministic nonce). The operator searches the channel for ``ref <nonce>`` and
either adopts the message id it finds (run config ``adopt``: later changes then edit it) or,
when it is not there, re-posts (run config ``repost_uncertain``). An execute whose answer timed
out is treated the same way (:class:`~slomix_pipeline.publish.discord.DeliveryUncertain`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Engine

from slomix_pipeline.publish import ledger
from slomix_pipeline.publish.discord import (
    DeliveryFailed,
    DeliveryUncertain,
    DiscordError,
    MessageGone,
    Webhook,
    WebhookClient,
)
from slomix_pipeline.publish.embeds import RenderedPost, pack, with_footer
from slomix_pipeline.publish.limits import violations

POSTED, EDITED, UNCHANGED, FAILED, UNCERTAIN, GONE, DELETED, HELD = (
    "posted",
    "edited",
    "unchanged",
    "failed",
    "uncertain",
    "gone",
    "deleted",
    "held",
)
PROBLEMS = frozenset({FAILED, UNCERTAIN})
"""Outcomes the delivery check reports (``held``: an uncertain row still waiting)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    webhook_id: str
    post_key: str
    part: int
    action: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PublishOptions:
    """Operator choices for one run (run config of the publishing asset)."""

    repost_uncertain: bool = False
    adopt: Mapping[str, str] = field(default_factory=dict)  # nonce -> message id


def content_hash(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def payloads_for(post: RenderedPost, webhook_id: str) -> list[dict[str, Any]]:
    """The post's messages as sent to ``webhook_id``: packed, each with its ``ref`` footer."""
    out = []
    for part, payload in enumerate(pack(post)):
        ref = f"ref {ledger.nonce_for(webhook_id, post.key, part)}"
        footer = f"{post.footer} · {ref}" if post.footer else ref
        final = with_footer(payload, footer)
        problems = violations(final)
        if problems:  # packing guarantees this never happens; never send what Discord rejects
            raise ValueError(f"{post.key} part {part} breaks Discord limits: {problems}")
        out.append(final)
    return out


@dataclass
class Publisher:
    """Publishes posts to webhooks through the ledger in ``engine``."""

    engine: Engine
    client: WebhookClient
    options: PublishOptions = field(default_factory=PublishOptions)
    after_intent: Callable[[str, int], None] | None = None  # test hook: (post_key, part)

    def publish(self, hook: Webhook, post: RenderedPost, day: date) -> list[Outcome]:
        """Bring one post on one webhook up to date; never raises for Discord failures."""
        payloads = payloads_for(post, hook.webhook_id)
        rows = ledger.read_post(self.engine, hook.webhook_id, post.key)
        outcomes = [
            self._part(hook, post, day, part, payload, rows.get(part))
            for part, payload in enumerate(payloads)
        ]
        for part, row in sorted(rows.items()):
            if part >= len(payloads) and row.state == ledger.POSTED and row.message_id:
                outcomes.append(self._remove(hook, row))
        return outcomes

    def _part(
        self,
        hook: Webhook,
        post: RenderedPost,
        day: date,
        part: int,
        payload: dict[str, Any],
        row: ledger.LedgerRow | None,
    ) -> Outcome:
        """Bring one part up to date from its ledger row: adopt, hold, skip, edit or post."""
        wid, key = hook.webhook_id, post.key
        mark = partial(ledger.mark, self.engine, wid, key, part)
        digest = content_hash(payload)
        if row is not None and row.nonce in self.options.adopt:
            mark(ledger.POSTED, message_id=self.options.adopt[row.nonce], content_sha256=None)
            row = ledger.read_post(self.engine, wid, key)[part]
        if row is not None and row.state == ledger.SENDING:
            mark(ledger.UNCERTAIN, error="found an intent without a message id (previous run died)")
            row = ledger.read_post(self.engine, wid, key)[part]
        if row is not None and row.state == ledger.UNCERTAIN and not self.options.repost_uncertain:
            return Outcome(
                wid, key, part, HELD, f"uncertain: search the channel for ref {row.nonce}"
            )
        if row is not None and row.state == ledger.GONE:
            return Outcome(wid, key, part, GONE, "deleted in Discord; not re-posted")
        if row is not None and row.state == ledger.POSTED and row.message_id:
            if row.content_sha256 == digest:
                return Outcome(wid, key, part, UNCHANGED)
            return self._edit(hook, row, payload, digest)
        # post: the intent is committed before the request, so a crash leaves a trace to resolve
        ledger.write_intent(
            self.engine,
            webhook_id=wid,
            post_key=key,
            part=part,
            kind=post.kind,
            gaming_day=day,
            content_sha256=digest,
            previous=row,
        )
        if self.after_intent is not None:
            self.after_intent(key, part)
        try:
            message_id = self.client.execute(hook, payload)
        except DeliveryUncertain as exc:
            mark(ledger.UNCERTAIN, error=str(exc))
            return Outcome(wid, key, part, UNCERTAIN, str(exc))
        except DiscordError as exc:
            mark(ledger.FAILED, error=str(exc))
            return Outcome(wid, key, part, FAILED, str(exc))
        mark(ledger.POSTED, message_id=message_id, content_sha256=digest)
        return Outcome(wid, key, part, POSTED, message_id)

    def _edit(
        self, hook: Webhook, row: ledger.LedgerRow, payload: dict[str, Any], digest: str
    ) -> Outcome:
        wid, key, part = hook.webhook_id, row.post_key, row.part
        mark = partial(ledger.mark, self.engine, wid, key, part)
        assert row.message_id is not None
        try:
            self.client.edit(hook, row.message_id, payload)
        except MessageGone as exc:
            mark(ledger.GONE, error=str(exc), keep_message=True)
            return Outcome(wid, key, part, GONE, str(exc))
        except (DeliveryFailed, DiscordError) as exc:
            ledger.note_error(self.engine, wid, key, part, str(exc))
            return Outcome(wid, key, part, FAILED, str(exc))
        mark(ledger.POSTED, message_id=row.message_id, content_sha256=digest)
        return Outcome(wid, key, part, EDITED, row.message_id)

    def _remove(self, hook: Webhook, row: ledger.LedgerRow) -> Outcome:
        wid = hook.webhook_id
        assert row.message_id is not None
        try:
            self.client.delete(hook, row.message_id)
        except MessageGone:
            pass
        except DiscordError as exc:
            ledger.note_error(self.engine, wid, row.post_key, row.part, str(exc))
            return Outcome(wid, row.post_key, row.part, FAILED, str(exc))
        ledger.mark(
            self.engine,
            wid,
            row.post_key,
            row.part,
            ledger.DELETED,
            message_id=row.message_id,
            keep_message=True,
        )
        return Outcome(wid, row.post_key, row.part, DELETED, "surplus part removed")


def summarize(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.action] = counts.get(o.action, 0) + 1
    return dict(sorted(counts.items()))
