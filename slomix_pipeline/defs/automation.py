"""Declarative automation: assets fed by other assets follow their inputs without anyone clicking.

The landing sensors (``defs/sensors.py``) launch the assets that read landing folders. Every
other asset should re-materialize a gaming day as soon as one of its inputs re-materialized that
day, so that a new R2 stats file ends in updated session aggregates:

    stats file lands -> local_stats_sensor -> raw_stats_files[D]
      -> (this sensor) proximity_engagements[D], linked_rounds[D], session_aggregates[D]
    webhook body lands -> webhook_drops_sensor -> webhook_drops[D]
      -> (this sensor) lua_round_teams[D] -> proximity_engagements[D], linked_rounds[D] -> ...

The condition for that is :func:`live_update_condition`. Dagster's ``eager()`` is *not* enough
here: it only looks at the latest time partition (a late file of last night, landed after the
06:00 day boundary, would never propagate) and it waits while any dependency partition is
missing (a day without gametime files, or without proximity files, would never link).

How it is applied: put ``automation_condition=live_update_condition()`` on ``lua_round_teams``,
``proximity_engagements``, ``linked_rounds`` and ``session_aggregates``. Until that is done, the
sensor below applies the same condition as its ``default_condition`` to every asset it targets
that has none (a beta feature that needs evaluation in the code server). Conditions set on an
asset always win.

``SLOMIX_AUTOMATION_INTERVAL_SECONDS`` (default 5) is the minimum time between evaluations; the
sensor starts STOPPED unless ``SLOMIX_SENSORS_DEFAULT_RUNNING=1``.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
import os
from collections.abc import Mapping

import dagster as dg

from slomix_pipeline.defs.sensors import SPECS, default_sensor_status
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER

AUTOMATION_INTERVAL_DEFAULT = 5
LIVE_LABEL = "slomix_live_update"

LANDING_ONLY_ASSETS: tuple[str, ...] = tuple(
    spec.asset for spec in SPECS if spec.folder != PROXIMITY_FOLDER
)
"""Assets driven by a landing sensor alone (their only input is a folder, not another asset).

``proximity_engagements`` is fed by its sensor *and* reads the stats and Lua tables for round
identity, so it follows its inputs too."""


def live_update_condition() -> dg.AutomationCondition:
    """Re-materialize a partition when any dependency's same partition updated.

    * any partition, not only the latest (late files and re-landed old days propagate);
    * no wait for missing dependency partitions (a day may have no gametime or proximity files);
    * no request while a dependency or the asset itself is being materialized for that
      partition (the update is remembered via ``since_last_handled`` and requested afterwards);
    * not while a blocking asset check of a dependency failed on that dependency's latest
      materialization (gates stop bad data travelling on). "Not failed" rather than Dagster's
      ``all_deps_blocking_checks_passed()``: a dependency requested in the same tick has not run
      its checks yet, and that condition would hold the whole chain back by one full tick per
      hop; within one run Dagster itself stops the steps after a failing blocking check.
    """
    failed_gate = dg.AutomationCondition.any_checks_match(
        dg.AutomationCondition.check_failed(), blocking_only=True
    )
    return (
        dg.AutomationCondition.any_deps_updated().since_last_handled()
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
        & ~dg.AutomationCondition.any_deps_match(failed_gate).with_label(
            "any_deps_blocking_check_failed"
        )
    ).with_label(LIVE_LABEL)


def automation_interval(env: Mapping[str, str] | None = None) -> int:
    """``SLOMIX_AUTOMATION_INTERVAL_SECONDS`` (1..3600, default 5)."""
    env = os.environ if env is None else env
    raw = env.get("SLOMIX_AUTOMATION_INTERVAL_SECONDS") or str(AUTOMATION_INTERVAL_DEFAULT)
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"SLOMIX_AUTOMATION_INTERVAL_SECONDS={raw!r} is not a number") from exc
    if not 1 <= value <= 3600:
        raise ValueError(f"SLOMIX_AUTOMATION_INTERVAL_SECONDS={value} is outside 1..3600")
    return value


def downstream_selection() -> dg.AssetSelection:
    """Every asset except those fed by a landing folder alone.

    Asset checks are left out on purpose: checks without a condition of their own ride along
    in the run of the asset they check, which is where gates belong.
    """
    return (
        dg.AssetSelection.all() - dg.AssetSelection.assets(*LANDING_ONLY_ASSETS)
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
