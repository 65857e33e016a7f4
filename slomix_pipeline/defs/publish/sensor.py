"""``discord_publish_sensor``: launches the publishing run when there may be something to post.

It requests a run of ``discord_publish_job`` (the three ``discord_*_posts`` assets) when:

* the gated tables changed: a new materialization of ``linked_rounds`` / ``session_aggregates``
  or a new verdict of a gate upstream of the posts (a fingerprint of their latest storage ids
  is the cursor; a round linked and judged later in the same run is a second change, so a post
  held back by a gate that had not run yet goes out on the next tick);
* a time the last publishing run named has come (``next_publish_unix``: a session closes when
  its gap has elapsed; a failed or uncertain delivery is retried after
  ``SLOMIX_DISCORD_RETRY_MINUTES``);
* the last publishing run failed outright, ``SLOMIX_DISCORD_RETRY_MINUTES`` after it ended.

Never while a publishing run is queued or running (one at a time; the ``discord`` pool enforces
it too), and not at all when no webhook is configured. Run keys are deterministic, so a
re-evaluated tick launches nothing twice. Starts STOPPED unless
``SLOMIX_SENSORS_DEFAULT_RUNNING=1``; ``SLOMIX_DISCORD_SENSOR_INTERVAL_SECONDS`` (default 15) is
the minimum time between ticks.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
import hashlib
import json

import dagster as dg

from slomix_pipeline.defs.publish.assets import KIND_ASSETS, NEXT_KEY, PUBLISH_GROUP
from slomix_pipeline.defs.publish.verdict import gate_check_keys
from slomix_pipeline.defs.sensors.settings import default_sensor_status
from slomix_pipeline.domain.gaming_day import utc_now_epoch
from slomix_pipeline.publish.settings import load_publish_settings
from slomix_pipeline.settings_model import read_env

JOB_NAME = "discord_publish_job"
SENSOR_NAME = "discord_publish_sensor"
WATCHED = ("linked_rounds", "session_aggregates")
_ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]

discord_publish_job = dg.define_asset_job(
    JOB_NAME, selection=dg.AssetSelection.groups(PUBLISH_GROUP)
)


def sensor_interval() -> int:
    """``SLOMIX_DISCORD_SENSOR_INTERVAL_SECONDS`` (1..3600, default 15), from the typed model."""
    return read_env().discord_sensor_interval_seconds


def upstream_fingerprint(instance: dg.DagsterInstance, graph: object | None) -> str:
    """Digest of the latest materializations of the watched assets and the gate verdicts."""
    parts: list[str] = []
    for name in WATCHED:
        records = instance.fetch_materializations(dg.AssetKey(name), limit=1).records
        parts.append(f"{name}:{records[0].storage_id if records else 0}")
    if graph is not None:
        keys = gate_check_keys(graph, [dg.AssetKey(a) for a in KIND_ASSETS.values()])
        latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
        for key in keys:
            record = latest.get(key)
            state = f"{record.id}:{record.status.value}" if record else "none"
            parts.append(f"{key.to_user_string()}:{state}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _next_publish(instance: dg.DagsterInstance) -> int | None:
    event = instance.get_latest_materialization_event(dg.AssetKey(KIND_ASSETS["round"]))
    if event is None or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get(NEXT_KEY)
    raw = getattr(value, "value", None)
    return raw if isinstance(raw, int) else None


@dg.sensor(
    name=SENSOR_NAME,
    job=discord_publish_job,
    minimum_interval_seconds=sensor_interval(),
    default_status=default_sensor_status(),
    description="Publishes to Discord after the gated tables change, when a session closes "
    "and to retry failed deliveries (never inside an ingestion run).",
)
def discord_publish_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    settings = load_publish_settings()
    if not settings.enabled:
        return dg.SensorResult(skip_reason="SLOMIX_DISCORD_WEBHOOK_URLS is empty")
    instance = context.instance
    active = instance.get_runs(dg.RunsFilter(job_name=JOB_NAME, statuses=_ACTIVE), limit=1)
    if active:
        return dg.SensorResult(skip_reason="a publishing run is queued or running")
    repo = context.repository_def
    fingerprint = upstream_fingerprint(instance, repo.asset_graph if repo else None)
    cursor = json.loads(context.cursor) if context.cursor else {}
    now = utc_now_epoch()
    run_key = None
    if fingerprint != cursor.get("fp"):
        run_key = f"upstream:{fingerprint}"
    else:
        due = _next_publish(instance)
        last = instance.get_runs(dg.RunsFilter(job_name=JOB_NAME), limit=1)
        if last and last[0].status == dg.DagsterRunStatus.FAILURE:
            stats = instance.get_run_stats(last[0].run_id)
            ended = int(stats.end_time or 0)
            if now >= ended + settings.retry_minutes * 60:
                run_key = f"retry:{last[0].run_id}"
        elif due is not None and now >= due:
            run_key = f"due:{due}"
    new_cursor = json.dumps({"fp": fingerprint})
    if run_key is None:
        return dg.SensorResult(skip_reason="nothing new to publish", cursor=new_cursor)
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=run_key)], cursor=new_cursor)
