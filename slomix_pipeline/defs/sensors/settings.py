"""The landing sensor's settings and the default status every slomix sensor starts with.

Read from the typed settings model (``settings_model.py``), so a bad value fails when the code
location loads rather than at the first tick.
"""

from collections.abc import Mapping

import dagster as dg

from slomix_pipeline.settings_model import read_env


def env_int(key: str, low: int, high: int, env: Mapping[str, str] | None = None) -> int:
    """A whole-number sensor setting from the typed model; ``low``/``high`` double-check it."""
    value = getattr(read_env(env), key[len("SLOMIX_") :].lower())
    if not low <= value <= high:
        raise ValueError(f"{key}={value} is outside {low}..{high}")
    return value


def max_runs_per_tick(max_requests: int | None = None) -> int:
    """``max_requests`` when given, else ``SLOMIX_SENSOR_MAX_RUNS_PER_TICK``."""
    if max_requests is not None:
        return max_requests
    return env_int("SLOMIX_SENSOR_MAX_RUNS_PER_TICK", 1, 1000)


def default_sensor_status(env: Mapping[str, str] | None = None) -> dg.DefaultSensorStatus:
    """RUNNING when ``SLOMIX_SENSORS_DEFAULT_RUNNING`` is 1/true/yes/on, else STOPPED."""
    running = read_env(env).sensors_default_running
    return dg.DefaultSensorStatus.RUNNING if running else dg.DefaultSensorStatus.STOPPED
