"""``alerting_sensor``: run failures and failed or warning gates, sent to the operators.

One sensor reads the runs that finished since its last tick: failed runs and the asset check
evaluations that did not pass (ERROR severity: "gate failed", WARN: "gate warning").
Each becomes an :class:`~slomix_pipeline.alerting.model.Alert` with its subject and reason,
admitted by the per-day ledger kept in the sensor's cursor (the same run or the same check on
the same partition with the same outcome is sent once a day; at most
``SLOMIX_ALERT_MAX_PER_DAY`` alerts a day, the rest counted as suppressed) and sent to every
configured Discord webhook (``SLOMIX_ALERT_DISCORD_WEBHOOK_URLS``, the publishing client) and
JSON webhook (``SLOMIX_ALERT_WEBHOOK_URLS``). A fresh cursor starts at the newest event: no
alerts for history. URLs are secrets: the resource shows how many destinations there are and
the Discord webhook ids / JSON webhook hosts, never a URL; nothing logs one.
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor's resource annotation.
import datetime as _dt
import time

import dagster as dg
from dagster._core.events import DagsterEventType

from slomix_pipeline.alerting.deliver import JsonWebhook, parse_json_webhooks, send
from slomix_pipeline.alerting.model import Alert, AlertLedger
from slomix_pipeline.defs.sensors.settings import default_sensor_status
from slomix_pipeline.publish.discord import Webhook
from slomix_pipeline.publish.settings import parse_webhooks
from slomix_pipeline.settings_model import read_env

SENSOR_NAME = "alerting_sensor"


class AlertingResource(dg.ConfigurableResource):
    """Where alerts go and how many a day. The URLs stay in the environment (secrets)."""

    destinations: str = "none"
    """Shown in the UI: e.g. ``Discord webhook 1122…; JSON webhook on hooks.example.org``."""
    max_per_day: int = 20
    timeout_seconds: int = 10

    def discord(self) -> tuple[Webhook, ...]:
        key = "SLOMIX_ALERT_DISCORD_WEBHOOK_URLS"
        return parse_webhooks(read_env().alert_discord_webhook_urls, key)

    def json_hooks(self) -> tuple[JsonWebhook, ...]:
        return parse_json_webhooks(read_env().alert_webhook_urls)


def describe_destinations() -> str:
    """A secret-free description of the configured destinations."""
    resource = AlertingResource()
    parts = [f"Discord webhook {h.webhook_id}" for h in resource.discord()]
    parts += [f"JSON webhook on {h}" for h in resource.json_hooks()]
    return "; ".join(parts) or "none (set SLOMIX_ALERT_DISCORD_WEBHOOK_URLS / _WEBHOOK_URLS)"


def alerting_resource() -> AlertingResource:
    raw = read_env()
    return AlertingResource(
        destinations=describe_destinations(),
        max_per_day=raw.alert_max_per_day,
        timeout_seconds=raw.alert_timeout_seconds,
    )


def _day(timestamp: float) -> str:
    return _dt.datetime.fromtimestamp(timestamp, _dt.UTC).date().isoformat()


FINISHED = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
]


def run_alerts(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[Alert]:
    """The alerts of one finished run: its failure, and its checks that did not pass."""
    alerts = []
    partition = run.tags.get("dagster/partition") or ""
    where = f" [{partition}]" if partition else ""
    if run.status == dg.DagsterRunStatus.FAILURE:
        failures = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_FAILURE)
        entry = failures[-1] if failures else None
        message = entry.dagster_event.message if entry and entry.dagster_event else None
        alerts.append(
            Alert(
                kind="run_failure",
                subject=f"run {run.run_id[:8]} of {run.job_name}{where}",
                reason=(message or "run failed")[:800],
                key=f"run:{run.run_id}",
                day=_day(entry.timestamp if entry else time.time()),
            )
        )
    for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if evaluation is None or evaluation.passed:
            continue
        kind = (
            "gate_warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "gate_failed"
        )
        part = evaluation.partition or partition
        asset = evaluation.asset_key.to_user_string()
        alerts.append(
            Alert(
                kind=kind,
                subject=f"{evaluation.check_name} on {asset}" + (f" [{part}]" if part else ""),
                reason=(evaluation.description or "check did not pass")[:800],
                key=f"check:{asset}:{evaluation.check_name}:{part}:{kind}",
                day=_day(entry.timestamp),
            )
        )
    return alerts


def evaluate_alerts(
    instance: dg.DagsterInstance,
    cursor: str | None,
    alerting: AlertingResource,
    now: float | None = None,
) -> tuple[AlertLedger, list[Alert], list[str]]:
    """One tick: alerts of the runs finished since the last tick, admitted by the ledger, sent.

    Reads runs (not event-log positions) so it works on every instance storage; a run seen
    twice (finishing while a tick reads) is harmless: its keys are already in the ledger.
    """
    ledger = AlertLedger.from_json(cursor)
    now = time.time() if now is None else now
    if ledger.since is None:  # fresh: start at "now", no alerts for history
        ledger.since = now
        return ledger, [], []
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            statuses=FINISHED, updated_after=_dt.datetime.fromtimestamp(ledger.since, _dt.UTC)
        )
    )
    ledger.since = now
    candidates = [a for run in reversed(list(runs)) for a in run_alerts(instance, run)]
    discord, json_hooks = alerting.discord(), alerting.json_hooks()
    sent, errors = [], []
    for alert in candidates:
        if ledger.admit(alert, alerting.max_per_day) != "send":
            continue
        errors += send(alert, discord, json_hooks, timeout=alerting.timeout_seconds)
        sent.append(alert)
    return ledger, sent, errors


@dg.sensor(
    name=SENSOR_NAME,
    minimum_interval_seconds=30,
    default_status=default_sensor_status(),
    description=(
        "Sends run failures and failed or warning gates to the configured Discord and JSON "
        "webhooks, once per subject and day, at most SLOMIX_ALERT_MAX_PER_DAY a day."
    ),
)
def alerting_sensor(
    context: dg.SensorEvaluationContext, alerting: AlertingResource
) -> dg.SensorResult:
    ledger, sent, errors = evaluate_alerts(context.instance, context.cursor, alerting)
    for line in errors:
        context.log.warning(f"alert not delivered: {line}")
    reason = f"{len(sent)} alert(s) sent" if sent else "nothing to alert"
    if ledger.suppressed:
        reason += f"; {ledger.suppressed} suppressed today (daily limit)"
    return dg.SensorResult(skip_reason=reason, cursor=ledger.to_json())


@dg.definitions
def alerting_defs() -> dg.Definitions:
    return dg.Definitions(sensors=[alerting_sensor], resources={"alerting": alerting_resource()})
