"""``round_tenth`` is ``round(x, 1)``, bit for bit: on every ratio the differential forms over a
bounded range, on every half-tenth and its neighbouring doubles, and on random doubles."""

from __future__ import annotations

import math
import random
import struct

from slomix_pipeline.domain.tenths import round_tenth


def _bits(value: float) -> bytes:
    return struct.pack("<d", value)


def test_every_dead_ratio_of_up_to_100_minutes_rounds_as_round_does() -> None:
    # _dead_ratio's input: dead tenths x 100 / played tenths, both up to 100 minutes (1,000,000
    # pairs), plus the halves the ratios land on exactly (e.g. 1 x 100 / 8 = 12.5).
    checked = 0
    for played in range(1, 1001):
        for dead in range(0, 1001):
            x = dead * 100 / played
            assert _bits(round_tenth(x)) == _bits(round(x, 1)), (dead, played)
            checked += 1
    assert checked == 1_001_000


def test_percent_differentials_round_as_round_does() -> None:
    # _percent_differential's input: (p2 x t2 - p1 x t1) / (t2 - t1), percents written to 0.1.
    rng = random.Random(2026)
    for _ in range(300_000):
        t1 = rng.randint(0, 600)
        t2 = t1 + rng.randint(1, 600)
        p1 = rng.randint(0, 1000) / 10
        p2 = rng.randint(0, 1000) / 10
        x = min(max((p2 * t2 - p1 * t1) / (t2 - t1), 0.0), 100.0)
        assert _bits(round_tenth(x)) == _bits(round(x, 1)), (p1, t1, p2, t2)


def test_half_tenths_and_their_neighbours_round_as_round_does() -> None:
    for m in range(0, 2_000_001, 7):
        half = (2 * m + 1) / 20  # the double nearest to m.m5
        for x in (
            half,
            math.nextafter(half, 0.0),
            math.nextafter(half, math.inf),
            math.nextafter(math.nextafter(half, 0.0), 0.0),
            math.nextafter(math.nextafter(half, math.inf), math.inf),
        ):
            assert _bits(round_tenth(x)) == _bits(round(x, 1)), x


def test_random_and_special_doubles_round_as_round_does() -> None:
    rng = random.Random(13)
    specials = [0.0, -0.0, 0.05, 0.15, 0.25, 1e-300, 104857.55, 104857.6, 2.0**20 / 10, 1e300]
    specials += [-1.25, math.inf, -math.inf, 5e-324]
    values = specials + [rng.uniform(0, 200) for _ in range(200_000)]
    values += [rng.uniform(0, 2.0**21 / 10) for _ in range(100_000)]
    values += [struct.unpack("<d", rng.randbytes(8))[0] for _ in range(100_000)]
    for x in values:
        if math.isnan(x):
            continue
        assert _bits(round_tenth(x)) == _bits(round(x, 1)), x
    assert math.isnan(round_tenth(math.nan))
