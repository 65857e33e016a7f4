"""A readable summary of a generated landing zone (what ``slomix-pipeline sample-data`` prints)."""

from __future__ import annotations

from slomix_pipeline.sample_data.generate import GenerationReport


def describe(report: GenerationReport) -> str:
    """Some aligned lines: what was simulated, files per folder and per renderer, bad inputs."""
    lines = [
        f"seed {report.seed}, {report.nights} night(s), {report.rounds_simulated} round(s) "
        f"simulated: {report.stats_files} stats file(s), {report.endstats_files} endstats file(s)",
        "files per folder:",
        *(f"  {folder:<22} {count:>6}" for folder, count in sorted(report.files_written.items())),
    ]
    if report.renderer_files:
        lines.append("files per renderer:")
        lines += [f"  {n:<22} {c:>6}" for n, c in sorted(report.renderer_files.items())]
    if report.malformed:
        lines.append("deliberately malformed (the pipeline must quarantine them):")
        lines += [f"  {name}: {why}" for name, why in sorted(report.malformed.items())]
    return "\n".join(lines)
