"""Print the suite's test files slowest first, from a JUnit XML report (for slowest_files.txt).

    scripts/test --junitxml=/tmp/suite.xml
    .venv/bin/python scripts/slowest_files.py /tmp/suite.xml > /tmp/slowest.txt
    cp /tmp/slowest.txt slomix_pipeline_tests/slowest_files.txt

Why: the suite runs files on two workers; a long file that starts last leaves one worker alone
for minutes. ``conftest.py`` starts the files listed there first, longest first.
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from collections import defaultdict


def file_seconds(report: str) -> dict[str, float]:
    """Seconds per test file (setup, call and teardown of its tests) in the JUnit report."""
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").split("[")[0]
        parts = module.split(".")
        while parts and not parts[-1].startswith("test_"):
            parts.pop()
        if parts:
            totals["/".join(parts) + ".py"] += float(case.get("time", 0.0))
    return dict(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    totals = file_seconds(args.report)
    print("# Test files slowest first (scripts/slowest_files.py); conftest.py starts them first.")
    for path, seconds in sorted(totals.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{path}  # {seconds:.0f} s")


if __name__ == "__main__":
    main()
