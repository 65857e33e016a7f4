"""The ``landing_zone_sensor`` definition: one run per gaming day with newly landed files.

The package docstring (``defs/sensors/__init__.py``) explains why there is one sensor for
every folder and why each run materializes whole downstream chains.
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor's resource parameter
# annotations at decoration time.
import dagster as dg

from slomix_pipeline.defs.resources import LandingZoneResource
from slomix_pipeline.defs.sensors.evaluation import evaluate_landing_zone
from slomix_pipeline.defs.sensors.folders import SPECS, LandingFolderSpec, assets_for
from slomix_pipeline.defs.sensors.result import zone_result
from slomix_pipeline.defs.sensors.settings import default_sensor_status, env_int

LANDING_SENSOR_NAME = "landing_zone_sensor"


def build_landing_sensor(
    *specs: LandingFolderSpec, name: str = LANDING_SENSOR_NAME
) -> dg.SensorDefinition:
    """The landing sensor over ``specs`` (default: every landing folder, see the package
    docstring). Its target is the union of the folders' assets with their checks; each run
    request narrows it to the assets of the folders with new files."""
    specs = specs or SPECS

    @dg.sensor(
        name=name,
        target=dg.AssetSelection.assets(*assets_for(specs)),
        minimum_interval_seconds=env_int("SLOMIX_SENSOR_INTERVAL_SECONDS", 1, 3600),
        default_status=default_sensor_status(),
        description=(
            "One run per gaming day with files newly landed in "
            f"{', '.join(spec.folder + '/' for spec in specs)}: the assets reading those "
            "folders plus everything fed by them, with their checks "
            "(run_key = day + digest of the files)."
        ),
    )
    def _sensor(
        context: dg.SensorEvaluationContext, landing: LandingZoneResource
    ) -> dg.SensorResult:
        tick = evaluate_landing_zone(specs, landing.path(), context.cursor)
        return zone_result(tick, context.log)

    return _sensor


landing_zone_sensor = build_landing_sensor()


@dg.definitions
def sensors() -> dg.Definitions:
    return dg.Definitions(sensors=[landing_zone_sensor])
