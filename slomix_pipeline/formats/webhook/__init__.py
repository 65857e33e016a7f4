"""STATS_READY webhook bodies (the Discord execute-webhook JSON the Lua posts) -> ``LuaRoundEnd``.

The round facts live in the embed's fields, every value a string: plain numbers, numbers with a
unit (``"562 sec"``, ``"7.433 min"``), ``"<count> (<seconds> sec)"`` for pauses, and JSON *text*
for the rosters and pause list. Fields are looked up by case-insensitive name, current names
first and pre-v1.2 names (``End Reason``, ``Start Unix``, ...) as fallbacks.

Policy for bad input (each rejection carries a ``RejectReason`` and a detail):

* the body itself is not JSON, not an object, or a required field (map, round, round start/end)
  is missing or not a number -> rejected;
* structurally wrong JSON text (rosters, pauses, spawn stats not a list of objects, non-numeric
  counters) -> rejected, because the Lua never produces that and a human should look;
* a roster or spawn list longer than the 64-client limit -> rejected (``oversized_roster``);
* control bytes in names (pre-v1.6.4 Lua wrote them unescaped, which made the whole body invalid
  JSON and silently lost the round upstream) -> the JSON is read leniently, the bytes are
  *stripped* and a warning recorded: a cosmetic name must not cost the round's timing. Control
  bytes in the *map name* are rejected instead, since the map is part of the event identity;
* an unparseable optional figure (warmup, scores, ...) -> ``None`` plus a warning.

Where each rule lives: ``values`` (JSON decoding, numbers, clean strings), ``fields`` (embed
field names), ``lists`` (rosters, pauses, spawn stats), ``draft`` (embed -> draft), ``finish``
(draft -> ``LuaRoundEnd``), ``body`` (the entry point). The gametime parser reuses the draft and
finish machinery, because a gametime file embeds the very same body.
"""

from slomix_pipeline.formats.webhook.body import (
    STATS_READY,
    WebhookParse,
    is_stats_ready,
    message_kind,
    parse_webhook_body,
    unexpected_rejection,
)
from slomix_pipeline.formats.webhook.draft import RoundDraft, first_embed, read_embed
from slomix_pipeline.formats.webhook.fields import FIELD_NAMES
from slomix_pipeline.formats.webhook.finish import finish_round_end
from slomix_pipeline.formats.webhook.lists import read_pauses, read_roster, read_spawn_stats
from slomix_pipeline.formats.webhook.values import (
    MAX_BODY_BYTES,
    clean_text,
    json_int,
    load_json,
    parse_float_text,
    parse_int_text,
    reject,
)

__all__ = [
    "FIELD_NAMES",
    "MAX_BODY_BYTES",
    "STATS_READY",
    "RoundDraft",
    "WebhookParse",
    "clean_text",
    "finish_round_end",
    "first_embed",
    "is_stats_ready",
    "json_int",
    "load_json",
    "message_kind",
    "parse_float_text",
    "parse_int_text",
    "parse_webhook_body",
    "read_embed",
    "read_pauses",
    "read_roster",
    "read_spawn_stats",
    "reject",
    "unexpected_rejection",
]
