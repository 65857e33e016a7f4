"""The live automation condition, declared on every asset fed by other assets.

Kept apart from ``defs/automation.py`` (the sensor evaluating it) so the asset modules can
declare it in their decorators (``automation_condition=live_update_condition()``) without
importing the landing sensor. Why this condition and not ``eager()``: see ``defs/automation.py``.

The condition contains a Python-defined part (:class:`InputsNewerThanLastAttempt`) that Dagster
cannot serialize: the asset snapshots the UI and the daemon receive carry only its description
(shown on each asset page under *Automation condition*), and only a sensor evaluated in the code
server (``use_user_code_server=True``) can run it. ``slomix_live_automation`` is that sensor, and
it targets every asset declaring a condition, so Dagster creates no default automation sensor
(one in the daemon could not evaluate it); ``test_sensors.py`` pins both.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
import dagster as dg
from dagster._core.events import DagsterEventType

LIVE_LABEL = "slomix_live_update"


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
    it, or failed on its own and must not be retried every tick). Neither does one while that
    attempt is still *pending*: its run has not finished and has not materialized this asset
    yet, so it will read the update when its step runs (one run per gaming day at a time, the
    ``dagster/partition`` limit in ``dagster.yaml``, so a pending run cannot be half-way through
    this step while another run of the day writes its input). Only inputs with the same
    partitions definition are compared (every slomix asset uses the gaming days).

    Why the pending test is here and not left to ``~in_progress()``: Dagster evaluates the
    operands of a condition one after the other against the live instance, not a snapshot, and
    its ``in_progress`` ends with the first materialization newer than the latest plan, even
    one from an *earlier* run of the day. Under load a tick took seconds: this operand saw a
    queued landing run's plan older than an input the running landing run had just written,
    then ``in_progress`` saw that running run materialize the asset too, and each side alone
    was right at its own instant; the tick launched a redundant run (issue 13, the flaky
    ``test_live_e2e``). So the reads here are ordered (inputs first, the asset's own state
    after, the attempt's run status before the asset's last materialization), and every
    answer "stale" held at one instant on its own.
    """

    @property
    def name(self) -> str:
        return "inputs_newer_than_last_attempt"

    @property
    def description(self) -> str:
        return "An input partition materialized after this partition's latest attempt"

    def evaluate(self, context: dg.AutomationContext) -> dg.AutomationResult:
        partitions_def = context.partitions_def
        if partitions_def is None:
            return dg.AutomationResult(context=context, true_subset=context.get_empty_subset())
        key = context.key
        graph = context.asset_graph
        instance = context.asset_graph_view.instance
        storage = instance.event_log_storage
        inputs = {  # read first: anything read about the asset afterwards is at least as new
            dep: storage.get_latest_storage_id_by_partition(
                dep, DagsterEventType.ASSET_MATERIALIZATION
            )
            for dep in sorted(graph.get(key).parent_keys)
            if graph.has(dep) and graph.get(dep).partitions_def == partitions_def
        }
        planned = storage.get_latest_storage_id_by_partition(
            key, DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        )
        done = storage.get_latest_storage_id_by_partition(
            key, DagsterEventType.ASSET_MATERIALIZATION
        )
        stale: set[str] = set()
        for dep, latest in inputs.items():
            for partition, dep_id in latest.items():
                if partition in stale:
                    continue
                if dep_id <= max(planned.get(partition, 0), done.get(partition, 0)):
                    continue
                if not _attempt_covers(instance, key, dep, partition, dep_id):
                    stale.add(partition)
        subset = context.candidate_subset.compute_intersection_with_partition_keys(stale)
        return dg.AutomationResult(context=context, true_subset=subset)


def _attempt_covers(
    instance: dg.DagsterInstance, key: dg.AssetKey, dep: dg.AssetKey, partition: str, dep_id: int
) -> bool:
    """Whether ``key``'s latest attempt at ``partition`` accounts for the input event ``dep_id``.

    It does when it was planned after that event, when it is the run that wrote the input (the
    asset ran after it, or the run failed), or when it is pending: its run has not finished and
    has not materialized the asset yet (whatever an earlier run of the day wrote since its
    plan). The run status is read before the asset's latest materialization, so a run
    finishing in between is seen with what it wrote.
    """
    storage = instance.event_log_storage
    attempt = storage.get_latest_planned_materialization_info(key, partition)
    if attempt is None:
        return False
    if attempt.storage_id > dep_id:
        return True
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dep, storage_ids=[dep_id]), limit=1
    ).records
    if records and records[0].run_id == attempt.run_id:
        return True
    run = instance.get_run_by_id(attempt.run_id)
    unfinished = run is not None and not run.is_finished
    latest = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1
    ).records
    if latest and latest[0].storage_id > dep_id:
        return True
    return unfinished and not (latest and latest[0].run_id == attempt.run_id)


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
