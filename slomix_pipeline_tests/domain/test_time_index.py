"""``TimeIndex.within`` returns exactly what a scan of every round would, in input order."""

from __future__ import annotations

import random

from slomix_pipeline.domain.linking.records import StatsRoundRef
from slomix_pipeline.domain.time_index import TimeIndex


def test_within_equals_a_full_scan() -> None:
    rng = random.Random(13)
    rounds = [
        StatsRoundRef(
            round_id=i,
            map_key="supply",
            round_number=1,
            file_time_unix=(t := rng.randrange(0, 200_000)),
            alt_file_time_unix=t - 3600 if rng.random() < 0.2 else None,
        )
        for i in range(400)
    ]
    index = TimeIndex(rounds)
    assert list(index) == rounds
    found_any = 0
    for _ in range(500):
        epoch, limit = rng.randrange(-5_000, 205_000), rng.choice([0, 30, 600, 7200])
        expected = [r for r in rounds if r.distance(epoch) <= limit]
        assert index.within(epoch, limit) == expected
        found_any += bool(expected)
    assert found_any > 100, "the probes hit rounds, so the comparison means something"
