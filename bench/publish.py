"""Discord publishing benchmark: rendering cost, message sizes, publishing throughput.

    .venv/bin/python bench/publish.py [--posts 200]

- render: the worst-case 8v8 (+4 substitutes) session with 35-character hostile names, 14 map
  plays: render + pack + footer per post kind, and the largest message in characters (the
  limit is 6,000);
- publish: ``--posts`` distinct posts to the local fake Discord (real HTTP on loopback, bucket
  of 50 requests per second, like a Discord webhook's) with a SQLite ledger: first run (intent +
  execute + record per post), an unchanged re-run (ledger read + hash only, nothing sent), an
  all-changed re-run (PATCH per post).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def bench_render() -> None:
    from slomix_pipeline.publish.limits import message_chars
    from slomix_pipeline.publish.publisher import payloads_for
    from slomix_pipeline.publish.render import render_map, render_round, render_session
    from slomix_pipeline_tests.publish.worst_case import worst_map, worst_round, worst_session

    cases = {
        "round": (render_round, worst_round()),
        "map": (render_map, worst_map()),
        "session": (render_session, worst_session()),
    }
    for kind, (render, data) in cases.items():
        n = 2000
        started = time.perf_counter()
        for _ in range(n):
            payloads = payloads_for(render(data), "112233")
        per = (time.perf_counter() - started) / n * 1e6
        largest = max(message_chars(p) for p in payloads)
        print(
            f"render {kind:8s} {per:8.1f} us/post   messages {len(payloads)}   "
            f"largest message {largest} chars (limit 6000)"
        )


def bench_publish(posts: int) -> None:
    from slomix_pipeline.publish.discord import WebhookClient, parse_webhook_url
    from slomix_pipeline.publish.publisher import Publisher
    from slomix_pipeline.warehouse.engine import open_warehouse
    from slomix_pipeline_tests.publish.crash_worker import sample_post
    from slomix_pipeline_tests.publish.fake_discord import FakeDiscord

    server = FakeDiscord(bucket_size=50, bucket_window=1.0).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_warehouse(f"sqlite:///{Path(tmp) / 'w.sqlite'}")
            hook = parse_webhook_url(server.url)
            client = WebhookClient(timeout=5)
            publisher = Publisher(engine, client)
            items = [replace(sample_post(f"post {i}"), key=f"round:{i}") for i in range(posts)]
            day = date(2026, 2, 10)
            for label, changed in (("first run", False), ("unchanged", False), ("edited", True)):
                before = len(server.requests)
                started = time.perf_counter()
                for post in items:
                    if changed:
                        post = replace(post, title=post.title + " (corrected)")
                    publisher.publish(hook, post, day)
                seconds = time.perf_counter() - started
                sent = len(server.requests) - before
                print(
                    f"publish {label:10s} {posts} posts in {seconds:6.2f} s "
                    f"({posts / seconds:7.1f} posts/s), {sent} requests, "
                    f"429s so far {server.rate_limited}, waited {client.waited_seconds:.1f} s"
                )
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    bench_render()
    bench_publish(args.posts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
