"""Discord's message limits and the text hygiene every post goes through.

Discord rejects a whole message (HTTP 400) when one embed part is too long, so a post that is
one character over a limit is a post that never appears. Everything rendered here is packed to
stay inside the limits *before* it is sent (:mod:`slomix_pipeline.publish.embeds`), and
:func:`violations` re-checks a finished payload so tests (and the publisher, as a last guard)
can prove it.

Player names come from the game and are attacker-controlled text: colour codes are stripped
with the platform's one colour helper (:func:`slomix_pipeline.formats.colour.strip_colour_codes`),
markdown is escaped so ``**x**`` shows as typed, and ``@`` gets a zero-width space so
``@everyone`` neither pings (``allowed_mentions`` is empty on every payload anyway) nor looks
like a mention.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from slomix_pipeline.formats.colour import strip_colour_codes

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
CONTENT_MAX = 2000
MESSAGE_CHARS_MAX = 6000
EMBEDS_MAX = 10
USERNAME_MAX = 80

NO_MENTIONS: dict[str, list[str]] = {"parse": []}
"""``allowed_mentions`` of every payload: nothing in a post may ping anyone."""

_MARKDOWN = re.compile(r"([\\*_~`|>\[\]:<])")
"""Characters escaped in names: markdown (bold, italics, strike, code, spoiler, quote, masked
links), ``<`` (mention and timestamp syntax) and ``:`` (breaks auto-linked URLs). Discord hides
the backslash before any punctuation, so an escape never shows."""
_ZWSP = "\u200b"
ELLIPSIS = "…"


def clean_name(raw: str, max_len: int = 40) -> str:
    """A player name safe to show: colours stripped, markdown escaped, mentions defused.

    The name is cut to ``max_len`` visible characters *before* escaping, so an escape
    backslash is never split from its character; an empty result shows as ``?``.
    """
    text = strip_colour_codes(raw).replace("\n", " ").replace("\r", " ").strip()
    text = "".join(ch for ch in text if ch.isprintable()) or "?"
    if len(text) > max_len:
        text = text[: max_len - 1] + ELLIPSIS
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("@", "@" + _ZWSP)


def truncate(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if cut.endswith("\\") and not cut.endswith("\\\\"):
        cut = cut[:-1]  # never leave a dangling escape
    return cut + ELLIPSIS


def embed_chars(embed: Mapping[str, Any]) -> int:
    """The characters Discord counts towards the 6,000 per message for one embed."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", ()):
        total += len(f.get("name", "")) + len(f.get("value", ""))
    return total


def message_chars(payload: Mapping[str, Any]) -> int:
    """Characters of all embeds of one message (Discord's 6,000 limit covers them together)."""
    return sum(embed_chars(e) for e in payload.get("embeds", ()))


def violations(payload: Mapping[str, Any]) -> list[str]:
    """Every Discord limit one message payload breaks (empty: Discord will accept its size)."""
    out: list[str] = []
    embeds: Sequence[Mapping[str, Any]] = payload.get("embeds", ())
    if len(payload.get("content", "")) > CONTENT_MAX:
        out.append("content > 2000")
    if len(embeds) > EMBEDS_MAX:
        out.append(f"{len(embeds)} embeds > {EMBEDS_MAX}")
    if message_chars(payload) > MESSAGE_CHARS_MAX:
        out.append(f"{message_chars(payload)} chars > {MESSAGE_CHARS_MAX}")
    if payload.get("allowed_mentions") != NO_MENTIONS:
        out.append("allowed_mentions is not empty")
    for i, e in enumerate(embeds):
        checks = (
            (len(e.get("title", "")), TITLE_MAX, "title"),
            (len(e.get("description", "")), DESCRIPTION_MAX, "description"),
            (len(e.get("fields", ())), FIELDS_MAX, "fields"),
            (len(e.get("footer", {}).get("text", "")), FOOTER_MAX, "footer"),
        )
        out += [f"embed {i} {what} {n} > {limit}" for n, limit, what in checks if n > limit]
        for j, f in enumerate(e.get("fields", ())):
            if len(f.get("name", "")) > FIELD_NAME_MAX:
                out.append(f"embed {i} field {j} name > {FIELD_NAME_MAX}")
            if len(f.get("value", "")) > FIELD_VALUE_MAX:
                out.append(f"embed {i} field {j} value {len(f['value'])} > {FIELD_VALUE_MAX}")
            if not f.get("name") or not f.get("value"):
                out.append(f"embed {i} field {j} has an empty name or value")
    return out
