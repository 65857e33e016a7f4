"""Micro-benchmark: ``parse_stats_file`` + ``build_round_stats`` throughput on one core.

Builds realistic constructed files (12 players, 4-8 weapons each, the full 38-field TAB block,
~3 KB) for R1 and R2 rounds, then times parse + build for R1 files alone and for R2 files
differenced against their (already parsed) R1, as ingestion does. Prints files/s.

    .venv/bin/python bench/parse_micro.py [--files N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta

from slomix_pipeline.domain.differential import build_round_stats
from slomix_pipeline.formats.stats_file import ParsedStatsFile, parse_stats_file

MAPS = ("supply", "etl_adlernest", "te_escape2", "erdenberg_t2", "etl_sp_delivery", "goldrush")


# Class loadouts (weapon ids) per side: what a soldier/medic/engineer/field ops/covert ops
# typically fires. Players keep their class, so masks repeat across rounds and files.
LOADOUTS = (
    (0, 2, 4, 11),  # axis medic: knife, luger, mp40, grenade
    (0, 3, 5, 11, 27),  # allied medic + syringe
    (0, 2, 4, 11, 14, 19),  # axis engineer: + dynamite, landmine
    (0, 3, 5, 11, 14, 18, 22),  # allied engineer: + rifle grenade, carbine
    (0, 1, 2, 4, 11, 14, 17, 19),  # axis all-rounder
    (0, 2, 8, 11),  # panzer
    (0, 3, 11, 20, 21),  # mg
    (0, 2, 4, 11, 15, 16),  # field ops: airstrike, artillery
    (0, 1, 3, 6, 11, 17, 25),  # covert ops: sten, satchel, k43
    (0, 1, 3, 5, 11, 24, 26, 27),  # allied all-rounder
)
RANDOM_LOADOUTS = False  # --random-loadouts: every player a random weapon set (cache-hostile)

_community_rng = random.Random(2026)
COMMUNITY = [(f"{_community_rng.getrandbits(32):08X}", f"^{i % 10}Regular{i}^7") for i in range(40)]


def _player_values(
    rng: random.Random, loadout: list[int] | None = None
) -> tuple[dict[int, list[int]], list[int], list[str]]:
    """One round of activity: weapon tuples, integer TAB fields, float TAB fields.

    Magnitudes follow real rounds: damage in the thousands, shots in the hundreds for the main
    gun, everything per-round (sprees, assists, multikills...) small.
    """
    if loadout is None and RANDOM_LOADOUTS:
        loadout = sorted(rng.sample(range(28), rng.randint(4, 8)))
    elif loadout is None:  # the class loadout, sometimes plus a picked-up weapon
        loadout = list(rng.choice(LOADOUTS))
        if len(loadout) < 8 and rng.random() < 0.2:
            loadout = sorted({*loadout, rng.randrange(28)})
    weapons = {}
    for n, wid in enumerate(loadout):
        shots = rng.randint(100, 700) if n == 0 else rng.randint(1, 60)
        hits = rng.randint(0, shots // 2)
        kills = rng.randint(0, 12)
        weapons[wid] = [hits, shots, kills, rng.randint(0, 6), rng.randint(0, hits // 5)]
    ints = [
        rng.randint(300, 4000),  # damage given
        rng.randint(300, 4000),  # damage received
        *(rng.randint(0, 150) for _ in range(2)),  # team damage
        *(rng.randint(0, 12) for _ in range(4)),  # gibs, self kills, team kills, team gibs
        rng.randint(0, 120),  # xp
        *(rng.randint(0, 8) for _ in range(10)),  # sprees, assists, objectives, revived
        rng.randint(100, 900),  # bullets fired
        rng.randint(0, 10),  # useful kills
        rng.randint(0, 400),  # denied playtime (s)
        *(rng.randint(0, 3) for _ in range(9)),  # multikills, useless, selfkills, repairs, revives
    ]
    floats = [
        f"{rng.uniform(60, 100):.1f}",  # time played %
        f"{rng.uniform(100, 500):.1f}",  # dpm
        f"{rng.randint(60, 120) / 10:.1f}",  # time played minutes
        f"{rng.choice((0, 0, 3.4)):.1f}",  # tank/meatshield
        f"{rng.uniform(10, 50):.1f}",  # time dead ratio
        f"{rng.randint(5, 40) / 10:.1f}",  # time dead minutes
        f"{rng.uniform(0, 3):.1f}",  # kd
    ]
    return weapons, ints, floats


def _render(guid: str, name: str, team: int, values, prior=None) -> str:
    weapons, ints, floats = values
    if prior is not None:  # cumulative R2: weapons and TAB 0-7, 20, 22 add up
        pw, pi, pf = prior
        weapons = {
            w: [a + b for a, b in zip(v, pw.get(w, [0] * 5), strict=True)]
            for w, v in weapons.items()
        }
        weapons.update({w: v for w, v in pw.items() if w not in weapons})
        ints = [a + (pi[i] if i < 8 or i == 19 else 0) for i, a in enumerate(ints)]
        floats = list(floats)
        floats[2] = f"{float(floats[2]) + float(pf[2]):.1f}"
    mask = sum(1 << w for w in weapons)
    groups = " ".join(" ".join(map(str, weapons[w])) for w in sorted(weapons))
    ext = [*ints[:8], floats[0], *ints[8:20], *floats[1:], *ints[20:]]
    return (
        f"{guid}\\{name}\\{0 if prior is None else 1}\\{team}\\{mask} {groups} \t"
        + "\t".join(map(str, ext))
        + "\n"
    )


def make_pair(seed: int) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    """One R1 file and its R2 (cumulative: R1 values plus R2-only activity, same roster)."""
    rng = random.Random(seed)
    map_name = MAPS[seed % len(MAPS)]
    start = datetime(2026, 2, 10, 20, 0) + timedelta(minutes=30 * seed)
    # A community: the same ~40 regulars (guid + name) play night after night.
    roster = [(*COMMUNITY[i], 1 + n % 2) for n, i in enumerate(rng.sample(range(40), 12))]
    r1_values = [_player_values(rng) for _ in roster]
    # R2: same class, so mostly the same weapons (the file then carries R1+R2 sums).
    r2_values = [_player_values(rng, sorted(v[0])) for v in r1_values]
    files = []
    for round_number, offset in ((1, 0), (2, 14)):
        header = (
            f"ETL ^1Cup^7 Server\\{map_name}\\legacy6\\{round_number}\\1\\2\\"
            f"10:00\\7:36\\{rng.randint(200000, 600000)}\n"
        )
        if round_number == 1:
            lines = [_render(g, n, t, v) for (g, n, t), v in zip(roster, r1_values, strict=True)]
        else:
            lines = [
                _render(g, n, 3 - t, v2, v1)
                for (g, n, t), v1, v2 in zip(roster, r1_values, r2_values, strict=True)
            ]
        stamp = start + timedelta(minutes=offset)
        name = f"{stamp:%Y-%m-%d-%H%M%S}-{map_name}-round-{round_number}.txt"
        files.append((name, (header + "".join(lines)).encode()))
    return files[0], files[1]


def _bench(label: str, work, count: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t0)
    rate = count / best
    print(f"{label:<44} {rate:>9,.0f} files/s  ({best * 1e6 / count:6.1f} us/file)")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--random-loadouts",
        action="store_true",
        help="give every player a random weapon set (worst case for the weapon-mask cache)",
    )
    args = parser.parse_args()
    global RANDOM_LOADOUTS
    RANDOM_LOADOUTS = args.random_loadouts
    pairs = [make_pair(i) for i in range(args.files)]
    r1_files = [p[0] for p in pairs]
    r2_files = [p[1] for p in pairs]
    size = sum(len(d) for _, d in r1_files + r2_files) / (2 * len(pairs))
    print(f"{len(pairs)} R1 + {len(pairs)} R2 files, mean size {size:,.0f} bytes, 12 players")
    r1_parsed: list[ParsedStatsFile] = [parse_stats_file(n, d) for n, d in r1_files]

    def parse_only() -> None:
        for n, d in r1_files:
            parse_stats_file(n, d)

    def r1_rounds() -> None:
        for n, d in r1_files:
            build_round_stats(parse_stats_file(n, d))

    def r2_rounds() -> None:
        for (n, d), r1 in zip(r2_files, r1_parsed, strict=True):
            build_round_stats(parse_stats_file(n, d), r1)

    _bench("parse_stats_file (R1 files)", parse_only, len(r1_files), args.repeat)
    a = _bench("parse + build_round_stats (R1)", r1_rounds, len(r1_files), args.repeat)
    b = _bench(
        "parse + build_round_stats (R2 + differential)", r2_rounds, len(r2_files), args.repeat
    )
    print(f"mixed R1/R2 (harmonic mean)                  {2 / (1 / a + 1 / b):>9,.0f} files/s")


if __name__ == "__main__":
    main()
