"""Gates of the community datasets (pure): identity resolves, careers equal their sessions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DatasetFailure:
    subject: str
    reason: str
    detail: str


def identity_failures(
    session_guids: Iterable[str],
    canonical_of: Mapping[str, str | None],
    player_keys: set[str],
    cycles: Iterable[tuple[str, ...]],
) -> list[DatasetFailure]:
    """Every GUID of a session row maps to one canonical player that exists in ``players``,
    and no declared merges form a cycle."""
    out = [
        DatasetFailure(" -> ".join(c), "merge_cycle", "these merges point at each other")
        for c in cycles
    ]
    for guid in sorted(set(session_guids)):
        canonical = canonical_of.get(guid)
        if canonical is None:
            out.append(DatasetFailure(guid, "unresolved_guid", "no canonical player"))
        elif canonical not in player_keys:
            out.append(DatasetFailure(guid, "missing_player", f"canonical {canonical} unknown"))
    return out


def sum_failures(
    expected: Mapping[str, Mapping[str, int]], stored: Mapping[str, Mapping[str, int]]
) -> list[DatasetFailure]:
    """Career totals (``stored``) equal the sums of the session rows (``expected``), per player
    and counter; a player on one side only is a failure too."""
    out = []
    for guid in sorted(set(expected) | set(stored)):
        if guid not in stored:
            out.append(DatasetFailure(guid, "career_missing", "session rows without a career"))
            continue
        if guid not in expected:
            out.append(DatasetFailure(guid, "career_orphan", "career without session rows"))
            continue
        for name, value in sorted(expected[guid].items()):
            if int(stored[guid].get(name, 0)) != int(value):
                got = stored[guid].get(name)
                out.append(DatasetFailure(guid, "career_sum_mismatch", f"{name}: {got} != {value}"))
    return out
