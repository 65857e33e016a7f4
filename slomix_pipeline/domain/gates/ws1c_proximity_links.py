"""WS1C predicate: every proximity file is linked to a stored round, and sprint is not flat.

A flat sprint distribution is how upstream's dead sprint bit showed (WS1C-004): every track at
0 %. The ingestion stores that as "signal absent", so the gate looks at the distribution of a
whole partition rather than at single tracks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from slomix_pipeline.domain.gates.verdicts import (
    GateFailure,
    GateResult,
    gate_result,
    ratio,
    tally,
)
from slomix_pipeline.domain.gates.ws1c_records import (
    WS1C_FILE_UNLINKED,
    WS1C_LINK_DANGLING,
    WS1C_SPRINT_FLAT,
    ProximityFileLink,
    SprintDistribution,
)


def summarize_proximity_links(coverage: Mapping[str, Any], failures: Sequence[GateFailure]) -> str:
    files, linked = coverage.get("files", 0), coverage.get("files_linked", 0)
    text = f"Proximity linked {ratio(linked, files)} files"
    tracks, sprinting = coverage.get("tracks", 0), coverage.get("tracks_sprinting", 0)
    if tracks:
        text += f", {sprinting}/{tracks} tracks with sprint > 0"
    if failures:
        text += f"; {len(failures)} failure(s)"
    return text


def _sprint_flat(d: SprintDistribution) -> str | None:
    """Why the distribution is flat, or None; only a partition with tracks can be flat."""
    if d.tracks == 0:
        return None
    absent = f"; {d.files_signal_absent} file(s) with sprint signal absent" * bool(
        d.files_signal_absent
    )
    if d.nonzero == 0:
        return (
            f"no track sprints: {d.tracks} tracks, {d.valued} with a sprint value, "
            f"max {d.maximum}{absent}"
        )
    if d.valued >= 2 and d.minimum == d.maximum:
        return f"all {d.valued} valued tracks at {d.minimum} %{absent}"
    return None


def proximity_link_gate(
    files: Iterable[ProximityFileLink], sprint: SprintDistribution | None = None
) -> GateResult:
    """WS1C: every proximity file is linked to a stored round; sprint is not flat.

    The sprint distribution is flat when no track of a partition with tracks sprints (the
    WS1C-004 symptom: a dead sprint bit gives 0 % everywhere, here NULL because the ingestion
    marks the signal absent) or when at least two tracks all carry the very same value.
    """
    file_list = list(files)
    failures: list[GateFailure] = []
    for f in file_list:
        if f.round_id is None:
            failures.append(
                GateFailure(
                    f.source_file,
                    WS1C_FILE_UNLINKED,
                    f"no stats round linked (round identity: {f.identity_reason})",
                )
            )
        elif not f.round_exists:
            failures.append(
                GateFailure(
                    f.source_file, WS1C_LINK_DANGLING, f"round id {f.round_id} is not stored"
                )
            )
    if sprint is not None and (why := _sprint_flat(sprint)) is not None:
        failures.append(GateFailure(sprint.label, WS1C_SPRINT_FLAT, why))
    coverage = {
        "files": len(file_list),
        "files_linked": sum(f.round_id is not None and f.round_exists for f in file_list),
        "identity_reasons": tally(f.identity_reason for f in file_list),
        "sprint_signal": tally(f.sprint_signal for f in file_list),
        "tracks": sprint.tracks if sprint else 0,
        "tracks_sprinting": sprint.nonzero if sprint else 0,
    }
    return gate_result(failures, coverage, summarize_proximity_links)
