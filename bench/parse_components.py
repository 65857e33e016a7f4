"""Instructions per file of each piece of parse + differential, measured alone (callgrind).

``bench/parse_instructions.py`` gives the four stages; this splits them further, in one
process: a tiny C library (compiled here with ``cc`` into a temporary directory) issues
``CALLGRIND_ZERO_STATS`` before and ``CALLGRIND_DUMP_STATS_AT`` after each piece, which runs
twice, warm, over parse_micro's pairs. Each dump holds that piece alone, so its
``callgrind_annotate`` shows where that piece's instructions go.

    .venv/bin/python bench/parse_components.py [--files 40] [--keep DIR]

Needs ``valgrind``, its headers (``valgrind/callgrind.h``) and a C compiler.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

_MARKERS = """#include <valgrind/callgrind.h>
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""
_LABEL = re.compile(r"^desc: Trigger: Client Request: (\S+)", re.M)
_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.M)
PASSES = 2


def _pieces(files: int) -> dict[str, Callable[[], object]]:
    """Each piece as a no-argument function over the same ``files`` pairs (inputs prepared)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from parse_micro import make_pair

    from slomix_pipeline.domain.contract import build_contract
    from slomix_pipeline.domain.differential import build_round_stats
    from slomix_pipeline.formats.stats import header, names, parser, whole_file
    from slomix_pipeline.formats.stats_file import parse_stats_file

    pairs = [make_pair(i) for i in range(files)]
    parsed = [(parse_stats_file(*a), parse_stats_file(*b)) for a, b in pairs]
    r1_lines = [parser._lines_of(data)[0] for (_, data), _ in pairs]
    r1_rows = [[(i + 1, x) for i, x in enumerate(lines) if i and x.strip()] for lines in r1_lines]
    checked: list[tuple[object, object]] = []
    assemble = whole_file._assemble

    def capture(heads: object, values: object, warnings: list[str]) -> None:
        checked.append((heads, values))

    whole_file._assemble = capture  # type: ignore[assignment]
    for rows in r1_rows:
        whole_file.parse_rows_fast(rows, [])
    whole_file._assemble = assemble

    def checks_and_numbers() -> None:
        whole_file._assemble = capture  # type: ignore[assignment]
        for rows in r1_rows:
            whole_file.parse_rows_fast(rows, [])
        whole_file._assemble = assemble
        del checked[len(r1_rows) :]

    headers = [
        (lines[0].decode("utf-8", errors="replace"), r1.file)
        for lines, (r1, _) in zip(r1_lines, parsed, strict=True)
    ]
    return {
        "parse_r1": _each(parse_stats_file, [a for a, _ in pairs]),
        "parse_r2": _each(parse_stats_file, [b for _, b in pairs]),
        "r1.file_name": _each(names.classify_stats_filename, [(a[0],) for a, _ in pairs]),
        "r1.header": _each(header._parse_header, headers),
        "r1.line_checks_and_numbers": checks_and_numbers,
        "r1.assemble_player_rows": _each(assemble, [(h, v, []) for h, v in checked]),
        "build_r1": _each(build_round_stats, [(r1,) for r1, _ in parsed]),
        "build_r2": _each(build_round_stats, [(r2, r1) for r1, r2 in parsed]),
        "contract": _each(build_contract, [(r2.header, 2) for _, r2 in parsed]),
    }


def _each(function: Callable[..., object], calls: list[tuple[object, ...]]) -> Callable[[], None]:
    """Call ``function`` on each argument tuple, dropping each result at once (as ingestion does
    between files: results kept alive would make the garbage collector's passes dearer)."""

    def run() -> None:
        for arguments in calls:
            function(*arguments)

    return run


def _child(library: str, files: int) -> None:
    markers = ctypes.CDLL(library)
    for label, piece in _pieces(files).items():
        piece()  # warm: caches filled, as for a community whose regulars play every night
        markers.zero()
        for _ in range(PASSES):
            piece()
        markers.dump(label.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=40, help="R1/R2 pairs of parse_micro")
    parser.add_argument("--keep", help="directory for the callgrind dumps (default: temporary)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(args.keep or scratch)
        out.mkdir(parents=True, exist_ok=True)
        (Path(scratch) / "markers.c").write_text(_MARKERS)
        library = str(Path(scratch) / "markers.so")
        subprocess.run(
            ["cc", "-O2", "-shared", "-fPIC", "-o", library, f"{scratch}/markers.c"], check=True
        )
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}/callgrind.%p",
            sys.executable,
            __file__,
            "--child",
            library,
            str(args.files),
        ]
        subprocess.run(command, check=True, env=env, capture_output=True)
        dumps = sorted(out.glob("callgrind.*.*"), key=lambda d: int(d.suffix[1:]))
        for dump in dumps:
            text = dump.read_text(errors="replace")
            label, total = _LABEL.search(text), _TOTAL.search(text)
            if label and total:
                per_file = int(total.group(1)) / (PASSES * args.files)
                print(f"{label.group(1):<28} {per_file:>12,.0f} instructions/file   {dump.name}")


if __name__ == "__main__":
    main()
