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

``lua_spec`` holds what the Lua reports for a round; ``lua_truth`` states, independently of
the parsers and the merge, what ``lua_round_teams``, ``lua_spawn_stats`` and
``processed_files`` must contain for the corpus.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    WEBHOOK_FOLDER,
    sha256_hex,
    write_atomically,
)
from slomix_pipeline.sample_data.lua_render import (
    LUA_VERSION,
    LuaRoundSpec,
    render_gametime,
    render_stats_ready,
    stats_ready_body,
)
from slomix_pipeline.sample_data.lua_spec import LEGACY_LUA_VERSION, round_spec, webhook_drop_name
from slomix_pipeline.sample_data.model import SimCorpus, SimRound

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
class LandedLuaFile(LuaDelivery):
    """A file as it finally sits in the landing zone: last content landed, its landing time."""

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
