"""Player identity as the parser stores it: guid8 for humans, a name hash for bots and blank
GUIDs, and a raw-name suffix for any key that still repeats within one file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def player_key(guid8: str, clean_name: str) -> str:
    """The identity the parser stores: humans by uppercase guid8; bots (OMNIBOT GUID or a
    ``[BOT]`` name) by name hash so two bots never collide; an empty GUID by name hash too."""
    if guid8.upper().startswith("OMNIBOT") or clean_name.lower().startswith("[bot]"):
        return "OMNIBOT0" + hashlib.sha256(clean_name.encode("utf-8")).hexdigest()[:24]
    if not guid8:
        return "NOGUID" + hashlib.sha256(clean_name.encode("utf-8")).hexdigest()[:26]
    return guid8.upper()


def file_player_keys(lines: Iterable[tuple[str, str, str]]) -> list[str]:
    """Keys for the (guid8, clean name, raw name) lines of one file, disambiguating any key that
    still repeats with 8 hex of the raw name's hash (deterministic across R1 and R2)."""
    items = list(lines)
    keys = [player_key(g, c) for g, c, _ in items]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    return [
        k if counts[k] == 1 else f"{k}:{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:8]}"
        for k, (_, _, raw) in zip(keys, items, strict=True)
    ]
