"""``discord_round_posts``, ``discord_map_posts``, ``discord_session_posts``: publishing as assets.

One step (a multi-asset, so the three kinds go out in time order: round, round, map, ...,
session) that reads what ``linked_rounds`` and ``session_aggregates`` wrote, renders every due
post and brings each webhook up to date through the ledger
(:mod:`slomix_pipeline.publish.publisher`). Each asset's metadata shows the rendered posts
(the preview) and what happened to them; webhook URLs never appear (ids only).

Why assets and not a sensor that posts: the posts are data products with lineage (upstream of
nothing, downstream of the gated tables), their preview and history live in the catalog, and a
replay is a materialization with run config. Why *unpartitioned*, launched by their own sensor
(``defs/publish/sensor.py``) rather than riding in the landing run: a Discord outage must never
delay ingestion. Dagster allows one run per gaming-day partition at a time (``dagster.yaml``),
so a partitioned publish run stuck in Discord's backoff would hold the next landing run of its
day; this run carries no partition, uses its own pool (``discord``, one at a time) and never
fails on Discord errors (they are recorded and retried by the next run; the
``discord_delivery`` check warns meanwhile).

Run config (replay, operator decisions): ``days`` (publish these gaming days even if they are
history), ``allow_history`` (every day with data), ``dry_run`` (render and preview only),
``repost_uncertain`` and ``adopt`` (resolve uncertain posts; see docs/operations.md).
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Iterator, Sequence
from datetime import date

import dagster as dg
from pydantic import Field

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.publish.verdict import (
    day_verdicts,
    gate_check_keys,
    location_asset_graph,
)
from slomix_pipeline.defs.resources import WarehouseResource
from slomix_pipeline.defs.tables import Listing, table
from slomix_pipeline.domain.gaming_day import utc_now_epoch
from slomix_pipeline.publish import ledger, reads
from slomix_pipeline.publish.discord import WebhookClient
from slomix_pipeline.publish.plan import DueDecision, Plan, live_days, plan_posts
from slomix_pipeline.publish.publisher import (
    FAILED,
    HELD,
    PROBLEMS,
    Outcome,
    Publisher,
    PublishOptions,
    summarize,
)
from slomix_pipeline.publish.settings import PublishSettings, load_publish_settings

PUBLISH_GROUP = "publish"
POOL = "discord"
KIND_ASSETS = {
    "round": "discord_round_posts",
    "map": "discord_map_posts",
    "session": "discord_session_posts",
}
DELIVERY_CHECK = "discord_delivery"
NEXT_KEY = "next_publish_unix"
PREVIEW_POSTS = 12
"""Rendered posts shown per asset in the metadata (the newest; the rest are counted)."""


class PublishConfig(dg.Config):
    """Operator choices for one publishing run (all optional)."""

    days: list[str] = Field(default_factory=list, description="gaming days to (re)publish")
    allow_history: bool = Field(default=False, description="every day with data")
    dry_run: bool = Field(default=False, description="render and preview, post nothing")
    repost_uncertain: bool = Field(default=False, description="re-post uncertain messages")
    adopt: dict[str, str] = Field(
        default_factory=dict, description="ref nonce -> Discord message id found in the channel"
    )


_POSTS: dict[str, tuple[list[str], str]] = {
    "round": (
        ["linked_rounds", "session_aggregates"],
        "One Discord post per counted round: winner, duration and its source, "
        "timing status, players by team with side markers, top performers.",
    ),
    "map": (
        ["session_aggregates"],
        "One Discord post per complete map play (R1 + R2): stopwatch result, "
        "time to beat, top five with side markers.",
    ),
    "session": (
        ["session_aggregates"],
        "One Discord post per closed gaming session: team score, maps, per-player "
        "totals with kill assists, awards when endstats exist.",
    ),
}
"""Per post kind: the assets its posts are read from and the asset's description."""


def _specs() -> list[dg.AssetSpec]:
    # built in a function: the defs loader would collect module-level specs as assets too
    return [
        dg.AssetSpec(
            KIND_ASSETS[kind],
            deps=deps,
            group_name=PUBLISH_GROUP,
            kinds={"python", "discord"},
            description=description,
        )
        for kind, (deps, description) in _POSTS.items()
    ]


def _checks() -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            DELIVERY_CHECK,
            asset=name,
            description="Every due post reached Discord (WARN: a failed or uncertain delivery is "
            "retried or waits for the operator; ingestion is never affected).",
        )
        for name in KIND_ASSETS.values()
    ]


def choose_days(
    config: PublishConfig, settings: PublishSettings, conn_days: Sequence[date], now: int
) -> tuple[list[date], str]:
    """The days this run may publish, and why (explicit, history, or live)."""
    if config.days:
        return sorted({date.fromisoformat(d) for d in config.days}), "run config days"
    if config.allow_history or settings.publish_history:
        return list(conn_days), "history allowed"
    base = load_settings()
    days = live_days(now, base.server_tz, base.day_start_hour, settings.live_hours)
    return days, f"live days (SLOMIX_DISCORD_LIVE_HOURS={settings.live_hours})"


def _plan(
    context: dg.AssetExecutionContext,
    config: PublishConfig,
    settings: PublishSettings,
    warehouse: WarehouseResource,
    now: int,
) -> tuple[Plan, list[date], str]:
    engine = warehouse.get_engine()
    base = load_settings()
    with engine.connect() as conn:
        days, why = choose_days(config, settings, reads.days_with_posts(conn), now)
        rounds = reads.read_round_posts(conn, days)
        maps = reads.read_map_posts(conn, days)
        sessions = reads.read_session_posts(conn, days)
        newest = reads.latest_session_start(conn)
    needed = {r.gaming_day for r in rounds} | {m.gaming_day for m in maps}
    needed |= {d for s in sessions for d in (s.gaming_day, s.last_gaming_day)}
    checks = gate_check_keys(location_asset_graph(context), context.selected_asset_keys)
    verdicts = day_verdicts(context.instance, checks, needed)
    plan = plan_posts(
        rounds,
        maps,
        sessions,
        verdict=lambda d: verdicts.get(d, DueDecision(False, "no verdict")),
        now_unix=now,
        gap_minutes=base.session_gap_minutes,
        newest_session_start=newest,
        kinds=settings.kinds,
    )
    return plan, days, why


def _listing(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Listing:
    """A listing as a table value (``defs/tables.py``): every column on screen."""
    return table(header, rows, limit=50)


@dg.multi_asset(specs=_specs(), check_specs=_checks(), pool=POOL, can_subset=False)
def discord_posts(
    context: dg.AssetExecutionContext, config: PublishConfig, warehouse: WarehouseResource
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    settings = load_publish_settings()
    now = utc_now_epoch()
    plan, days, why = _plan(context, config, settings, warehouse, now)
    outcomes: list[Outcome] = []
    if settings.enabled and not config.dry_run:
        client = WebhookClient(
            timeout=settings.timeout_seconds,
            max_attempts=settings.max_attempts,
            max_wait=settings.max_wait_seconds,
        )
        options = PublishOptions(config.repost_uncertain, dict(config.adopt))
        engine = warehouse.get_engine()
        publisher = Publisher(engine, client, options)
        with ledger.exclusive(engine):
            for planned in plan.due:
                for hook in settings.webhooks:
                    outcomes += publisher.publish(hook, planned.post, planned.gaming_day)
    # Only a failed delivery is worth retrying by itself; an uncertain or held post waits for
    # the operator (retrying would change nothing), it only makes the delivery check warn.
    retryable = [o for o in outcomes if o.action == FAILED]
    next_at = plan.next_check_unix
    if retryable:
        retry = now + settings.retry_minutes * 60
        next_at = retry if next_at is None else min(next_at, retry)
    for kind, asset in KIND_ASSETS.items():
        yield from _results(kind, asset, plan, outcomes, settings, days, why, next_at, config)


def _results(
    kind: str,
    asset: str,
    plan: Plan,
    outcomes: Sequence[Outcome],
    settings: PublishSettings,
    days: Sequence[date],
    why: str,
    next_at: int | None,
    config: PublishConfig,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    prefix = f"{kind}:"
    due = [p for p in plan.due if p.post.key.startswith(prefix)]
    mine = [o for o in outcomes if o.post_key.startswith(prefix)]
    held = [h for h in plan.held if h.key.startswith(prefix)]
    bad = [o for o in mine if o.action in PROBLEMS or o.action == HELD]
    preview = "\n\n---\n\n".join(p.post.as_markdown() for p in due[-PREVIEW_POSTS:]) or "none"
    if len(due) > PREVIEW_POSTS:
        preview = f"_{len(due) - PREVIEW_POSTS} older post(s) not shown_\n\n" + preview
    if not settings.enabled:
        state = "off: SLOMIX_DISCORD_WEBHOOK_URLS is empty (rendered only)"
    elif kind not in settings.kinds:
        state = "off: not in SLOMIX_DISCORD_POSTS"
    else:
        state = "dry run (rendered only)" if config.dry_run else "published"
    yield dg.MaterializeResult(
        asset_key=asset,
        metadata={
            "publishing": dg.MetadataValue.text(state),
            "days": dg.MetadataValue.text(", ".join(d.isoformat() for d in days) or "none"),
            "days_rule": dg.MetadataValue.text(why),
            "webhook_ids": dg.MetadataValue.text(
                ", ".join(h.webhook_id for h in settings.webhooks) or "none"
            ),
            "due_posts": len(due),
            "outcomes": dg.MetadataValue.json(summarize(mine)),
            "held": _listing(["post", "why"], [(h.key, h.reason) for h in held]),
            "problems": _listing(
                ["post", "part", "outcome", "detail"],
                [(o.post_key, o.part, o.action, o.detail) for o in bad],
            ),
            "preview": dg.MetadataValue.md(preview),
            NEXT_KEY: next_at if next_at is not None else dg.MetadataValue.text("none"),
        },
    )
    yield dg.AssetCheckResult(
        asset_key=asset,
        check_name=DELIVERY_CHECK,
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"{len(bad)} delivery problem(s)" if bad else "every due post delivered",
        metadata={"outcomes": dg.MetadataValue.json(summarize(mine))},
    )
