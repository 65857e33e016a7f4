"""The ``ENGAGEMENTS`` section: one line per target under fire, its attackers parsed at once and
its victim path parsed for the whole file in one vectorised read (:func:`_build_engagements`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from slomix_pipeline.formats.proximity.fields import _flag, _float, _int, _opt_str
from slomix_pipeline.formats.proximity.file_record import BrokenLine
from slomix_pipeline.formats.proximity.records import Attacker, Engagement, EngagementPoint
from slomix_pipeline.formats.proximity.rejects import _LineError
from slomix_pipeline.formats.proximity_points import ENGAGEMENT_POINTS, read_isolating

_ENGAGEMENT_FIELDS = 24
_ATTACKER_FIELDS = 9


def _parse_weapons(text: str) -> tuple[tuple[int, int], ...]:
    weapons = []
    for item in text.split(";"):
        if not item:
            continue
        weapon_id, sep, count = item.partition(":")
        if not sep:
            raise _LineError("bad_weapons")
        weapons.append((_int(weapon_id, "bad_weapons"), _int(count, "bad_weapons")))
    return tuple(weapons)


def _parse_attackers(text: str) -> tuple[Attacker, ...]:
    if not text:
        return ()
    attackers = []
    for item in text.split("|"):
        parts = item.split(",", _ATTACKER_FIELDS - 1)
        if len(parts) != _ATTACKER_FIELDS:
            raise _LineError("bad_attacker")
        attackers.append(
            Attacker(
                guid=parts[0],
                name=parts[1],
                team=parts[2],
                damage=_int(parts[3], "bad_attacker"),
                hits=_int(parts[4], "bad_attacker"),
                first_hit_ms=_int(parts[5], "bad_attacker"),
                last_hit_ms=_int(parts[6], "bad_attacker"),
                got_kill=_flag(parts[7]),
                weapons=_parse_weapons(parts[8]),
            )
        )
    return tuple(attackers)


class _PendingEngagement(NamedTuple):
    """An engagement line whose fields parsed; its positions are parsed in bulk later."""

    engagement_id: int
    head: tuple[object, ...]  # Engagement fields up to distance_traveled, in order
    positions_text: str
    n_points: int
    attackers: tuple[Attacker, ...]

    @property
    def line_no(self) -> int:
        return int(self.head[0])  # type: ignore[call-overload]

    def build(self, positions: tuple[EngagementPoint, ...]) -> Engagement:
        return Engagement(*self.head, positions, self.positions_text, self.attackers)  # type: ignore[arg-type]


def _parse_engagement(line_no: int, line: str) -> _PendingEngagement:
    # The attacker list nests ';' inside its weapon pairs, so only the first 23 split.
    f = line.split(";", _ENGAGEMENT_FIELDS - 1)
    if len(f) != _ENGAGEMENT_FIELDS:
        raise _LineError("field_count")
    participants = tuple(f[14].split(",")) if f[14] else ()
    attackers = _parse_attackers(f[23])
    num_attackers = _int(f[11])
    if num_attackers != len(attackers):
        # The tracker writes one item per counted GUID; a shortfall means a cut-off line.
        raise _LineError("attacker_count_mismatch")
    positions = f[22]
    n_points = positions.count("|") + 1 if positions else 0
    if positions.count(",") != 4 * n_points:
        raise _LineError("bad_position")  # every point is time,x,y,z,event
    engagement_id = _int(f[0])
    head = (
        line_no,
        engagement_id,
        _int(f[1]),
        _int(f[2]),
        _int(f[3]),
        f[4],
        f[5],
        f[6],
        f[7],
        _int(f[8]),
        _opt_str(f[9]),
        _opt_str(f[10]),
        num_attackers,
        _flag(f[12]),
        _int(f[13]) if f[13] else None,
        participants,
        _float(f[15]),
        _float(f[16]),
        _float(f[17]),
        _float(f[18]),
        _float(f[19]),
        _float(f[20]),
        _float(f[21]),
    )
    return _PendingEngagement(engagement_id, head, positions, n_points, attackers)


def _build_engagements(
    pending: Sequence[_PendingEngagement], broken: list[BrokenLine]
) -> tuple[Engagement, ...]:
    with_points = [p for p in pending if p.n_points]
    points: dict[int, tuple[EngagementPoint, ...]] = {}
    groups = read_isolating(
        with_points, lambda p: p.positions_text, lambda p: p.n_points, ENGAGEMENT_POINTS
    )
    for group, chunk in groups:
        if chunk is None:
            broken.append(BrokenLine(group[0].line_no, "engagements:bad_position"))
            continue
        c = chunk.columns
        names = np.asarray(chunk.names, dtype=object)
        rows = list(
            map(
                EngagementPoint._make,
                zip(
                    c["time_ms"].tolist(),
                    c["x"].tolist(),
                    c["y"].tolist(),
                    c["z"].tolist(),
                    names[chunk.codes].tolist() if len(names) else [],
                    strict=True,
                ),
            )
        )
        cursor = 0
        for p in group:
            points[p.line_no] = tuple(rows[cursor : cursor + p.n_points])
            cursor += p.n_points
    return tuple(
        p.build(points.get(p.line_no, ())) for p in pending if not p.n_points or p.line_no in points
    )
