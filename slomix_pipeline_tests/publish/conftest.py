from __future__ import annotations

from collections.abc import Iterator

import pytest

from slomix_pipeline_tests.publish.fake_discord import FakeDiscord


@pytest.fixture
def discord() -> Iterator[FakeDiscord]:
    server = FakeDiscord().start()
    try:
        yield server
    finally:
        server.stop()
