"""Reads and writes of the ``discord_posts`` ledger, each in its own short transaction.

Each write commits before the caller goes on: the intent must be durable *before* the HTTP
request leaves, and the message id durable as soon as Discord answered. Nothing here talks to
Discord; :mod:`slomix_pipeline.publish.publisher` sequences the calls.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, and_, delete, insert, select, update

from slomix_pipeline.warehouse.run_lock import run_lock
from slomix_pipeline.warehouse.schema_publish import discord_posts as t

SENDING, POSTED, UNCERTAIN, FAILED, GONE, DELETED = (
    "sending",
    "posted",
    "uncertain",
    "failed",
    "gone",
    "deleted",
)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    webhook_id: str
    post_key: str
    part: int
    kind: str
    gaming_day: date
    nonce: str
    state: str
    message_id: str | None
    content_sha256: str | None
    sending_sha256: str | None
    attempts: int
    last_error: str | None


def nonce_for(webhook_id: str, post_key: str, part: int) -> str:
    """Deterministic reference of one message part: the same on every run and every host."""
    return hashlib.sha256(f"{webhook_id}|{post_key}|{part}".encode()).hexdigest()[:12]


def _where(webhook_id: str, post_key: str, part: int):  # type: ignore[no-untyped-def]
    return and_(t.c.webhook_id == webhook_id, t.c.post_key == post_key, t.c.part == part)


def read_post(engine: Engine, webhook_id: str, post_key: str) -> dict[int, LedgerRow]:
    """Every part the ledger holds for one post on one webhook, by part index."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(t).where(t.c.webhook_id == webhook_id, t.c.post_key == post_key)
        ).all()
    return {r.part: LedgerRow(**r._mapping) for r in rows}


def read_all(engine: Engine) -> list[LedgerRow]:
    with engine.connect() as conn:
        rows = conn.execute(select(t).order_by(t.c.webhook_id, t.c.post_key, t.c.part)).all()
    return [LedgerRow(**r._mapping) for r in rows]


def write_intent(
    engine: Engine,
    *,
    webhook_id: str,
    post_key: str,
    part: int,
    kind: str,
    gaming_day: date,
    content_sha256: str,
    previous: LedgerRow | None,
) -> None:
    """Record "about to post" (state ``sending``), committed before the request is sent."""
    with engine.begin() as conn:
        if previous is None:
            conn.execute(
                insert(t).values(
                    webhook_id=webhook_id,
                    post_key=post_key,
                    part=part,
                    kind=kind,
                    gaming_day=gaming_day,
                    nonce=nonce_for(webhook_id, post_key, part),
                    state=SENDING,
                    message_id=None,
                    content_sha256=None,
                    sending_sha256=content_sha256,
                    attempts=1,
                    last_error=None,
                )
            )
            return
        conn.execute(
            update(t)
            .where(_where(webhook_id, post_key, part))
            .values(
                state=SENDING,
                message_id=None,
                content_sha256=None,
                sending_sha256=content_sha256,
                attempts=previous.attempts + 1,
                gaming_day=gaming_day,
            )
        )


def mark(
    engine: Engine,
    webhook_id: str,
    post_key: str,
    part: int,
    state: str,
    *,
    message_id: str | None = None,
    content_sha256: str | None = None,
    error: str | None = None,
    keep_message: bool = False,
) -> None:
    """Move a part to ``state`` (``posted`` needs the message id and the content hash)."""
    values: dict[str, object] = {"state": state, "last_error": error, "sending_sha256": None}
    if not keep_message:
        values["message_id"] = message_id
    if content_sha256 is not None or not keep_message:
        values["content_sha256"] = content_sha256
    with engine.begin() as conn:
        conn.execute(update(t).where(_where(webhook_id, post_key, part)).values(**values))


def note_error(engine: Engine, webhook_id: str, post_key: str, part: int, error: str) -> None:
    """Keep the state, record why the last attempt (an edit) did not go through."""
    with engine.begin() as conn:
        conn.execute(
            update(t)
            .where(_where(webhook_id, post_key, part))
            .values(last_error=error, attempts=t.c.attempts + 1)
        )


def forget(engine: Engine, webhook_id: str, post_key: str) -> None:
    """Drop a post's rows (operator replay of a post into a new channel/webhook)."""
    with engine.begin() as conn:
        conn.execute(delete(t).where(t.c.webhook_id == webhook_id, t.c.post_key == post_key))


_PUBLISH_LOCK_KEY = 0x51_0A_D1_5C  # arbitrary constant: the advisory lock of publishing runs


class PublishBusy(RuntimeError):
    """Another publishing run holds the ledger (two publishers could both post the same item)."""


@contextlib.contextmanager
def exclusive(engine: Engine) -> Iterator[None]:
    """Hold the publishing lock for the duration of a run, or raise :class:`PublishBusy`.

    The Dagster pool ``discord`` already runs one publisher at a time when its limit is 1;
    this lock makes that true whatever the instance configuration says (a second run started
    by hand while the first is posting would otherwise read the same empty ledger rows).
    PostgreSQL: a session advisory lock; SQLite: an exclusive ``flock`` next to the file.
    """
    with run_lock(engine, _PUBLISH_LOCK_KEY, ".publish.lock", wait=False) as got:
        if not got:
            raise PublishBusy("another publishing run is in progress (lock held)")
        yield
