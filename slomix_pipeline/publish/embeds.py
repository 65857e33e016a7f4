"""Packing a post into Discord messages that never exceed a limit.

A rendered post is a title, a colour, a few description lines and *sections* of lines (a team's
roster, the top performers, the maps of a session). Packing keeps a line whole whenever it fits:

* a section longer than 1,024 characters continues in a second field named ``<name> (cont.)``,
  cut between lines, so a long roster is split at a player, never inside a name;
* a message holds at most 25 fields per embed, 10 embeds and 6,000 characters: when the next
  field would break one of those, it goes into a new embed, or a new *message* (a post may be
  several messages, each tracked on its own in the ledger);
* a single line longer than a field is truncated (with an ellipsis), the description is cut
  between lines at 4,096, the title at 256.

``FOOTER_RESERVE`` characters per message are kept free for the footer the publisher adds (the
post's reference), so adding it can never push a message over 6,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slomix_pipeline.publish.limits import (
    DESCRIPTION_MAX,
    EMBEDS_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    MESSAGE_CHARS_MAX,
    NO_MENTIONS,
    TITLE_MAX,
    embed_chars,
    truncate,
)

FOOTER_RESERVE = 120
"""Characters kept free in every message for the footer (see :func:`with_footer`)."""
FOOTER_MAX_USED = FOOTER_RESERVE


@dataclass(frozen=True, slots=True)
class Section:
    """One block of lines shown as one field (or several ``(cont.)`` fields when long)."""

    name: str
    lines: tuple[str, ...]
    inline: bool = False


@dataclass(frozen=True, slots=True)
class RenderedPost:
    """A post before packing: what the renderers produce, what the preview shows."""

    key: str
    kind: str
    title: str
    colour: int
    description: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    footer: str = ""

    def as_markdown(self) -> str:
        """The post as plain markdown, for the asset metadata preview."""
        parts = [f"### {self.title}", *self.description]
        for s in self.sections:
            parts += ["", f"**{s.name}**", *s.lines]
        if self.footer:
            parts += ["", f"_{self.footer}_"]
        return "\n".join(parts)


@dataclass
class _Message:
    embeds: list[dict[str, Any]] = field(default_factory=list)

    def chars(self) -> int:
        return sum(embed_chars(e) for e in self.embeds)


def _chunks(lines: Sequence[str], limit: int = FIELD_VALUE_MAX) -> list[str]:
    """Lines joined into values of at most ``limit`` characters, cut between lines only."""
    chunks: list[str] = []
    current = ""
    for raw in lines:
        line = truncate(raw, limit)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        chunks.append(current)
        current = line
    if current:
        chunks.append(current)
    return chunks or ["-"]


def _description(lines: Sequence[str]) -> str:
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > DESCRIPTION_MAX - 1:
            kept.append("…")
            break
        kept.append(line)
    return truncate("\n".join(kept), DESCRIPTION_MAX)


def _fields(section: Section) -> list[dict[str, Any]]:
    out = []
    for index, value in enumerate(_chunks(section.lines)):
        name = section.name if index == 0 else f"{section.name} (cont.)"
        out.append({"name": truncate(name, 256), "value": value, "inline": section.inline})
    return out


def pack(post: RenderedPost) -> list[dict[str, Any]]:
    """The post as one or more message payloads, each inside every Discord limit."""
    budget = MESSAGE_CHARS_MAX - FOOTER_RESERVE
    title = truncate(post.title, TITLE_MAX)
    first: dict[str, Any] = {"title": title, "color": post.colour}
    if post.description:
        first["description"] = _description(post.description)
    messages = [_Message([first])]
    continued = truncate(f"{post.title} (continued)", TITLE_MAX)
    for section in post.sections:
        for f in _fields(section):
            message = messages[-1]
            embed = message.embeds[-1]
            size = len(f["name"]) + len(f["value"])
            if len(embed.setdefault("fields", [])) < FIELDS_MAX and (
                message.chars() + size <= budget
            ):
                embed["fields"].append(f)
                continue
            new_embed = {"title": continued, "color": post.colour, "fields": [f]}
            fits = message.chars() + embed_chars(new_embed) <= budget
            if len(message.embeds) < EMBEDS_MAX and fits:
                message.embeds.append(new_embed)
            else:
                messages.append(_Message([new_embed]))
    payloads = []
    for message in messages:
        for embed in message.embeds:
            if not embed.get("fields"):
                embed.pop("fields", None)
        payloads.append({"embeds": message.embeds, "allowed_mentions": dict(NO_MENTIONS)})
    return payloads


def with_footer(payload: dict[str, Any], text: str) -> dict[str, Any]:
    """A copy of ``payload`` whose last embed carries ``text`` as footer (cut to the reserve)."""
    embeds = [dict(e) for e in payload["embeds"]]
    embeds[-1]["footer"] = {"text": truncate(text, FOOTER_MAX_USED)}
    return {**payload, "embeds": embeds, "allowed_mentions": dict(NO_MENTIONS)}
