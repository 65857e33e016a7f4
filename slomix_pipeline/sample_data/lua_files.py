"""Lua deliveries for the sample landing zone: webhook drops and gametime files, plus their truth.

The simulator decides what happened in each round; this module decides how the Lua's two
channels *delivered* it, the way real nights look: most rounds arrive by both channels, a few by
one only, and a handful of planted cases exercise every path of the ingestion:

========================  ==================================================================
scenario                  what lands
========================  ==================================================================
``gametime_only``         an R2 whose webhook was never sent (the R2 map-transition race)
``webhook_only``          a round whose gametime file never reached the landing zone
``legacy``                a pre-v1.2 body (spelled-out field names, no rosters), webhook only
``malformed``             the body arrived with a truncated ``Axis_JSON``: quarantined; the
                          round survives through its gametime file
``round_zero``            an R2 reported with the older Lua's raw round ``0`` (both channels)
``redelivery``            the identical body delivered twice (retry sweep): one file, whose
                          mtime keeps the first arrival
``resend``                the gametime file re-sent later with ``payload`` and ``spawn_stats``
                          as JSON strings: it replaces the first copy, later mtime
``objective_ping``        a non-STATS_READY "Objective Update" message during a round
========================  ==================================================================

Every file is landed through ``write_atomically`` under the name its real producer uses (webhook
drops content-addressed exactly like the receiver names them) and gets a deterministic mtime, the
"received" time the pipeline reads: a webhook lands 1-3 s after the round end, a gametime file
15-75 s after it (the SFTP poll).

``lua_truth`` states, independently of the parsers and the merge, what ``lua_round_teams``,
``lua_spawn_stats`` and ``processed_files`` must contain for the corpus.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from slomix_pipeline.domain.identity import stable_id
from slomix_pipeline.domain.lua_events import map_key
from slomix_pipeline.formats.webhook import is_stats_ready, message_kind
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    WEBHOOK_FOLDER,
    content_addressed_name,
    sha256_hex,
    write_atomically,
)
from slomix_pipeline.sample_data.clock import SERVER_TZ, gaming_day
from slomix_pipeline.sample_data.lua_render import (
    LUA_VERSION,
    LuaRoundSpec,
    PauseSpec,
    SpawnSpec,
    format_timelimit,
    render_gametime,
    render_stats_ready,
    stats_ready_body,
)
from slomix_pipeline.sample_data.model import ALLIES, AXIS, SimCorpus, SimRound

LEGACY_LUA_VERSION = "1.1.0"
LEGACY_WARNINGS: tuple[str, ...] = (
    "legacy_field:duration",
    "legacy_field:end reason",
    "legacy_field:end unix",
    "legacy_field:pauses",
    "legacy_field:start unix",
    "legacy_field:time limit",
)
"""What the parser notes for a pre-v1.2 body: one warning per field read under its old name."""
ROUND_ZERO_WARNINGS: tuple[str, ...] = ("round_0_mapped_to_2",)

_END_REASONS = {"objective": "OBJECTIVE", "surrender": "SURRENDER", "time_expired": "TIME_EXPIRED"}

WEBHOOK = "webhook"
GAMETIME = "gametime"

# (scenario, predicate on the round); placed in this order, each on its own round.
_SCENARIOS: tuple[tuple[str, Callable[[SimRound], bool]], ...] = (
    ("gametime_only", lambda r: r.round_number == 2),
    ("webhook_only", lambda r: True),
    ("legacy", lambda r: True),
    ("malformed", lambda r: True),
    ("round_zero", lambda r: r.round_number == 2),
    ("redelivery", lambda r: True),
    ("resend", lambda r: True),
)
OBJECTIVE_PING = "objective_ping"


# ---------------------------------------------------------------------------- model -> spec


def lua_end_reason(r: SimRound) -> str:
    """The end reason the Lua computes from the clock, not from what really happened.

    Play at or beyond 90 % of the limit reads ``time_expired`` (even an objective finished late),
    else a surrender vote reads ``surrender``, else a known winner reads ``objective``.
    """
    if r.timelimit_seconds > 0 and r.actual_duration_seconds >= 0.9 * r.timelimit_seconds:
        return "time_expired"
    if r.surrender_team:
        return "surrender"
    return "objective" if r.winner_team else "surrender"


def _lua_guid(guid32: str, is_bot: bool) -> str:
    """Omni-bots have no ``cl_guid``: the Lua lists them with an empty GUID."""
    return "" if is_bot else guid32[:32]


def round_spec(r: SimRound, *, lua_version: str = LUA_VERSION) -> LuaRoundSpec:
    """What the Lua reports for a simulated round (rosters at round end, colour codes stripped)."""

    def roster(team: int) -> tuple[tuple[str, str], ...]:
        return tuple(
            (_lua_guid(p.player.guid32, p.player.is_bot), p.player.clean_name)
            for p in r.players
            if p.team == team
        )

    caller = r.player(r.surrender_caller_guid32) if r.surrender_caller_guid32 else None
    start = r.round_start_unix
    return LuaRoundSpec(
        map_name=r.map_name,
        round_number=r.round_number,
        round_start_unix=start,
        round_end_unix=r.round_end_unix,
        actual_duration_seconds=r.actual_duration_seconds,
        end_reason=lua_end_reason(r),
        winner=r.winner_team,
        defender=r.defender_team,
        timelimit_minutes=r.timelimit_minutes,
        axis=roster(AXIS),
        allies=roster(ALLIES),
        pauses=tuple(PauseSpec(start + off, start + off + length) for off, length in r.pauses),
        warmup_seconds=r.warmup_seconds,
        warmup_start_unix=start - r.warmup_seconds,
        surrender_team=r.surrender_team,
        surrender_caller_guid=r.surrender_caller_guid32,
        surrender_caller_name=caller.player.clean_name if caller else "",
        axis_score=1 if r.winner_team == AXIS else 0,
        allies_score=1 if r.winner_team == ALLIES else 0,
        spawn_stats=tuple(
            SpawnSpec(
                p.player.guid32,
                p.player.clean_name,
                p.spawns,
                p.deaths,
                p.dead_seconds,
                p.max_respawn_seconds,
            )
            for p in r.players
            if not p.player.is_bot
        ),
        lua_version=lua_version,
    )


def webhook_drop_name(data: bytes) -> str:
    """The name the receiver lands a body under (``<kind>_<sha256>.json``), same rule."""
    body = json.loads(data)
    kind = "stats_ready" if is_stats_ready(body) else message_kind(body)
    return content_addressed_name(data, f"{kind}_", ".json")


def _malformed_body(spec: LuaRoundSpec) -> bytes:
    """A STATS_READY body whose ``Axis_JSON`` text was cut in half: valid JSON, broken field."""
    body = stats_ready_body(spec)
    for item in body["embeds"][0]["fields"]:
        if item["name"] == "Axis_JSON":
            item["value"] = item["value"][: max(1, len(item["value"]) // 2)]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _objective_ping(r: SimRound) -> bytes:
    """The optional live ping (no ``content``), landed by the receiver and ignored downstream."""
    body = {
        "username": "ET:Legacy Live",
        "embeds": [
            {
                "title": "Objective Update",
                "description": f"{r.map_name}: the attackers destroyed the main gate",
                "color": 15105570,
                "footer": {"text": f"Slomix Lua Webhook v{LUA_VERSION}"},
            }
        ],
        "allowed_mentions": {"parse": []},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -------------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class LuaDelivery:
    """One arrival of one file: where it lands, its bytes, when, and what it is for the truth.

    ``role`` is ``webhook`` / ``gametime`` (a round-end event), ``malformed`` (a body that must be
    quarantined) or ``objective_ping`` (a message that must be ignored).
    """

    folder: str
    name: str
    data: bytes
    received_at: int
    role: str
    round_index: int


@dataclass(frozen=True, slots=True)
class LandedLuaFile:
    """A file as it finally sits in the landing zone: last content landed, its landing time."""

    folder: str
    name: str
    data: bytes
    received_at: int
    role: str
    round_index: int

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


@dataclass(frozen=True, slots=True)
class LuaPlan:
    """Every delivery in arrival order, and which round carries each planted scenario."""

    rounds: tuple[SimRound, ...]
    deliveries: tuple[LuaDelivery, ...]
    scenarios: dict[str, int]

    def landed(self) -> dict[tuple[str, str], LandedLuaFile]:
        """The landing zone after all deliveries: an identical re-landing keeps the first mtime,
        different content under the same name replaces the file (and its mtime)."""
        out: dict[tuple[str, str], LandedLuaFile] = {}
        for d in self.deliveries:
            current = out.get((d.folder, d.name))
            if current is not None and current.data == d.data:
                continue
            out[(d.folder, d.name)] = LandedLuaFile(
                d.folder, d.name, d.data, d.received_at, d.role, d.round_index
            )
        return out


def _assign_scenarios(rounds: Sequence[SimRound]) -> dict[str, int]:
    """Spread the planted cases over the corpus, one round each, deterministically."""
    assigned: dict[str, int] = {}
    used: set[int] = set()
    n = len(rounds)
    for k, (scenario, accepts) in enumerate(_SCENARIOS):
        start = n * (2 * k + 1) // (2 * len(_SCENARIOS))
        for step in range(n):
            index = (start + step) % n
            if index not in used and accepts(rounds[index]):
                assigned[scenario] = index
                used.add(index)
                break
    if rounds:
        assigned[OBJECTIVE_PING] = n // 3
    return assigned


def plan_lua_deliveries(corpus: SimCorpus) -> LuaPlan:
    """Decide every delivery of the corpus (pure; ``write_lua_files`` performs it)."""
    rounds = corpus.rounds
    scenarios = _assign_scenarios(rounds)
    by_round = {index: name for name, index in scenarios.items() if name != OBJECTIVE_PING}
    deliveries: list[LuaDelivery] = []
    for index, r in enumerate(rounds):
        rng = random.Random(f"slomix-lua:{corpus.seed}:{index}:{r.round_end_unix}")
        scenario = by_round.get(index)
        webhook_at = r.round_end_unix + rng.randint(1, 3)
        gametime_at = r.round_end_unix + rng.randint(15, 75)
        spec = round_spec(
            r, lua_version=LEGACY_LUA_VERSION if scenario == "legacy" else LUA_VERSION
        )
        round_zero = scenario == "round_zero"

        def add(folder: str, name: str, data: bytes, at: int, role: str, i: int = index) -> None:
            deliveries.append(LuaDelivery(folder, name, data, at, role, i))

        if scenario not in {"gametime_only", "malformed"}:
            body = render_stats_ready(
                spec, legacy_names=scenario == "legacy", round_zero=round_zero
            )
            add(WEBHOOK_FOLDER, webhook_drop_name(body), body, webhook_at, WEBHOOK)
            if scenario == "redelivery":
                add(WEBHOOK_FOLDER, webhook_drop_name(body), body, webhook_at + 61, WEBHOOK)
        if scenario == "malformed":
            body = _malformed_body(spec)
            add(WEBHOOK_FOLDER, webhook_drop_name(body), body, webhook_at, "malformed")
        if scenario not in {"webhook_only", "legacy"}:
            name, data = render_gametime(spec, round_zero=round_zero)
            add(GAMETIMES_FOLDER, name, data, gametime_at, GAMETIME)
            if scenario == "resend":
                name, data = render_gametime(
                    spec, payload_as_string=True, spawn_stats_as_string=True
                )
                add(GAMETIMES_FOLDER, name, data, gametime_at + rng.randint(600, 1200), GAMETIME)
        if scenarios.get(OBJECTIVE_PING) == index:
            ping = _objective_ping(r)
            at = r.round_start_unix + min(120, max(1, r.actual_duration_seconds // 2))
            add(WEBHOOK_FOLDER, webhook_drop_name(ping), ping, at, OBJECTIVE_PING)
    ordered = sorted(enumerate(deliveries), key=lambda item: (item[1].received_at, item[0]))
    return LuaPlan(rounds, tuple(d for _, d in ordered), scenarios)


def write_lua_files(corpus: SimCorpus, data_dir: Path) -> int:
    """Land the corpus's webhook drops and gametime files; returns the number of files landed.

    Deliveries land in arrival order through ``write_atomically`` (an identical redelivery is a
    no-op, a re-sent gametime file replaces the first copy); then every file's mtime is set to
    its deterministic landing time.
    """
    plan = plan_lua_deliveries(corpus)
    data_dir = Path(data_dir)
    for d in plan.deliveries:
        write_atomically(data_dir / d.folder, d.name, d.data)
    landed = plan.landed()
    for f in landed.values():
        stamp = f.received_at * 1_000_000_000
        os.utime(data_dir / f.folder / f.name, ns=(stamp, stamp))
    return len(landed)


# -------------------------------------------------------------------------------- the truth


@dataclass(frozen=True, slots=True)
class LuaFileTruth:
    """The ``processed_files`` outcome a landed Lua file must get."""

    source: str
    file_name: str
    kind: str
    status: str
    reason_code: str | None
    gaming_day: date
    sha256: str


@dataclass(frozen=True, slots=True)
class LuaTruth:
    """Expected rows, in the warehouse's column names.

    ``teams``: ``lua_round_teams.id`` -> every column; ``spawns``: ``(lua_round_id, guid)`` -> every
    column of ``lua_spawn_stats``; ``files``: ``(source, file name)`` -> outcome; ``scenarios``:
    planted case -> ``lua_round_teams.id`` (the ping -> the id of the round it interrupted).
    """

    teams: dict[int, dict[str, Any]]
    spawns: dict[tuple[int, str], dict[str, Any]]
    files: dict[tuple[str, str], LuaFileTruth]
    scenarios: dict[str, int]
    days: tuple[date, ...]


def expected_lua_round_id(r: SimRound) -> int:
    """The id convention: ``stable_id`` of ``lua:<map key>:R<n>:<start>:<end>``."""
    return stable_id(
        f"lua:{map_key(r.map_name)}:R{r.round_number}:{r.round_start_unix}:{r.round_end_unix}"
    )


def _day_of_epoch(epoch: int) -> date:
    return gaming_day(datetime.fromtimestamp(epoch, SERVER_TZ).replace(tzinfo=None))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _team_truth(
    r: SimRound, legacy: bool, warnings: tuple[str, ...], files: Sequence[LandedLuaFile]
) -> dict[str, Any]:
    spec = round_spec(r)
    webhook = next((f for f in files if f.role == WEBHOOK), None)
    primary = webhook or files[0]
    gametime = next((f for f in files if f.role == GAMETIME), None)
    caller = spec.surrender_caller_name or None
    arrivals = [f.received_at for f in files]
    roster = _json([{"guid": g, "name": n} for g, n in spec.axis])
    allies = _json([{"guid": g, "name": n} for g, n in spec.allies])
    pauses = _json(
        [
            {"n": n, "start": p.start_unix, "end": p.end_unix, "sec": p.seconds}
            for n, p in enumerate(spec.pauses, start=1)
        ]
    )
    raw_reason = lua_end_reason(r)
    return {
        "id": expected_lua_round_id(r),
        "gaming_day": gaming_day(r.end_local),
        "match_id": f"{r.end_local:%Y-%m-%d-%H%M%S}",
        "map_key": map_key(r.map_name),
        "map_name": r.map_name,
        "round_number": r.round_number,
        "round_start_unix": r.round_start_unix,
        "round_end_unix": r.round_end_unix,
        "actual_duration_seconds": r.actual_duration_seconds,
        "total_pause_seconds": r.total_pause_seconds,
        "pause_count": r.pause_count,
        "lua_pause_events": "[]" if legacy else pauses,
        "end_reason": _END_REASONS[raw_reason],
        "end_reason_raw": raw_reason,
        "winner_team": r.winner_team,
        "defender_team": r.defender_team,
        "timelimit_minutes": float(format_timelimit(r.timelimit_minutes)),
        "lua_warmup_seconds": None if legacy else r.warmup_seconds,
        "lua_warmup_start_unix": None if legacy else r.round_start_unix - r.warmup_seconds,
        "surrender_team": 0 if legacy else r.surrender_team,
        "surrender_caller_guid": None if legacy else (r.surrender_caller_guid32 or None),
        "surrender_caller_name": None if legacy else caller,
        "axis_score": None if legacy else spec.axis_score,
        "allies_score": None if legacy else spec.allies_score,
        "axis_players": "[]" if legacy else roster,
        "allies_players": "[]" if legacy else allies,
        "lua_version": LEGACY_LUA_VERSION if legacy else LUA_VERSION,
        "sources": "+".join(s for s in (WEBHOOK, GAMETIME) if any(f.role == s for f in files)),
        "event_count": len(files),
        "first_seen_at": min(arrivals),
        "last_update_at": max(arrivals),
        "spawn_source_file": gametime.name if gametime else None,
        "warnings": "; ".join(sorted(warnings)) or None,
        "source_file": primary.name,
        "source_sha256": primary.sha256,
    }


def _spawn_truth(r: SimRound, gametime: LandedLuaFile) -> dict[tuple[int, str], dict[str, Any]]:
    round_id = expected_lua_round_id(r)
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for p in r.players:
        if p.player.is_bot or not (p.spawns or p.deaths):
            continue
        out[(round_id, p.player.guid32)] = {
            "lua_round_id": round_id,
            "player_guid": p.player.guid32,
            "gaming_day": gaming_day(r.end_local),
            "match_id": f"{r.end_local:%Y-%m-%d-%H%M%S}",
            "map_key": map_key(r.map_name),
            "map_name": r.map_name,
            "round_number": r.round_number,
            "round_start_unix": r.round_start_unix,
            "round_end_unix": r.round_end_unix,
            "player_name": p.player.clean_name,
            "spawn_count": p.spawns,
            "death_count": p.deaths,
            "dead_seconds": p.dead_seconds,
            "avg_respawn_seconds": p.avg_respawn_seconds,
            "max_respawn_seconds": p.max_respawn_seconds,
            "source": GAMETIME,
            "source_file": gametime.name,
            "source_sha256": gametime.sha256,
        }
    return out


def _file_truth(f: LandedLuaFile, r: SimRound) -> LuaFileTruth:
    source = GAMETIME if f.folder == GAMETIMES_FOLDER else WEBHOOK
    if f.role in {WEBHOOK, GAMETIME}:
        kind = "gametime" if f.role == GAMETIME else "stats_ready"
        status, reason, day = "loaded", None, gaming_day(r.end_local)
    elif f.role == "malformed":
        kind, status, reason = "stats_ready", "rejected", "malformed_json"
        day = _day_of_epoch(f.received_at)
    else:
        kind, status, reason = "objective_update", "ignored", "not_stats_ready"
        day = _day_of_epoch(f.received_at)
    return LuaFileTruth(source, f.name, kind, status, reason, day, f.sha256)


def lua_truth(corpus: SimCorpus) -> LuaTruth:
    """What the Lua tables and ``processed_files`` must hold for the corpus's Lua files."""
    plan = plan_lua_deliveries(corpus)
    landed = plan.landed()
    by_round: dict[int, list[LandedLuaFile]] = {}
    files: dict[tuple[str, str], LuaFileTruth] = {}
    for f in landed.values():
        r = plan.rounds[f.round_index]
        truth = _file_truth(f, r)
        files[(truth.source, truth.file_name)] = truth
        if f.role in {WEBHOOK, GAMETIME}:
            by_round.setdefault(f.round_index, []).append(f)
    inverse = {index: name for name, index in plan.scenarios.items() if name != OBJECTIVE_PING}
    teams: dict[int, dict[str, Any]] = {}
    spawns: dict[tuple[int, str], dict[str, Any]] = {}
    for index, round_files in sorted(by_round.items()):
        r = plan.rounds[index]
        scenario = inverse.get(index)
        warnings = {
            "legacy": LEGACY_WARNINGS,
            "round_zero": ROUND_ZERO_WARNINGS,
        }.get(scenario or "", ())
        row = _team_truth(r, scenario == "legacy", warnings, round_files)
        teams[row["id"]] = row
        gametime = next((f for f in round_files if f.role == GAMETIME), None)
        if gametime is not None:
            spawns.update(_spawn_truth(r, gametime))
    scenarios = {
        name: expected_lua_round_id(plan.rounds[index]) for name, index in plan.scenarios.items()
    }
    days = {row["gaming_day"] for row in teams.values()} | {t.gaming_day for t in files.values()}
    return LuaTruth(teams, spawns, files, scenarios, tuple(sorted(days)))
