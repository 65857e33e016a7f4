"""WS0 reads: the round contract rows and the negative values of a set of gaming days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, func, or_, select

from slomix_pipeline.domain.gates import (
    ContractRound,
    ValueRow,
)
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.gate_reads.common import in_days, split_reasons
from slomix_pipeline.warehouse.query_parts import by_day, columns, values
from slomix_pipeline.warehouse.schema import PLAYER_METRICS

_WEAPON_VALUES = ("hits", "shots", "kills", "deaths", "headshots", "accuracy")


_CONTRACT_FIELDS = (
    "round_key",
    "round_number",
    "defender_team",
    "winner_team",
    "score_confidence",
    "round_stopwatch_state",
    "time_limit_seconds",
    "actual_time_seconds",
    "is_orphan_r2",
    "source_file",
    "r1_file_name",
    "end_reason",
)
"""The ``ContractRound`` fields stored as ``rounds`` columns of the same name."""


def read_contract_rounds(conn: Connection, days: Sequence[date]) -> dict[date, list[ContractRound]]:
    """The contract columns of every ``rounds`` row of ``days``."""
    t = schema.rounds
    query = select(t.c.gaming_day, t.c.side_reasons, *columns(t, _CONTRACT_FIELDS))
    return by_day(
        conn,
        query.where(in_days(t, days)),
        lambda r: ContractRound(
            **values(r, _CONTRACT_FIELDS), side_reasons=split_reasons(r.side_reasons)
        ),
    )


@dataclass(slots=True)
class NegativeValues:
    """Rows holding a negative value, and how many rows were looked at, per day."""

    rows: dict[date, list[ValueRow]] = field(default_factory=lambda: defaultdict(list))
    checked: dict[date, int] = field(default_factory=lambda: defaultdict(int))


def read_negative_values(conn: Connection, days: Sequence[date]) -> NegativeValues:
    """Player and weapon rows of ``days`` with any negative metric (SQL-filtered)."""
    out = NegativeValues()
    rounds = schema.rounds
    for table, metrics, weapon in (
        (schema.player_comprehensive_stats, PLAYER_METRICS, False),
        (schema.weapon_comprehensive_stats, _WEAPON_VALUES, True),
    ):
        counts = select(table.c.gaming_day, func.count()).where(in_days(table, days))
        for day, n in conn.execute(counts.group_by(table.c.gaming_day)):
            out.checked[day] += n
        label_cols = [table.c.player_guid] + ([table.c.weapon_name] if weapon else [])
        query = (
            select(
                table.c.gaming_day,
                table.c.round_id,
                rounds.c.round_key,
                *label_cols,
                *(table.c[m] for m in metrics),
            )
            .select_from(table.outerjoin(rounds, rounds.c.id == table.c.round_id))
            .where(in_days(table, days), or_(*(table.c[m] < 0 for m in metrics)))
        )
        for r in conn.execute(query):
            label = f"{r.player_guid} {r.weapon_name}" if weapon else r.player_guid
            values = {m: r._mapping[m] for m in metrics}
            round_key = r.round_key or f"round id {r.round_id}"
            out.rows[r.gaming_day].append(ValueRow(round_key, label, values))
    return out
