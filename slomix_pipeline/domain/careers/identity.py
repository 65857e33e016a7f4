"""Canonical player identity: every GUID the warehouse knows, mapped to one canonical key.

Stats files store an 8-character GUID (``player_guid``, upper-case; bots and name-less players
get synthetic keys; two humans sharing a GUID in one file get ``GUID:hash`` keys). Lua, proximity
and endstats headers write the full 32-character GUID. A full GUID maps to the stats key equal
to its upper-cased first 8 characters, but only when that is unambiguous: two different full
GUIDs with the same prefix, or a prefix whose stats key is split (``GUID:hash``), is a
*collision*, reported and never merged.

Operator merges (``formats.player_merges``) then move a stats key into another; chains resolve
to their end, and a cycle is reported and applied nowhere (the gate fails).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from slomix_pipeline.formats.player_merges import PlayerMerge

SELF = "self"
PREFIX = "prefix"
MERGED = "merged"
COLLISION = "collision"
UNMATCHED = "unmatched"


@dataclass(frozen=True, slots=True)
class GuidMapping:
    """One GUID as found in the warehouse and the canonical key it resolves to (None: no single
    player — a collision or a full GUID never seen in a stats file)."""

    guid: str
    kind: str  # stats | full
    canonical_guid: str | None
    resolution: str  # self | merged | prefix | collision | unmatched
    note: str | None = None


@dataclass(frozen=True, slots=True)
class IdentityResult:
    mappings: tuple[GuidMapping, ...]
    cycles: tuple[tuple[str, ...], ...]
    unknown_merges: tuple[str, ...]

    def canonical_of(self) -> dict[str, str]:
        return {m.guid: m.canonical_guid for m in self.mappings if m.canonical_guid is not None}


def _merge_roots(
    stats: set[str], merges: Iterable[PlayerMerge]
) -> tuple[dict[str, tuple[str, str]], list[tuple[str, ...]], list[str]]:
    """guid -> (root, note) for every applicable merge, the cycles, the merges naming unknowns."""
    edges = {m.guid: m for m in merges}
    unknown = sorted(g for g, m in edges.items() if g not in stats or m.into not in stats)
    edges = {g: m for g, m in edges.items() if g not in unknown}
    roots: dict[str, tuple[str, str]] = {}
    cycles: list[tuple[str, ...]] = []
    in_cycle: set[str] = set()
    for start in sorted(edges):
        path = [start]
        node = edges[start].into
        while node in edges and node not in path:
            path.append(node)
            node = edges[node].into
        if node in path:
            cycle = tuple(path[path.index(node) :])
            if not in_cycle.intersection(cycle):
                cycles.append(tuple(sorted(cycle)))
            in_cycle.update(path)
            continue
        roots[start] = (node, edges[start].note)
    for guid in in_cycle:
        roots.pop(guid, None)
    return roots, cycles, unknown


def resolve_identities(
    stats_guids: Iterable[str], full_guids: Iterable[str], merges: Iterable[PlayerMerge] = ()
) -> IdentityResult:
    """Map every stats key and every full GUID to its canonical key (sorted by GUID)."""
    stats = set(stats_guids)
    roots, cycles, unknown = _merge_roots(stats, merges)
    canonical: dict[str, str] = {g: roots[g][0] if g in roots else g for g in stats}
    out = [
        GuidMapping(
            g, "stats", canonical[g], MERGED if g in roots else SELF, roots.get(g, (g, None))[1]
        )
        for g in sorted(stats)
    ]
    split = {g.split(":", 1)[0] for g in stats if ":" in g}
    by_prefix: dict[str, set[str]] = defaultdict(set)
    # A 32-character value that is itself a stats key (synthetic bot / no-GUID keys have 32
    # characters too) is already mapped as a stats key.
    fulls = sorted({f.upper() for f in full_guids if f and len(f) == 32} - stats)
    for full in fulls:
        by_prefix[full[:8]].add(full)
    for full in fulls:
        prefix = full[:8]
        if len(by_prefix[prefix]) > 1 or prefix in split:
            out.append(GuidMapping(full, "full", None, COLLISION, f"prefix {prefix} is shared"))
        elif prefix in canonical:
            out.append(GuidMapping(full, "full", canonical[prefix], PREFIX))
        else:
            out.append(GuidMapping(full, "full", None, UNMATCHED, "never in a stats file"))
    return IdentityResult(tuple(out), tuple(sorted(cycles)), tuple(unknown))
