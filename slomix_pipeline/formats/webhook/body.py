"""Entry point: one landed webhook body -> a round end, an ignored message, or a rejection."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slomix_pipeline.domain.lua_records import SOURCE_WEBHOOK, LuaRoundEnd
from slomix_pipeline.domain.lua_rejections import (
    EventRejected,
    IgnoredMessage,
    LuaRejection,
    RejectReason,
)
from slomix_pipeline.formats.webhook.draft import RoundDraft, first_embed, read_embed
from slomix_pipeline.formats.webhook.finish import finish_round_end
from slomix_pipeline.formats.webhook.values import MAX_BODY_BYTES, load_json, reject

STATS_READY = "STATS_READY"

WebhookParse = LuaRoundEnd | IgnoredMessage | LuaRejection


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def _slug(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    return _SLUG_RE.sub("_", text.strip().casefold()).strip("_")[:40]


def message_kind(body: Mapping[str, Any]) -> str:
    """Short slug naming what a webhook message is (``stats_ready``, ``objective_update``, ...)."""
    kind = _slug(body.get("content"))
    if not kind:
        embeds = body.get("embeds")
        if isinstance(embeds, list) and embeds and isinstance(embeds[0], dict):
            kind = _slug(embeds[0].get("title"))
    return kind or "empty"


def is_stats_ready(body: Mapping[str, Any]) -> bool:
    content = body.get("content")
    return isinstance(content, str) and content.strip() == STATS_READY


def parse_webhook_body(data: bytes, max_bytes: int = MAX_BODY_BYTES) -> WebhookParse:
    """Parse one landed webhook body: a round end, an ignored message, or a rejection."""
    warnings: list[str] = []
    try:
        body = load_json(data, "webhook body", warnings, max_bytes)
        if not isinstance(body, dict):
            raise reject(RejectReason.WRONG_TYPE, "webhook body is not a JSON object")
        if not is_stats_ready(body):
            return IgnoredMessage(
                kind=message_kind(body),
                detail=f"username={body.get('username')!r:.60} content={body.get('content')!r:.60}",
            )
        draft = RoundDraft(warnings=warnings)
        message_id = body.get("id")
        if isinstance(message_id, str | int) and not isinstance(message_id, bool):
            draft.message_id = str(message_id)
        read_embed(first_embed(body), draft)
        return finish_round_end(draft, SOURCE_WEBHOOK)
    except EventRejected as exc:
        return exc.as_rejection()
    except Exception as exc:  # a parser returns a rejection, never raises
        return unexpected_rejection("webhook body", exc)


def unexpected_rejection(what: str, exc: BaseException) -> LuaRejection:
    """A rejection for a failure no rule anticipated: the body is quarantined, not fatal."""
    return LuaRejection(
        RejectReason.MALFORMED_JSON, f"{what}: unreadable ({type(exc).__name__}: {exc!s:.160})"
    )
