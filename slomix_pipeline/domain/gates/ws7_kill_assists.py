"""WS7 predicate: kill assists present for every player, and three views that agree per player.

Upstream compared kill assists only, for assigned players only; this gate compares every player
who played a counted R1/R2 round (late joiners and unassigned players included) on the counters
of :data:`~slomix_pipeline.domain.gates.ws7_records.WS7_FIELDS`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import slomix_pipeline.domain.gates.ws7_records as codes
from slomix_pipeline.domain.gates.verdicts import GateFailure, GateResult, gate_result
from slomix_pipeline.domain.gates.ws7_records import WS7_FIELDS, PlayerValues, SessionRoundRef


def _player_subject(session_key: str, guid: str, name: str) -> str:
    return f"{session_key} {guid} ({name})"


def _sum_by_guid(rows: Iterable[PlayerValues]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        target = out.setdefault(row.player_guid, dict.fromkeys(WS7_FIELDS, 0))
        for name in WS7_FIELDS:
            target[name] += row.values.get(name) or 0
    return out


def _diff(a: Mapping[str, int], b: Mapping[str, int], names: tuple[str, str]) -> str | None:
    parts = [
        f"{field}: {names[0]} {a[field]} vs {names[1]} {b[field]}"
        for field in WS7_FIELDS
        if a[field] != b[field]
    ]
    return "; ".join(parts) or None


def summarize_kill_assists(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    text = (
        f"{coverage.get('sessions', 0)} session(s), {coverage.get('players', 0)} player(s): "
        f"kill_assists {coverage.get('ka_totals', 0)} (totals) = "
        f"{coverage.get('ka_graphs', 0)} (graphs) = {coverage.get('ka_rounds', 0)} (R1/R2 rows)"
    )
    if failures:
        text = f"WS7 parity broken ({len(failures)} failure(s)); " + text
    return text


def kill_assists_gate(
    sessions: Mapping[int, str],
    session_rounds: Iterable[SessionRoundRef],
    totals: Iterable[PlayerValues],
    graph_rows: Iterable[PlayerValues],
    round_rows: Iterable[PlayerValues],
) -> GateResult:
    """WS7: kill assists present for every player, and three views that agree per player.

    ``sessions`` maps session id to session key; ``round_rows`` are the stored player rows of
    the sessions' *counted* rounds. Only R1/R2 rows are summed (a round-0 summary row is
    excluded, and a counted summary round is itself a failure). Every GUID that played a counted
    R1/R2 round must have a session total and graph rows, late joiners and unassigned players
    included; per player, totals == sum of graph rows == sum of R1/R2 rows for every counter in
    :data:`WS7_FIELDS`.
    """
    failures: list[GateFailure] = []
    key_of = dict(sessions)
    counted = set()
    for sr in session_rounds:
        if not sr.counted:
            continue
        counted.add(sr.round_id)
        if sr.round_number not in (1, 2):
            failures.append(
                GateFailure(
                    sr.round_key,
                    codes.WS7_SUMMARY_COUNTED,
                    f"round_number {sr.round_number} counted in {key_of.get(sr.session_id)}",
                )
            )
    by_session: dict[int, dict[str, list[PlayerValues]]] = defaultdict(
        lambda: {"totals": [], "graphs": [], "rounds": []}
    )
    for view, rows in (("totals", totals), ("graphs", graph_rows), ("rounds", round_rows)):
        for row in rows:
            if view == "rounds" and (row.round_number not in (1, 2) or row.round_id not in counted):
                continue
            by_session[row.session_id][view].append(row)

    players = 0
    ka = dict.fromkeys(("totals", "graphs", "rounds"), 0)
    for session_id in sorted(set(key_of) | set(by_session)):
        skey = key_of.get(session_id, f"session {session_id}")
        views = by_session[session_id]
        names = {r.player_guid: r.player_name for v in views.values() for r in v}
        for view in ("totals", "graphs"):
            for row in views[view]:
                if row.values.get("kill_assists") is None:
                    where = "session totals" if view == "totals" else f"graph row {row.round_id}"
                    failures.append(
                        GateFailure(
                            _player_subject(skey, row.player_guid, row.player_name),
                            codes.WS7_KA_MISSING,
                            f"kill_assists is NULL in the {where}",
                        )
                    )
        sums = {view: _sum_by_guid(rows) for view, rows in views.items()}
        for view in ka:
            ka[view] += sum(v["kill_assists"] for v in sums[view].values())
        guids = set(sums["totals"]) | set(sums["graphs"]) | set(sums["rounds"])
        players += len(guids)
        for guid in sorted(guids):
            subject = _player_subject(skey, guid, names.get(guid, "?"))
            t, g, r = (sums[v].get(guid) for v in ("totals", "graphs", "rounds"))
            if r is None:
                failures.append(
                    GateFailure(
                        subject,
                        codes.WS7_PLAYER_WITHOUT_ROUNDS,
                        "no R1/R2 row in any counted round",
                    )
                )
            else:
                if t is None:
                    failures.append(
                        GateFailure(
                            subject, codes.WS7_MISSING_FROM_TOTALS, "played but has no total"
                        )
                    )
                if g is None:
                    failures.append(
                        GateFailure(
                            subject, codes.WS7_MISSING_FROM_GRAPHS, "played but has no graph rows"
                        )
                    )
            if t is not None and g is not None and (d := _diff(t, g, ("totals", "graphs"))):
                failures.append(GateFailure(subject, codes.WS7_TOTALS_VS_GRAPHS, d))
            if g is not None and r is not None and (d := _diff(g, r, ("graphs", "rounds"))):
                failures.append(GateFailure(subject, codes.WS7_GRAPHS_VS_ROUNDS, d))
    coverage = {
        "sessions": len(set(key_of) | set(by_session)),
        "counted_rounds": len(counted),
        "players": players,
        "ka_totals": ka["totals"],
        "ka_graphs": ka["graphs"],
        "ka_rounds": ka["rounds"],
    }
    return gate_result(failures, coverage, summarize_kill_assists)
