"""Publishes one post in a separate process, so a test can SIGKILL it mid-flight.

``python -m slomix_pipeline_tests.publish.crash_worker <warehouse url> <webhook url> <title>``
"""

from __future__ import annotations

import sys
from datetime import date

from slomix_pipeline.publish.discord import WebhookClient, parse_webhook_url
from slomix_pipeline.publish.embeds import RenderedPost, Section
from slomix_pipeline.publish.publisher import Publisher
from slomix_pipeline.warehouse.engine import open_warehouse

DAY = date(2026, 2, 10)


def sample_post(title: str, lines: int = 3) -> RenderedPost:
    return RenderedPost(
        key="round:42",
        kind="round",
        title=title,
        colour=1,
        description=("a round",),
        sections=(Section("Team A", tuple(f"player {i}" for i in range(lines))),),
        footer="gaming day 2026-02-10",
    )


def main(argv: list[str]) -> int:
    url, webhook_url, title = argv
    publisher = Publisher(open_warehouse(url), WebhookClient(timeout=3600))
    outcomes = publisher.publish(parse_webhook_url(webhook_url), sample_post(title), DAY)
    print([o.action for o in outcomes])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
