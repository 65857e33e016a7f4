"""Declarative automation: assets fed by other assets follow their inputs without anyone clicking.

The landing sensor (``defs/sensors/``) launches, per gaming day, the assets reading the folders
with new files *together with everything fed by them*, in one run. So on the live path this
sensor normally has nothing to do: an input updated by the asset's own attempt run does not
count (:class:`~slomix_pipeline.defs.conditions.InputsNewerThanLastAttempt`), and the landing run
materialized the whole chain. It is the safety net for every other way an input changes: a
re-run of one asset from the UI or the CLI, a backfill of ``raw_stats_files`` alone, a landing
run whose downstream steps were skipped and whose input is fixed later by hand:

    raw_stats_files[D] re-materialized from the UI
      -> (this sensor) proximity_engagements[D], linked_rounds[D], session_aggregates[D]
    webhook_drops[D] re-materialized
      -> (this sensor) lua_round_teams[D] -> proximity_engagements[D], linked_rounds[D] -> ...

The condition for that is :func:`~slomix_pipeline.defs.conditions.live_update_condition`. Dagster's
``eager()`` is *not* enough here: it only looks at the latest time partition (a late file of last
night, landed after the 06:00 day boundary, would never propagate) and it waits while any
dependency partition is missing (a day without gametime files, or without proximity files, would
never link).

How it is applied: each fed asset declares it (``automation_condition=live_update_condition()``
in its decorator), so its asset page shows the condition. The condition is not serializable
(``defs/conditions.py``), so it must be evaluated in the code server: this sensor does that
(``use_user_code_server=True``) and targets exactly :data:`AUTOMATED_ASSETS`, every asset that
declares a condition, so Dagster adds no default automation sensor of its own. The target is a
plain list of asset keys, which the UI renders as a readable selection
(``key:"careers" or key:"endstats" or ...``).

``SLOMIX_AUTOMATION_INTERVAL_SECONDS`` (default 5) is the minimum time between evaluations; the
sensor starts STOPPED unless ``SLOMIX_SENSORS_DEFAULT_RUNNING=1``.
"""

# No ``from __future__ import annotations`` in modules under defs/ (Dagster reads annotations).
from collections.abc import Mapping

import dagster as dg

from slomix_pipeline.defs.conditions import (  # re-exported: tests and docs name them here
    LIVE_LABEL,
    InputsNewerThanLastAttempt,
    live_update_condition,
)
from slomix_pipeline.defs.sensors.folders import SPECS
from slomix_pipeline.defs.sensors.settings import default_sensor_status
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER
from slomix_pipeline.settings_model import read_env

__all__ = [
    "AUTOMATED_ASSETS",
    "LANDING_ONLY_ASSETS",
    "LIVE_LABEL",
    "InputsNewerThanLastAttempt",
    "automation_interval",
    "downstream_selection",
    "live_automation_sensor",
    "live_update_condition",
]

AUTOMATION_INTERVAL_DEFAULT = 5
PUBLISH_GROUP = "publish"
"""The Discord posts (``defs/publish``): launched by ``discord_publish_sensor`` in runs of
their own, so a Discord outage never holds up a run of the ingestion chain."""

LANDING_ONLY_ASSETS: tuple[str, ...] = tuple(
    spec.asset for spec in SPECS if spec.folder != PROXIMITY_FOLDER
)
"""Assets driven by the landing sensor alone (their only input is a folder, not another asset).

``proximity_engagements`` reads its folder *and* the stats and Lua tables for round identity,
so it follows its inputs too."""

AUTOMATED_ASSETS: tuple[str, ...] = (
    "careers",
    "endstats",
    "leaderboards",
    "linked_rounds",
    "lua_round_teams",
    "players",
    "proximity_engagements",
    "season_exports",
    "session_aggregates",
)
"""Every asset fed by another asset, except the Discord posts: the assets declaring
``live_update_condition()``. ``test_sensors.py`` checks this list against the declarations (an
asset with a condition missing here would get a default sensor that cannot evaluate it)."""


def automation_interval(env: Mapping[str, str] | None = None) -> int:
    """``SLOMIX_AUTOMATION_INTERVAL_SECONDS`` (1..3600, default 5), from the typed model."""
    return read_env(env).automation_interval_seconds


def downstream_selection() -> dg.AssetSelection:
    """The automated assets, as asset keys (rendered readably by the UI).

    Asset checks are not selected: checks without a condition of their own ride along in the
    run of the asset they check, which is where gates belong.
    """
    return dg.AssetSelection.assets(*AUTOMATED_ASSETS)


live_automation_sensor = dg.AutomationConditionSensorDefinition(
    name="slomix_live_automation",
    target=downstream_selection(),
    default_status=default_sensor_status(),
    minimum_interval_seconds=automation_interval(),
    use_user_code_server=True,
    description=(
        "Evaluates, in the code server, the automation condition slomix_live_update declared "
        "on every asset fed by other assets: a day is re-materialized when an input's same day "
        "changed after its latest attempt (not while upstream is in progress or a blocking gate "
        "of an input failed)."
    ),
)


@dg.definitions
def automation() -> dg.Definitions:
    return dg.Definitions(sensors=[live_automation_sensor])
