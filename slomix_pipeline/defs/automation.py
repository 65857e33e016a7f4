"""Declarative automation: assets fed by other assets follow their inputs without anyone clicking.

The landing sensor (``defs/sensors.py``) launches, per gaming day, the assets reading the folders
with new files *together with everything fed by them*, in one run. So on the live path this
sensor normally has nothing to do: an input updated by the asset's own attempt run does not
count (:class:`InputsNewerThanLastAttempt`), and the landing run materialized the whole chain.
It is the safety net for every other way an input changes: a re-run of one asset from the UI or
the CLI, a backfill of ``raw_stats_files`` alone, a landing run whose downstream steps were
skipped and whose input is fixed later by hand:

    raw_stats_files[D] re-materialized from the UI
      -> (this sensor) proximity_engagements[D], linked_rounds[D], session_aggregates[D]
    webhook_drops[D] re-materialized
      -> (this sensor) lua_round_teams[D] -> proximity_engagements[D], linked_rounds[D] -> ...

The condition for that is :func:`live_update_condition`. Dagster's ``eager()`` is *not* enough
here: it only looks at the latest time partition (a late file of last night, landed after the
06:00 day boundary, would never propagate) and it waits while any dependency partition is
missing (a day without gametime files, or without proximity files, would never link).

How it is applied: the sensor below applies the condition as its ``default_condition`` to every
asset it targets that has none (a beta feature that needs evaluation in the code server). Keep it
there: the condition contains a Python-defined part (:class:`InputsNewerThanLastAttempt`) that
is not serializable, so the asset snapshots the daemon and the UI receive would only describe
it, and only a sensor evaluated in the code server can run it. On an asset's
``automation_condition=`` it would work with this sensor but break with Dagster's default
automation sensor (created for assets with conditions that no sensor targets).

``SLOMIX_AUTOMATION_INTERVAL_SECONDS`` (default 5) is the minimum time between evaluations; the
sensor starts STOPPED unless ``SLOMIX_SENSORS_DEFAULT_RUNNING=1``.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Mapping

import dagster as dg
from dagster._core.events import DagsterEventType

from slomix_pipeline.defs.sensors import SPECS, default_sensor_status
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER
from slomix_pipeline.settings_model import read_env

AUTOMATION_INTERVAL_DEFAULT = 5
PUBLISH_GROUP = "publish"
"""The Discord posts (``defs/publish``): launched by ``discord_publish_sensor`` in runs of
their own, so a Discord outage never holds up a run of the ingestion chain."""
LIVE_LABEL = "slomix_live_update"

LANDING_ONLY_ASSETS: tuple[str, ...] = tuple(
    spec.asset for spec in SPECS if spec.folder != PROXIMITY_FOLDER
)
"""Assets driven by the landing sensor alone (their only input is a folder, not another asset).

``proximity_engagements`` reads its folder *and* the stats and Lua tables for round identity,
so it follows its inputs too."""


class InputsNewerThanLastAttempt(dg.AutomationCondition):
    """True for a partition when an input's same partition materialized after this asset's
    latest *attempt* at that partition (its latest planned or completed materialization).

    Why a state comparison and not ``any_deps_updated().since_last_handled()``: that one
    remembers an input update as an event between two evaluations, and an update seen in the
    same evaluation as the asset's own materialization (or as its own request) is dropped,
    because the built-in operators carry no timestamps through ``|`` and ``&`` and the reset
    wins. On the live daemon that happened for real: ``linked_rounds`` ran early, failed its
    WS1 gate while the Lua rounds were still on their way, finished in the same evaluation
    window in which ``lua_round_teams`` materialized, and the day never linked again. Comparing
    storage ids of the latest events instead is exact at every evaluation, whatever happened
    in between.

    An input update made by the very run of the latest attempt does not count (that run read
    it, or failed on its own and must not be retried every tick). Only inputs with the same
    partitions definition are compared (every slomix asset uses the gaming days).
    """

    @property
    def name(self) -> str:
        return "inputs_newer_than_last_attempt"

    @property
    def description(self) -> str:
        return "An input partition materialized after this partition's latest attempt"

    def evaluate(self, context: dg.AutomationContext) -> dg.AutomationResult:
        key = context.key
        partitions_def = context.partitions_def
        if partitions_def is None:
            return dg.AutomationResult(context=context, true_subset=context.get_empty_subset())
        instance = context.asset_graph_view.instance
        storage = instance.event_log_storage
        graph = context.asset_graph
        planned = storage.get_latest_storage_id_by_partition(
            key, DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        )
        done = storage.get_latest_storage_id_by_partition(
            key, DagsterEventType.ASSET_MATERIALIZATION
        )
        stale: set[str] = set()
        for dep in sorted(graph.get(key).parent_keys):
            if not graph.has(dep) or graph.get(dep).partitions_def != partitions_def:
                continue
            latest = storage.get_latest_storage_id_by_partition(
                dep, DagsterEventType.ASSET_MATERIALIZATION
            )
            for partition, dep_id in latest.items():
                if partition in stale:
                    continue
                attempt_id = max(planned.get(partition, 0), done.get(partition, 0))
                if dep_id <= attempt_id:
                    continue
                if not _same_run(instance, key, dep, partition, dep_id):
                    stale.add(partition)
        subset = context.candidate_subset.compute_intersection_with_partition_keys(stale)
        return dg.AutomationResult(context=context, true_subset=subset)


def _same_run(
    instance: dg.DagsterInstance, key: dg.AssetKey, dep: dg.AssetKey, partition: str, dep_id: int
) -> bool:
    """Whether the input event ``dep_id`` came from the run of ``key``'s latest planned attempt
    at ``partition`` (one run holding both steps: the asset ran after its input, or failed)."""
    planned = instance.event_log_storage.get_latest_planned_materialization_info(key, partition)
    if planned is None:
        return False
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dep, storage_ids=[dep_id]), limit=1
    ).records
    return bool(records) and records[0].run_id == planned.run_id


def live_update_condition() -> dg.AutomationCondition:
    """Re-materialize a partition when an input's same partition changed after its last attempt.

    * any partition, not only the latest (late files and re-landed old days propagate);
    * no wait for missing dependency partitions (a day may have no gametime or proximity files);
    * an input requested in the same evaluation pulls this asset into the same run
      (``will_be_requested``), so a chain of hops costs one evaluation, not one per hop;
    * no request while the asset itself, a dependency or a dependency's dependency is being
      materialized for that partition: the comparison is a state, so it simply holds on the
      next evaluation. Two levels, because a landing run two hops up (``gametime_files``
      under ``lua_round_teams``) is about to change the input: linking before it finishes
      fails the WS1 gate for a round whose Lua file is still being loaded, and runs twice;
    * not in the evaluation right after a request (the run may not be registered yet);
    * not while a blocking asset check of a dependency failed on that dependency's latest
      materialization (gates stop bad data travelling on). "Not failed" rather than Dagster's
      ``all_deps_blocking_checks_passed()``: a dependency requested in the same tick has not run
      its checks yet, and that condition would hold the whole chain back by one full tick per
      hop; within one run Dagster itself stops the steps after a failing blocking check.
    """
    failed_gate = dg.AutomationCondition.any_checks_match(
        dg.AutomationCondition.check_failed(), blocking_only=True
    )
    inputs_changed = (
        InputsNewerThanLastAttempt() & ~dg.AutomationCondition.newly_requested()
    ) | dg.AutomationCondition.any_deps_match(dg.AutomationCondition.will_be_requested())
    return (
        inputs_changed.with_label("inputs_changed")
        & ~dg.AutomationCondition.any_deps_match(
            dg.AutomationCondition.in_progress() | dg.AutomationCondition.any_deps_in_progress()
        ).with_label("upstream_in_progress")
        & ~dg.AutomationCondition.in_progress()
        & ~dg.AutomationCondition.any_deps_match(failed_gate).with_label(
            "any_deps_blocking_check_failed"
        )
    ).with_label(LIVE_LABEL)


def automation_interval(env: Mapping[str, str] | None = None) -> int:
    """``SLOMIX_AUTOMATION_INTERVAL_SECONDS`` (1..3600, default 5), from the typed model."""
    return read_env(env).automation_interval_seconds


def downstream_selection() -> dg.AssetSelection:
    """Every asset except those fed by a landing folder alone, and the Discord posts.

    Asset checks are left out on purpose: checks without a condition of their own ride along
    in the run of the asset they check, which is where gates belong.
    """
    return (
        dg.AssetSelection.all()
        - dg.AssetSelection.assets(*LANDING_ONLY_ASSETS)
        - dg.AssetSelection.groups(PUBLISH_GROUP)  # Discord posts: their own sensor, own runs
    ).without_checks()


live_automation_sensor = dg.AutomationConditionSensorDefinition(
    name="slomix_live_automation",
    target=downstream_selection(),
    default_status=default_sensor_status(),
    minimum_interval_seconds=automation_interval(),
    use_user_code_server=True,
    default_condition=live_update_condition(),
    description=(
        "Evaluates the automation conditions of every asset fed by other assets "
        "(lua_round_teams, proximity_engagements, linked_rounds, session_aggregates, ...); "
        "assets without a condition get slomix_live_update."
    ),
)


@dg.definitions
def automation() -> dg.Definitions:
    return dg.Definitions(sensors=[live_automation_sensor])
