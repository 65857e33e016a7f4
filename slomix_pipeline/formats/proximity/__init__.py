"""Parser for the proximity tracker's per-round ``*_engagements.txt`` file (bytes -> records).

The file is written once per round by the game server's proximity tracker Lua (format family
V4; V5/V6 add header keys and optional sections). This module only turns bytes into typed
records; corrections and metrics live in ``slomix_pipeline.domain.proximity``.

Why it is built the way it is:

* **Streaming by line, vectorised by sample.** A round file holds a few hundred engagement and
  life lines but tens of thousands of player-track samples. Lines are walked once in Python
  (cheap: ~1k lines), while every track path of the file (and, separately, every engagement
  path) is handed in one piece to pandas' C CSV reader and comes back as flat numpy columns
  (:class:`TrackSamples`). No Python object is built per track sample, which keeps parsing
  well above the 40 MB/s target on one core.
* **Tolerant, but never silent.** A line that cannot be parsed is dropped and reported in
  ``broken_lines`` with its 1-based line number and a reason code; everything else still loads.
  Upstream dropped such lines with only a log entry, so a truncated file looked complete.
* **Later formats are accepted.** Extra header keys are kept verbatim, and a lower-case
  ``# key=value`` line counts as header metadata wherever it appears (after a section too, with a
  note; a known key keeps its first value); sections this parser does not model are skipped and
  listed in ``ignored_sections`` with their row counts, never rejected.
* **Nothing is assumed.** The sample interval, crossfire window and escape rules are read from
  the header; a missing key stays ``None`` (with a note) instead of silently becoming a default.

Where each part lives: :mod:`.parse` (the entry point and the line walk), :mod:`.header`
(``# key=value`` metadata), :mod:`.dispatch` (section markers, rows to their readers),
:mod:`.engagements`, :mod:`.tracks` and :mod:`.heatmaps` (one module per section family),
:mod:`.records` and :mod:`.file_record` (the typed results), :mod:`.fields` (field readers),
:mod:`.rejects` (line and file rejections), :mod:`.filename` (what the file name says).
"""

from __future__ import annotations

from slomix_pipeline.formats.proximity.dispatch import KNOWN_SECTIONS
from slomix_pipeline.formats.proximity.file_record import (
    BrokenLine,
    IgnoredSection,
    ProximityFile,
    ProximityFileName,
    ProximityHeader,
)
from slomix_pipeline.formats.proximity.filename import parse_proximity_filename
from slomix_pipeline.formats.proximity.parse import parse_proximity_file
from slomix_pipeline.formats.proximity.records import (
    Attacker,
    Engagement,
    EngagementPoint,
    KillHeatmapCell,
    MovementHeatmapCell,
    ObjectiveFocus,
    PlayerLife,
    TrackSamples,
)
from slomix_pipeline.formats.proximity.rejects import ProximityFileRejected

__all__ = [
    "KNOWN_SECTIONS",
    "Attacker",
    "BrokenLine",
    "Engagement",
    "EngagementPoint",
    "IgnoredSection",
    "KillHeatmapCell",
    "MovementHeatmapCell",
    "ObjectiveFocus",
    "PlayerLife",
    "ProximityFile",
    "ProximityFileName",
    "ProximityFileRejected",
    "ProximityHeader",
    "TrackSamples",
    "parse_proximity_file",
    "parse_proximity_filename",
]
