"""Who a player line is: guid and name decoded, the player key, bots, and duplicate keys.

Also the one builder of an accepted PlayerLine used by every parsing path, so identity rules
live in one place.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from typing import Any

from slomix_pipeline.formats.colour import strip_colour_codes
from slomix_pipeline.formats.stats.layout import (
    _NO_EXTENDED,
)
from slomix_pipeline.formats.stats.player_rows import (
    line_of_row,
)
from slomix_pipeline.formats.stats.records import (
    PlayerLine,
    _new_player_line,
)
from slomix_pipeline.formats.stats.weapons import (
    WeaponValues,
)


def _sha_hex(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def player_key_for(guid8: str, clean_name: str) -> tuple[str, bool]:
    """The downstream identity of a player line and whether it is a bot.

    Humans: the guid uppercased. Bots (guid ``OMNIBOT*`` or clean name ``[BOT]...``): ``OMNIBOT0``
    plus 24 hex of sha256(clean name), so several bots never collide. Empty guid: ``NOGUID`` plus
    26 hex of sha256(clean name). File-level duplicates are disambiguated later.
    """
    upper = guid8.upper()
    is_bot = upper.startswith("OMNIBOT") or clean_name[:5].upper() == "[BOT]"
    if is_bot:
        return "OMNIBOT0" + _sha_hex(clean_name, 24), True
    if not upper:
        return "NOGUID" + _sha_hex(clean_name, 26), False
    return upper, False


# The same few dozen regulars appear in file after file: remember each (guid, raw name) pair's
# decoded identity instead of decoding, colour-stripping and hashing it on every line.
_IDENTITY_CACHE_SIZE = 4096
_identities: dict[tuple[bytes, bytes], tuple[str, str, str, str, bool]] = {}


def _identity(guid: bytes, raw: bytes) -> tuple[str, str, str, str, bool]:
    """(guid8, raw name, clean name, player key, is bot) of a line's first two fields."""
    guid8 = guid.decode("utf-8", errors="replace").strip()
    raw_name = raw.decode("utf-8", errors="replace")
    clean_name = strip_colour_codes(raw_name)
    key, is_bot = player_key_for(guid8, clean_name)
    if len(_identities) >= _IDENTITY_CACHE_SIZE:
        _identities.clear()  # bounded; refilled by the players actually seen
    identity = _identities[(guid, raw)] = (guid8, raw_name, clean_name, key, is_bot)
    return identity


def _line_warnings(
    line_number: int, team: int, weapon_ids: tuple[int, ...], warnings: list[str]
) -> None:
    if team > 3:
        warnings.append(f"team_out_of_range@{line_number}")
    if not weapon_ids:
        warnings.append(f"empty_weapon_mask@{line_number}")


def _player(
    line_number: int,
    guid8: str,
    raw_name: str,
    rounds: int,
    team: int,
    weapons: WeaponValues,
    extended: tuple[Any, ...] | list[Any] | None,
    played_tenths: int,
    dead_tenths: int,
    warnings: list[str],
) -> PlayerLine:
    """A PlayerLine from the reference path (the fast path inlines the same steps)."""
    _line_warnings(line_number, team, weapons.ids, warnings)
    clean_name = strip_colour_codes(raw_name)
    key, is_bot = player_key_for(guid8, clean_name)
    identity = (line_number, guid8, key, raw_name, clean_name, is_bot, rounds, team, weapons)
    values = _NO_EXTENDED if extended is None else extended
    return _new_player_line(*identity, extended is not None, *values, played_tenths, dead_tenths)


def _player_line(
    line_number: int,
    guid: bytes,
    raw: bytes,
    rounds: int,
    team: int,
    weapons: WeaponValues,
    extended: Any,
    played: Any,
    dead: Any,
) -> PlayerLine:
    """One accepted player line, its identity cached (the per-line fast path; the whole-file
    path keeps rows and looks the identity up the same way, inline)."""
    identity = _identities.get((guid, raw))
    if identity is None:
        identity = _identity(guid, raw)
    return line_of_row((line_number, identity, rounds, team, weapons, extended, played, dead))


def _disambiguate(players: list[PlayerLine], warnings: list[str]) -> list[PlayerLine]:
    """Give every line of a file a distinct key, deterministically (so R1/R2 pair the same way).

    Lines sharing a key get ``:`` + 8 hex of sha256(raw name). If even that collides (same key
    and same raw name), later lines in file order get ``#2``, ``#3``... and a warning, because
    the file's line order is arbitrary and such players cannot be paired reliably.
    """
    counts = Counter(p.player_key for p in players)
    out: list[PlayerLine] = []
    seen: Counter[str] = Counter()
    for p in players:
        key = p.player_key
        if counts[key] > 1:
            key = f"{key}:{_sha_hex(p.raw_name, 8)}"
            warnings.append(f"player_key_disambiguated@{p.line_number}")
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
            warnings.append(f"duplicate_player_key@{p.line_number}")
        out.append(p if key == p.player_key else replace(p, player_key=key))
    return out
