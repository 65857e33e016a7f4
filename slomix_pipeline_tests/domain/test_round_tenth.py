"""``round_tenth`` is ``round(x, 1)`` exactly, for the values the differential rounds."""

from __future__ import annotations

import random

from slomix_pipeline.domain.differential import round_tenth


def test_round_tenth_equals_round_on_ratios_and_ties() -> None:
    rng = random.Random(13)
    values = [a * 100 / b for a in range(0, 300) for b in range(1, 300, 7)]  # dead ratios
    values += [n / 100 for n in range(0, 100_001)]  # every hundredth: the x.x5 ties
    values += [n / 20 + 1e-9 * k for n in range(0, 2001) for k in (-3, -1, 1, 3)]  # near ties
    values += [rng.uniform(0, 100) for _ in range(50_000)]
    values += [0.0, 100.0, 0.05, 0.15, 0.25, 0.35, 1e9 + 0.05, 2.0**40 + 0.25]
    wrong = [v for v in values if round_tenth(v) != round(v, 1)]
    assert not wrong, wrong[:10]
