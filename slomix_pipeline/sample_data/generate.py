"""Write a complete sample landing zone from a seeded simulation (the only part that does I/O).

The stats renderer is built in; other producers (Lua webhook drops, gametime files, proximity)
plug in as ``extra_renderers``: callables ``(corpus, data_dir) -> files written`` that place their
own files under ``data_dir``. Every file goes through ``landing.zone.write_atomically`` (temp file
in the same folder, fsync, rename), exactly like real arrivals, and identical content is left
untouched, so regenerating with the same seed is a no-op on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from slomix_pipeline.landing.zone import STATS_FOLDER, write_atomically
from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.simulate import simulate
from slomix_pipeline.sample_data.stats_writer import render_stats_landing
from slomix_pipeline.sample_data.truth import expected_rejects

Renderer = Callable[[SimCorpus, Path], int]
"""A pluggable writer: renders its files for the corpus under the data dir, returns the count."""


@dataclass(frozen=True, slots=True)
class GenerationReport:
    """What was written: counts per landing folder (``files_written``), per extra renderer
    (``renderer_files``, keyed by the callable's name), the broken files with the reason each must
    be rejected with, and the orphan R2 files (whose R1 was deliberately not written). The corpus
    rides along so callers can derive the truth without simulating twice."""

    data_dir: Path
    seed: int
    nights: int
    rounds_simulated: int
    stats_files: int
    endstats_files: int
    files_written: Mapping[str, int]
    renderer_files: Mapping[str, int]
    malformed: Mapping[str, str]
    orphan_r2_files: tuple[str, ...]
    missing_r1_files: tuple[str, ...]
    corpus: SimCorpus = field(repr=False, compare=False)


def _renderer_name(renderer: Renderer, taken: Mapping[str, int]) -> str:
    base = getattr(renderer, "__name__", type(renderer).__name__)
    name = base
    n = 2
    while name in taken:
        name = f"{base}#{n}"
        n += 1
    return name


def default_renderers() -> tuple[Renderer, ...]:
    """The renderers of the non-stats landing folders, in a fixed order."""
    from slomix_pipeline.sample_data.lua_files import write_lua_files
    from slomix_pipeline.sample_data.proximity_files import write_proximity_files

    return (write_lua_files, write_proximity_files)


def generate_landing_zone(
    data_dir: Path,
    seed: int = 7,
    nights: int = 3,
    start_date: date = date(2026, 2, 10),
    rounds_per_night: int | None = None,
    include_malformed: bool = True,
    extra_renderers: Sequence[Renderer] | None = None,
    night_gaps: Sequence[int] = (1,),
) -> GenerationReport:
    """Simulate and write ``data_dir/local_stats/*.txt`` plus the other landing folders.

    ``extra_renderers=None`` means every renderer of :func:`default_renderers` (gametimes,
    webhook drops, proximity); pass ``()`` to write the stats files only.
    """
    if extra_renderers is None:
        extra_renderers = default_renderers()
    corpus = simulate(
        seed=seed,
        nights=nights,
        start_date=start_date,
        rounds_per_night=rounds_per_night,
        night_gaps=night_gaps,
    )
    stats_dir = Path(data_dir) / STATS_FOLDER
    stats = endstats = 0
    for name, data in render_stats_landing(corpus, include_malformed=include_malformed):
        write_atomically(stats_dir, name, data)
        if name.endswith("-endstats.txt"):
            endstats += 1
        else:
            stats += 1
    malformed = expected_rejects(corpus) if include_malformed else {}
    renderer_files: dict[str, int] = {}
    for renderer in extra_renderers:
        renderer_files[_renderer_name(renderer, renderer_files)] = int(
            renderer(corpus, Path(data_dir))
        )
    orphans = tuple(
        stats_file_name(p.r2) for p in corpus.map_plays if p.r1_file_missing and p.r2 is not None
    )
    missing = tuple(
        stats_file_name(p.r1) for p in corpus.map_plays if p.r1_file_missing and p.r2 is not None
    )
    return GenerationReport(
        data_dir=Path(data_dir),
        seed=seed,
        nights=nights,
        rounds_simulated=len(corpus.rounds),
        stats_files=stats - len(malformed),
        endstats_files=endstats,
        files_written={STATS_FOLDER: stats + endstats},
        renderer_files=renderer_files,
        malformed=malformed,
        orphan_r2_files=orphans,
        missing_r1_files=missing,
        corpus=corpus,
    )
