"""Stopwatch truth figures: % of rounds with a wrong winner / end state / duration, before vs after.

    .venv/bin/python bench/stopwatch_truth.py                    # this checkout: 5 seeds x 4 nights
    .venv/bin/python bench/stopwatch_truth.py --before <rev>     # and the same zones on <rev>
    .venv/bin/python bench/stopwatch_truth.py --before <rev> --r2-estimates  # real R2 clocks

Generates multi-night histories with the planted stopwatch cases
(``sample_data.stopwatch_cases``: long half-time, shutdown-path R2, R2 without Lua and a ``0:00``
estimate, capped warm-up, late objective, surrenders, a DST night), runs stats ingestion, both Lua
sources, the Lua merge and linking into a fresh SQLite warehouse, and scores every round against
the truth from the simulation model:

- stopwatch state: ``rounds.round_stopwatch_state`` (stats only) and, where the code has it,
  ``round_links.round_stopwatch_state`` (the Lua truth applied);
- winner and duration: ``round_links.winner_team`` / ``duration_seconds`` (effective values);
- R2 values: every player of every R2 (kills, deaths, damage, time played) exact.

``--before REV`` extracts REV with ``git archive`` into a temporary folder and runs the same
pipeline steps with that code (a child process with ``PYTHONPATH`` set), on the same zones.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIELDS = ("kills", "deaths", "damage_given", "time_played_seconds")


def _estimate_r2_clocks(stats_dir: Path) -> None:
    """Give every R2 header the c0rnp0rn8 ``0:00`` estimate in field 7, as real R2 files often
    carry (the engine leaves ``g_nextTimeLimit`` unset): mode-of-percentages minus the limit."""
    for path in sorted(stats_dir.glob("*-round-2.txt")):
        data = path.read_bytes()
        header, _, rest = data.partition(b"\n")
        fields = header.decode("utf-8").split("\\")
        fields[7] = "67:17"
        stat = path.stat()
        path.write_bytes("\\".join(fields).encode("utf-8") + b"\n" + rest)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def generate(out: Path, seeds: list[int], nights: int, r2_estimates: bool = False) -> list[Path]:
    """One zone per seed, each with ``truth.json`` next to its landing folders."""
    sys.path.insert(0, str(REPO))
    from slomix_pipeline.sample_data.file_names import stats_file_name
    from slomix_pipeline.sample_data.stopwatch_cases import stopwatch_truth, write_stopwatch_zone
    from slomix_pipeline.sample_data.truth import round_truth

    zones = []
    for seed in seeds:
        zone_dir = out / f"seed{seed}"
        planted = write_stopwatch_zone(zone_dir / "data", seed=seed, nights=nights)
        if r2_estimates:
            _estimate_r2_clocks(zone_dir / "data" / "local_stats")
        facts = stopwatch_truth(planted)
        players = round_truth(planted.corpus)
        rounds = {stats_file_name(r): r for r in planted.corpus.rounds}
        truth = {
            name: {
                "round_number": rounds[name].round_number,
                "winner": f.winner_team,
                "state": f.stopwatch_state,
                "duration": f.duration_seconds,
                "orphan": players[name].is_orphan_r2,
                "players": {
                    k: [getattr(p, field) for field in FIELDS]
                    for k, p in players[name].players.items()
                },
            }
            for name, f in facts.items()
        }
        (zone_dir / "truth.json").write_text(json.dumps(truth, sort_keys=True))
        zones.append(zone_dir)
    return zones


def run_pipeline(zone_dir: Path, db: Path) -> None:
    """Stats, Lua sources, Lua merge, linking for every landed day (code from ``sys.path``)."""
    from slomix_pipeline.config import load_settings
    from slomix_pipeline.ingest.linking import link_days
    from slomix_pipeline.ingest.lua_events import build_lua_round_teams_days, ingest_lua_source_days
    from slomix_pipeline.ingest.stats_files import ingest_stats_days
    from slomix_pipeline.runner import landed_stats_days
    from slomix_pipeline.warehouse.engine import open_warehouse

    data = zone_dir / "data"
    settings = load_settings({"SLOMIX_DATA_DIR": str(data)})
    engine = open_warehouse(f"sqlite:///{db}")
    days = landed_stats_days(data, settings)
    ingest_stats_days(engine, data, days, settings)
    for source in ("webhook", "gametime"):
        ingest_lua_source_days(engine, data, days, settings, source)
    build_lua_round_teams_days(engine, days)
    link_days(engine, days, settings, now_unix=4_000_000_000)


def score(zone_dirs: list[Path], dbs: list[Path]) -> dict[str, tuple[int, int]]:
    """(wrong, total) per measure over every zone."""
    counts: dict[str, list[int]] = {}

    def count(measure: str, wrong: bool) -> None:
        c = counts.setdefault(measure, [0, 0])
        c[0] += int(wrong)
        c[1] += 1

    for zone_dir, db in zip(zone_dirs, dbs, strict=True):
        truth = json.loads((zone_dir / "truth.json").read_text())
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        rounds = {r["source_file"]: r for r in conn.execute("select * from rounds")}
        links = {r["source_file"]: r for r in conn.execute("select * from round_links")}
        players: dict[int, dict[str, sqlite3.Row]] = {}
        for p in conn.execute("select * from player_comprehensive_stats"):
            players.setdefault(p["round_id"], {})[p["player_guid"]] = p
        for name, t in truth.items():
            r, link = rounds[name], links[name]
            n = t["round_number"]
            count(f"stats state wrong, R{n}", r["round_stopwatch_state"] != t["state"])
            if "round_stopwatch_state" in link.keys():  # noqa: SIM118 (sqlite3.Row)
                count(f"effective state wrong, R{n}", link["round_stopwatch_state"] != t["state"])
            count("winner wrong", link["winner_team"] != t["winner"])
            count("duration wrong", link["duration_seconds"] != t["duration"])
            if n == 2:
                count("R2 wrongly orphaned", bool(r["is_orphan_r2"]) and not t["orphan"])
                stored = players.get(r["id"], {})
                for key, values in t["players"].items():
                    got = stored.get(key)
                    wrong = got is None or [got[f] for f in FIELDS] != values
                    count("R2 player values wrong", wrong)
        conn.close()
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def _print(label: str, figures: dict[str, tuple[int, int]]) -> None:
    print(f"\n{label}")
    for measure, (wrong, total) in figures.items():
        print(f"  {measure:<28} {wrong:>5} / {total:<5} {100 * wrong / total:6.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="7,8,9,10,11")
    parser.add_argument("--nights", type=int, default=4)
    parser.add_argument("--before", help="git revision to compare with (e.g. ed02289)")
    parser.add_argument(
        "--r2-estimates",
        action="store_true",
        help="every R2 header carries the 0:00 estimate in field 7 (as real R2 files often do)",
    )
    parser.add_argument("--run-only", nargs=2, metavar=("ZONE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_only:
        run_pipeline(Path(args.run_only[0]), Path(args.run_only[1]))
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    with tempfile.TemporaryDirectory(prefix="slomix-stopwatch-") as tmp:
        work = Path(tmp)
        zones = generate(work, seeds, args.nights, args.r2_estimates)
        checkouts = {"after (this checkout)": REPO}
        if args.before:
            old = work / "before"
            old.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", args.before],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            checkouts = {f"before ({args.before})": old, **checkouts}
        for label, code in checkouts.items():
            dbs = []
            for zone in zones:
                db = zone / f"{code.name}.sqlite"
                env = {**os.environ, "PYTHONPATH": str(code)}
                subprocess.run(
                    [sys.executable, __file__, "--run-only", str(zone), str(db)],
                    check=True,
                    env=env,
                    cwd=str(code),
                )
                dbs.append(db)
            extra = ", R2 clocks = 0:00 estimate" if args.r2_estimates else ""
            title = f"{label}: seeds {args.seeds}, {args.nights} nights + a DST night{extra}"
            _print(title, score(zones, dbs))


if __name__ == "__main__":
    main()
