"""Gametime fallback files (``gametime-<map>-R<round>-<end>.json``) -> ``LuaRoundEnd``.

A gametime file is ``{"meta": {...}, "payload": <the STATS_READY body>}``. The payload may be an
object or a JSON string, and ``meta.spawn_stats`` an array or a JSON string; both spellings are
accepted. The embed inside the payload is read exactly like a live webhook (so both sources yield
identical events); ``meta`` then fills what the embed lacks and is the only carrier of per-player
spawn stats with Lua v1.7.2. Where embed and meta disagree the embed wins and a
``meta_mismatch:<field>`` warning is recorded. The file name is checked against the content
(``file_name_mismatch:<part>`` warnings) but never overrides it, except for a round number the
content does not carry at all.

Rejections follow ``formats.webhook``'s policy; in addition ``meta`` missing or not an object is
rejected, while a missing ``payload`` is tolerated (timing-only event, warning ``payload_missing``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from slomix_pipeline.domain.lua_records import SOURCE_GAMETIME, LuaRoundEnd
from slomix_pipeline.domain.lua_rejections import EventRejected, LuaRejection, RejectReason
from slomix_pipeline.formats.webhook import (
    MAX_BODY_BYTES,
    RoundDraft,
    finish_round_end,
    first_embed,
    json_int,
    load_json,
    read_embed,
    read_spawn_stats,
    reject,
    unexpected_rejection,
)

MAX_GAMETIME_BYTES = 2 * MAX_BODY_BYTES
"""A gametime file is the webhook body plus meta and per-player spawn stats."""

GAMETIME_NAME_RE = re.compile(r"^gametime-(?P<map>.+)-R(?P<round>\d+)-(?P<ts>\d+)\.json$")

GametimeParse = LuaRoundEnd | LuaRejection

_SAFE_MAP_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

# meta key -> draft attribute, for the integer figures meta carries.
_META_INTS: dict[str, str] = {
    "round": "round_raw",
    "round_start_unix": "round_start_unix",
    "round_end_unix": "round_end_unix",
    "actual_duration_seconds": "playtime_seconds",
    "warmup_seconds": "warmup_seconds",
    "pause_seconds": "pause_seconds",
    "pause_count": "pause_count",
}


def safe_map_name(map_name: str) -> str:
    """The Lua's file-name form of a map: every *byte* outside ``[A-Za-z0-9_-]`` becomes ``_``.

    Byte-wise like the Lua's pattern substitution, so a two-byte UTF-8 letter becomes ``__``.
    """
    return "".join(chr(b) if b in _SAFE_MAP_BYTES else "_" for b in map_name.encode("utf-8"))


def _fill(draft: RoundDraft, attribute: str, value: Any, meta_key: str) -> None:
    current = getattr(draft, attribute)
    if current is None:
        setattr(draft, attribute, value)
    elif current != value:
        draft.warnings.append(f"meta_mismatch:{meta_key}")


def _apply_meta(meta: Mapping[str, Any], draft: RoundDraft) -> None:
    """Fill the draft's gaps from ``meta`` (typed JSON: wrong types are rejected)."""
    if "map" in meta and meta["map"] is not None:
        if not isinstance(meta["map"], str):
            raise reject(RejectReason.WRONG_TYPE, "meta.map: expected a string")
        if meta["map"].strip():
            _fill(draft, "map_name", meta["map"], "map")
    for key, attribute in _META_INTS.items():
        if key in meta and meta[key] is not None:
            _fill(draft, attribute, json_int(meta[key], f"meta.{key}"), key)
    if meta.get("spawn_stats") is not None:
        spawn = read_spawn_stats(meta["spawn_stats"], "meta.spawn_stats", draft.warnings)
        if spawn or draft.spawn_stats is None:
            draft.spawn_stats = spawn


def _payload_object(payload: Any, warnings: list[str]) -> dict[str, Any]:
    if isinstance(payload, str):
        payload = load_json(payload, "payload", warnings, MAX_GAMETIME_BYTES)
    if not isinstance(payload, dict):
        raise reject(RejectReason.WRONG_TYPE, "payload: expected an object or JSON object text")
    return payload


def _check_name(name: str, draft: RoundDraft) -> None:
    """Compare the file name with the content; fill the round only if the content has none."""
    match = GAMETIME_NAME_RE.match(name.rsplit("/", 1)[-1])
    if match is None:
        draft.warnings.append("unexpected_file_name")
        return
    name_round = int(match.group("round"))
    if draft.round_raw is None:
        draft.round_raw = name_round
        draft.warnings.append("round_from_file_name")
    elif name_round != draft.round_raw:
        draft.warnings.append("file_name_mismatch:round")
    if draft.round_end_unix is not None and int(match.group("ts")) != draft.round_end_unix:
        draft.warnings.append("file_name_mismatch:round_end_unix")
    if draft.map_name is not None and safe_map_name(draft.map_name.strip()) != match.group("map"):
        draft.warnings.append("file_name_mismatch:map")


def parse_gametime_file(name: str, data: bytes) -> GametimeParse:
    """Parse one landed gametime file into a round-end event or a rejection."""
    warnings: list[str] = []
    try:
        document = load_json(data, "gametime file", warnings, MAX_GAMETIME_BYTES)
        if not isinstance(document, dict):
            raise reject(RejectReason.WRONG_TYPE, "gametime file is not a JSON object")
        meta = document.get("meta")
        if meta is None:
            raise reject(RejectReason.MISSING_FIELD, "gametime file without meta")
        if not isinstance(meta, dict):
            raise reject(RejectReason.WRONG_TYPE, "meta: expected an object")
        draft = RoundDraft(warnings=warnings)
        if document.get("payload") is None:
            warnings.append("payload_missing")
        else:
            payload = _payload_object(document["payload"], warnings)
            read_embed(first_embed(payload), draft)
        _apply_meta(meta, draft)
        _check_name(name, draft)
        return finish_round_end(draft, SOURCE_GAMETIME)
    except EventRejected as exc:
        return exc.as_rejection()
    except Exception as exc:  # a parser returns a rejection, never raises
        return unexpected_rejection("gametime file", exc)
