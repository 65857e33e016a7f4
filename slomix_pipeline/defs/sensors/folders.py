"""The landing folders, the asset reading each and every asset fed by it (:data:`SPECS`).

The downstream closures are a static map rather than a graph query at tick time: the sensor
then works the same whether it is evaluated in the code server or called directly, and
``slomix_pipeline_tests/defs/test_sensors.py`` compares the map with the real asset graph, so a
new downstream asset fails the tests until it is added here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
)


@dataclass(frozen=True, slots=True)
class LandingFolderSpec:
    """One landing folder, the asset that reads it and every asset fed by that asset.

    ``downstream`` is the asset graph's downstream closure of ``asset`` (without ``asset``),
    in an order where every asset follows its inputs; a test compares it with the real graph.
    """

    folder: str
    asset: str
    downstream: tuple[str, ...]

    @property
    def assets(self) -> tuple[str, ...]:
        """What a run for new files of this folder materializes."""
        return (self.asset, *self.downstream)


DATASET_CHAIN = ("players", "careers", "leaderboards", "season_exports")
"""The community datasets (``defs/datasets``): fed by the sessions, so a landing run of a night
updates careers, boards and exports in the same run as its sessions."""
_LUA_CHAIN = (
    "lua_round_teams",
    "proximity_engagements",
    "linked_rounds",
    "session_aggregates",
    *DATASET_CHAIN,
)

SPECS: tuple[LandingFolderSpec, ...] = (
    LandingFolderSpec(
        STATS_FOLDER,
        "raw_stats_files",
        (
            "proximity_engagements",
            "linked_rounds",
            "session_aggregates",
            "endstats",
            *DATASET_CHAIN,
        ),
    ),
    LandingFolderSpec(GAMETIMES_FOLDER, "gametime_files", _LUA_CHAIN),
    LandingFolderSpec(WEBHOOK_FOLDER, "webhook_drops", _LUA_CHAIN),
    LandingFolderSpec(
        PROXIMITY_FOLDER,
        "proximity_engagements",
        ("linked_rounds", "session_aggregates", *DATASET_CHAIN),
    ),
)

ASSET_ORDER: tuple[str, ...] = (
    "raw_stats_files",
    "gametime_files",
    "webhook_drops",
    "lua_round_teams",
    "proximity_engagements",
    "linked_rounds",
    "session_aggregates",
    "endstats",
    *DATASET_CHAIN,
)
"""Every asset a landing run may materialize, each after its inputs (the order of a run's
``asset_selection``; Dagster orders the steps by the graph anyway)."""


def assets_for(specs: Iterable[LandingFolderSpec]) -> tuple[str, ...]:
    """The union of the specs' assets, in :data:`ASSET_ORDER`."""
    wanted = {name for spec in specs for name in spec.assets}
    unknown = wanted - set(ASSET_ORDER)
    if unknown:
        raise ValueError(f"assets missing from ASSET_ORDER: {sorted(unknown)}")
    return tuple(name for name in ASSET_ORDER if name in wanted)
