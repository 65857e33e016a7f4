"""Proximity tracker files for the sample landing zone, plus the truth the pipeline must find.

Every simulated round gets the ``*_engagements.txt`` file the game server's tracker writes at its
intermission, under ``local_proximity/`` with the tracker's own name
(``<YYYY-MM-DD-HHMMSS>-<map>-round-<N>_engagements.txt``, the server-local round end). The
simulator decides who played which round on which team; the renderer
(:mod:`slomix_pipeline.sample_data.proximity_render`) plays the round's fights out and returns
the file with its truth. Planted cases, one round each:

================  ==================================================================
scenario          what lands
================  ==================================================================
(default)         a Feb-format V4 file: an R2 says ``round=1`` (header and name), the
                  upstream bug the pipeline must correct from the round's times
``v6``            an R2 written by the Aug-format V6 tracker: ``round=2``, extra header
                  keys and sections, spawns at ``t=0``
``broken_lines``  a V4 R2 with one injected line of every broken kind (garbage, bad
                  number, duplicate id, truncated and bad track, bad heatmap cell)
``clock_drift``   a V4 R2 whose tracker stamped its start/end one second before the
                  Lua did: matched only within the tolerance, never exactly
================  ==================================================================

Cost: plain files sample every :data:`SAMPLE_INTERVAL_MS` (coarse, cheap to render and to load);
the planted ones use the deployed cadences (500 ms Feb, 200 ms Aug). Rendering simulates every
50 ms frame, so a large corpus gets files for at most :data:`MAX_PROXIMITY_FILES` rounds spread
evenly over it (the tracker ran on part of the season), which keeps ``generate_landing_zone``
fast for a thousand rounds; the default sample (seed 7, three nights: 48 rounds) gets a file for
every round. Each file lands through ``write_atomically`` and gets a deterministic mtime: the
bot's download, 30 s to 5 min after the round end.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from slomix_pipeline.domain.identity import stable_id
from slomix_pipeline.domain.round_identity import (
    REASON_CONFIRMED_EXACT,
    REASON_CORRECTED_EXACT,
    REASON_CORRECTED_TOLERANCE,
)
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER, write_atomically
from slomix_pipeline.sample_data.clock import SERVER_TZ, gaming_day
from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.model import AXIS, SimCorpus, SimMapPlay, SimRound
from slomix_pipeline.sample_data.proximity_render import (
    BROKEN_LINE_KINDS,
    ProximityRoundSpec,
    ProximityTruth,
    ProxPlayer,
    RenderedProximity,
    render_proximity_round,
)

__all__ = [
    "CLOCK_DRIFT_S",
    "MAX_PROXIMITY_FILES",
    "SAMPLE_INTERVAL_MS",
    "SCENARIO_BROKEN_LINES",
    "SCENARIO_CLOCK_DRIFT",
    "SCENARIO_V5_UNDECLARED",
    "SCENARIO_V6",
    "SCENARIO_V6_FULL",
    "V6_DISABLED_FLAGS",
    "PlannedProximityFile",
    "ProximityFileTruth",
    "plan_proximity_files",
    "proximity_truth",
    "render_planned",
    "write_proximity_files",
]

SCENARIO_V6 = "v6"
SCENARIO_BROKEN_LINES = "broken_lines"
SCENARIO_CLOCK_DRIFT = "clock_drift"
SCENARIO_V6_FULL = "v6_full"
"""An R1 written by 6.11 with every flag declared on: every section of the format."""
SCENARIO_V5_UNDECLARED = "v5_undeclared"
"""An R1 written by a 5.x tracker: V5 magic, no capability declaration (states inferred)."""
V6_DISABLED_FLAGS = ("shot_fired", "spawn_select", "skill_snapshot", "comm_events")
"""The ``v6`` file's declaration: gunfire capture off as in Aug 2026, plus the 6.11 defaults."""
SAMPLE_INTERVAL_MS = 1000
"""Cadence of the plain files: coarse, to keep the sample cheap (the header states it and
nothing downstream assumes a value)."""
_SCENARIO_INTERVAL_MS = {
    SCENARIO_V6: 200,
    SCENARIO_BROKEN_LINES: 500,
    SCENARIO_CLOCK_DRIFT: 500,
    SCENARIO_V6_FULL: 200,
    SCENARIO_V5_UNDECLARED: 500,
}
"""The planted files use the deployed cadences: 500 ms (Feb tracker) and 200 ms (Aug, V6)."""
MAX_PROXIMITY_FILES = 48
CLOCK_DRIFT_S = -1
"""The ``clock_drift`` file's start/end offset from the true (Lua) instants, in seconds."""

_SCENARIOS: tuple[str, ...] = (SCENARIO_V6, SCENARIO_BROKEN_LINES, SCENARIO_CLOCK_DRIFT)
_R1_SCENARIOS: tuple[str, ...] = (SCENARIO_V6_FULL, SCENARIO_V5_UNDECLARED)
"""Planted on R1s (so the R2 cases above keep their rounds)."""
_FORMAT = {SCENARIO_V6: 6, SCENARIO_V6_FULL: 6, SCENARIO_V5_UNDECLARED: 5}
_CLASSES = {"soldier", "medic", "engineer", "fieldops", "covertops"}


@dataclass(frozen=True, slots=True)
class PlannedProximityFile:
    """One file to land: the simulated round it belongs to, its spec and its landing time."""

    round_index: int
    round: SimRound
    play: SimMapPlay
    scenario: str | None
    spec: ProximityRoundSpec
    received_at: int


@dataclass(frozen=True, slots=True)
class ProximityFileTruth:
    """What the warehouse must hold for one landed proximity file.

    ``expected_round_number`` is the true half (what every row must carry after the round
    identity); ``expected_reason`` is the identity decision when the same partition's stats
    files and Lua deliveries are loaded (the full sample). ``stats_file_name`` is the stats file
    of the same round (``None`` when that file was never written, the orphan's missing R1), so
    the linked ``rounds`` row can be checked. ``sprint_percentages`` maps (player GUID, spawn
    time in ms) of every life to its true sprint share of periodic samples.
    """

    file_name: str
    gaming_day: date
    map_name: str
    scenario: str | None
    format_version: int
    header_round_number: int
    expected_round_number: int
    expected_reason: str
    round_start_unix: int
    round_end_unix: int
    stats_file_name: str | None
    engagement_lines: int
    combat_engagements: int
    trade_events: int
    traded: int
    lives: int
    track_points: int
    broken_lines: tuple[tuple[int, str], ...]
    sprint_percentages: dict[tuple[str, int], float | None]
    render_truth: ProximityTruth


def _selected_indices(n: int) -> list[int]:
    if n <= MAX_PROXIMITY_FILES:
        return list(range(n))
    return sorted({k * n // MAX_PROXIMITY_FILES for k in range(MAX_PROXIMITY_FILES)})


def _assign_scenarios(rounds: list[tuple[int, SimRound]]) -> dict[int, str]:
    """Each planted case on its own R2, spread over the corpus (1/4, 1/2, 3/4 of the way)."""
    r2 = [index for index, r in rounds if r.round_number == 2]
    assigned: dict[int, str] = {}
    for k, scenario in enumerate(_SCENARIOS):
        if not r2:
            break
        start = len(r2) * (k + 1) // (len(_SCENARIOS) + 1)
        for step in range(len(r2)):
            index = r2[(start + step) % len(r2)]
            if index not in assigned:
                assigned[index] = scenario
                break
    return assigned


def _assign_r1_scenarios(rounds: list[tuple[int, SimRound]]) -> dict[int, str]:
    """The R1 cases, on the 1/3 and 2/3 R1 of the corpus (stats file present)."""
    r1 = [index for index, r in rounds if r.round_number == 1]
    assigned: dict[int, str] = {}
    for k, scenario in enumerate(_R1_SCENARIOS):
        if r1:
            assigned[r1[len(r1) * (k + 1) // (len(_R1_SCENARIOS) + 1)]] = scenario
    return assigned


def _revives(r: SimRound, players: tuple[ProxPlayer, ...]) -> tuple[tuple[str, int], ...]:
    """Medic GUID (as the tracker writes it) -> the round's revives from the stats truth."""
    return tuple(
        (prox.guid, p.revives_given)
        for prox, p in zip(players, r.players, strict=True)
        if p.revives_given
    )


def _players(r: SimRound) -> tuple[ProxPlayer, ...]:
    """The roster as the tracker sees it: ``cl_guid`` for humans, ``SLOT<n>`` for Omni-bots."""
    players = []
    for slot, p in enumerate(r.players):
        guid = f"SLOT{slot}" if p.player.is_bot else p.player.guid32
        team = "AXIS" if p.team == AXIS else "ALLIES"
        cls = p.player_class.upper() if p.player_class in _CLASSES else "SOLDIER"
        players.append(ProxPlayer(guid, p.player.raw_name, team, cls))
    return tuple(players)


def plan_proximity_files(corpus: SimCorpus) -> tuple[PlannedProximityFile, ...]:
    """Decide every proximity file of the corpus (pure; ``write_proximity_files`` lands them)."""
    plays = {id(r): play for play in corpus.map_plays for r in play.rounds}
    rounds = corpus.rounds
    selected = [(i, rounds[i]) for i in _selected_indices(len(rounds))]
    scenarios = _assign_scenarios(selected)
    for index, scenario in _assign_r1_scenarios(selected).items():
        if not plays[id(rounds[index])].r1_file_missing:
            scenarios[index] = scenario
    planned = []
    for index, r in selected:
        scenario = scenarios.get(index)
        seed = stable_id(f"slomix-proximity:{corpus.seed}:{index}:{r.round_end_unix}")
        rng = random.Random(seed)
        shift = CLOCK_DRIFT_S if scenario == SCENARIO_CLOCK_DRIFT else 0
        players = _players(r)
        version = _FORMAT.get(scenario or "", 4)
        extra: dict[str, object] = {}
        if version >= 5:
            extra["revives_given"] = _revives(r, players)
        if scenario == SCENARIO_V6:
            extra["disabled_flags"] = V6_DISABLED_FLAGS
        elif scenario == SCENARIO_V6_FULL:
            extra["disabled_flags"] = ()
        spec = ProximityRoundSpec(
            map_name=r.map_name,
            round_number=r.round_number,
            round_start_unix=r.round_start_unix + shift,
            round_end_unix=r.round_end_unix + shift,
            players=players,
            seed=seed % (1 << 31),
            format_version=version,
            sample_interval_ms=_SCENARIO_INTERVAL_MS.get(scenario or "", SAMPLE_INTERVAL_MS),
            broken_lines=tuple(BROKEN_LINE_KINDS) if scenario == SCENARIO_BROKEN_LINES else (),
            **extra,  # type: ignore[arg-type]
        )
        received_at = r.round_end_unix + rng.randint(30, 300)
        planned.append(PlannedProximityFile(index, r, plays[id(r)], scenario, spec, received_at))
    return tuple(planned)


def render_planned(planned: PlannedProximityFile) -> RenderedProximity:
    """The file's name, bytes and render truth (deterministic for the plan)."""
    return render_proximity_round(planned.spec)


def write_proximity_files(corpus: SimCorpus, data_dir: Path) -> int:
    """Land the corpus's proximity files in ``local_proximity/``; returns the number landed."""
    folder = Path(data_dir) / PROXIMITY_FOLDER
    count = 0
    for planned in plan_proximity_files(corpus):
        rendered = render_planned(planned)
        path = write_atomically(folder, rendered.name, rendered.data)
        stamp = planned.received_at * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))
        count += 1
    return count


def _expected_reason(planned: PlannedProximityFile) -> str:
    if planned.scenario == SCENARIO_CLOCK_DRIFT:
        return REASON_CORRECTED_TOLERANCE
    header_round = planned.round.round_number if planned.spec.format_version >= 6 else 1
    if header_round == planned.round.round_number:
        return REASON_CONFIRMED_EXACT
    return REASON_CORRECTED_EXACT


def _stats_file(planned: PlannedProximityFile) -> str | None:
    r = planned.round
    if r.round_number == 1 and planned.play.r1_file_missing:
        return None
    return stats_file_name(r)


def proximity_truth(corpus: SimCorpus) -> dict[str, ProximityFileTruth]:
    """Landed file name -> what the warehouse must hold for it (renders every file again)."""
    out: dict[str, ProximityFileTruth] = {}
    for planned in plan_proximity_files(corpus):
        rendered = render_planned(planned)
        t = rendered.truth
        end_local = datetime.fromtimestamp(planned.spec.round_end_unix, SERVER_TZ)
        out[rendered.name] = ProximityFileTruth(
            file_name=rendered.name,
            gaming_day=gaming_day(end_local.replace(tzinfo=None)),
            map_name=planned.round.map_name,
            scenario=planned.scenario,
            format_version=t.format_version,
            header_round_number=t.written_round_number,
            expected_round_number=t.true_round_number,
            expected_reason=_expected_reason(planned),
            round_start_unix=t.round_start_unix,
            round_end_unix=t.round_end_unix,
            stats_file_name=_stats_file(planned),
            engagement_lines=t.engagement_lines,
            combat_engagements=t.combat_engagements,
            trade_events=t.trade_events,
            traded=t.traded,
            lives=len(t.lives),
            track_points=t.track_points,
            broken_lines=t.broken_lines,
            sprint_percentages={
                (life.guid, life.spawn_time_ms): life.sprint_percentage for life in t.lives
            },
            render_truth=t,
        )
    return out
