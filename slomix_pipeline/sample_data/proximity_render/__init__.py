"""Render proximity-tracker ``*_engagements.txt`` files from a seeded round simulation.

The sample-data generator needs proximity files whose correct interpretation is *known*, so
the pipeline's parser and derivations can be checked against something other than
themselves. :func:`render_proximity_round` therefore simulates one round (movement with a
stamina meter, fights, kills, avenging kills, revives, self-kills, falls, friendly fire),
writes the file exactly as the tracker would — including its faults — and returns the truth
computed from the simulation's own state, never from the rendered text:

* the Feb-format round bug: a V4 file of an R2 says ``round=1`` (header and file name);
* the sprint flag follows the tracker's stamina rule (speed >= 140, standing, stamina drained
  by more than 50 since the previous reading); the truth is the simulated "was sprinting"
  state, so the two only agree if the flag is read correctly (``sprint_flag_dead`` renders the
  pre-fix tracker whose flag is never set);
* V4 lets friendly fire into engagements and names a self-killer as his own killer; V6 filters
  friendly fire, closes quiet engagements as ``timeout``, rebases time on round start (spawns at
  ``t=0``) and adds header keys and sections the V4 parser must skip;
* injected broken lines (truncated, garbage, duplicate, bad values) with their expected reasons.

Deterministic: one ``random.Random(spec.seed)``, no wall clock, no global state.

Where each part lives: ``spec`` (the round spec, players, truth records, ``demo_spec``),
``state`` (mutable simulation state and tracker constants), ``events`` (spawns, engagements,
hits, kills), ``stepping`` (the sample clock: movement, stamina, fire), ``lines`` (engagement
and track lines, header, broken lines), ``sections*`` (the later V5/V6 sections), ``truth``
and ``render`` (the entry point).
"""

from slomix_pipeline.sample_data.proximity_render.render import render_proximity_round
from slomix_pipeline.sample_data.proximity_render.spec import (
    BROKEN_LINE_KINDS,
    CLASSES,
    TEAMS,
    LifeTruth,
    ProximityRoundSpec,
    ProximityTruth,
    ProxPlayer,
    RenderedProximity,
    demo_spec,
    sanitize_name,
)

__all__ = [
    "BROKEN_LINE_KINDS",
    "CLASSES",
    "TEAMS",
    "LifeTruth",
    "ProxPlayer",
    "ProximityRoundSpec",
    "ProximityTruth",
    "RenderedProximity",
    "demo_spec",
    "render_proximity_round",
    "sanitize_name",
]
