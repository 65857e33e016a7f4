"""Map-name normalisation shared by every source (stats files, Lua events, proximity headers)."""

from __future__ import annotations


def map_key(map_name: str) -> str:
    """Case- and whitespace-insensitive key: ``' Supply  '`` and ``'supply'`` are the same map."""
    return " ".join(map_name.split()).casefold()
