"""One run per gaming day: the folders' requests merged by day, and the Dagster run of each.

Run keys are deterministic: ``<day>:<digest over the (folder, file-set digest) pairs>``, each
folder's digest covering the sorted (name, size, mtime, ctime) of its files. A re-evaluated
tick asks for the same keys, which Dagster launches only once.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import dagster as dg

from slomix_pipeline.defs.sensors.folders import LandingFolderSpec, assets_for
from slomix_pipeline.landing.inventory import LandingCursor, QueuedDay, TickPlan

FOLDER_TAG = "slomix/landing_folder"
"""Comma-separated landing folders whose new files a run loads."""
FILES_TAG = "slomix/landed_files"
"""Number of new files (all folders) a run loads."""


@dataclass(frozen=True, slots=True)
class FolderBatch:
    """The new files of one folder for one day: their count and the digest of the set."""

    folder: str
    files: int
    digest: str


@dataclass(frozen=True, slots=True)
class ZoneRequest:
    """One run to request: a gaming day, the folders' new files and the assets to materialize."""

    day: date
    batches: tuple[FolderBatch, ...]
    assets: tuple[str, ...]

    @property
    def partition_key(self) -> str:
        return self.day.isoformat()

    @property
    def folders(self) -> tuple[str, ...]:
        return tuple(batch.folder for batch in self.batches)

    @property
    def files(self) -> int:
        return sum(batch.files for batch in self.batches)

    @property
    def run_key(self) -> str:
        """Deterministic: the same files in the same folders for the same day give the same
        key, whichever tick (or re-evaluated tick) sees them."""
        lines = "".join(f"{b.folder}\t{b.digest}\n" for b in sorted(self.batches, key=_by_folder))
        digest = hashlib.sha256(lines.encode("utf-8")).hexdigest()
        return f"{self.partition_key}:{digest[:24]}"


def _by_folder(batch: FolderBatch) -> str:
    return batch.folder


def merge_folder_plans(
    specs: Sequence[LandingFolderSpec],
    plans: Mapping[str, TickPlan],
    max_requests: int,
) -> tuple[tuple[ZoneRequest, ...], dict[str, LandingCursor]]:
    """Merge the folders' requests into one request per day, newest ``max_requests`` days.

    Days beyond the cap go back into the queue of each folder that asked for them, with the
    digest they had, so a later tick requests them under the same run key (or chains newer
    files onto them exactly as :func:`plan_tick` does). Returns the requests and the folders'
    next cursors.
    """
    by_folder = {spec.folder: spec for spec in specs}
    by_day: dict[date, list[FolderBatch]] = {}
    for folder, plan in plans.items():
        for request in plan.requests:
            by_day.setdefault(request.day, []).append(
                FolderBatch(folder, request.files, request.digest)
            )
    cursors = {folder: plan.cursor for folder, plan in plans.items()}
    days = sorted(by_day, reverse=True)
    requests = []
    for day in days[: max(max_requests, 0)]:
        batches = tuple(sorted(by_day[day], key=_by_folder))
        assets = assets_for(by_folder[batch.folder] for batch in batches)
        requests.append(ZoneRequest(day, batches, assets))
    for day in days[max(max_requests, 0) :]:
        for batch in by_day[day]:
            previous = cursors[batch.folder]
            queued = dict(previous.queued)
            queued[day.isoformat()] = QueuedDay(batch.digest, batch.files)
            cursors[batch.folder] = LandingCursor(previous.horizon_ns, previous.seen, queued)
    return tuple(requests), cursors


def run_request_for(request: ZoneRequest) -> dg.RunRequest:
    """The Dagster run of one merged request.

    ``asset_check_keys`` stays unset on purpose: a subset by ``asset_selection`` alone runs
    every check of the selected assets (``JobDefinition.get_subset``), blocking gates included,
    and the tests assert that the gates run in the landing run.
    """
    return dg.RunRequest(
        run_key=request.run_key,
        partition_key=request.partition_key,
        asset_selection=[dg.AssetKey(name) for name in request.assets],
        tags={FOLDER_TAG: ",".join(request.folders), FILES_TAG: str(request.files)},
    )
