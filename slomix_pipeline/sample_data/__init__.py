"""Deterministic sample data: a seeded simulation of community play nights, renderers for the
files real producers write, and the truth the pipeline must reproduce from them."""

from slomix_pipeline.sample_data.clock import SERVER_TZ, gaming_day
from slomix_pipeline.sample_data.corpus_features import expected_sessions, features
from slomix_pipeline.sample_data.file_names import (
    endstats_file_name,
    malformed_file_name,
    stats_file_name,
)
from slomix_pipeline.sample_data.generate import GenerationReport, Renderer, generate_landing_zone
from slomix_pipeline.sample_data.model import (
    SimCorpus,
    SimMalformedFile,
    SimMapPlay,
    SimNight,
    SimPlayer,
    SimPlayerRound,
    SimRound,
)
from slomix_pipeline.sample_data.player_keys import player_key
from slomix_pipeline.sample_data.simulate import simulate
from slomix_pipeline.sample_data.stats_writer import (
    render_endstats_file,
    render_round_file,
    render_stats_landing,
)
from slomix_pipeline.sample_data.truth import expected_rejects, round_truth
from slomix_pipeline.sample_data.truth_records import (
    APPROXIMATE_FIELDS,
    EXACT_FIELDS,
    PlayerTruth,
    RoundTruth,
)

__all__ = [
    "APPROXIMATE_FIELDS",
    "EXACT_FIELDS",
    "SERVER_TZ",
    "GenerationReport",
    "PlayerTruth",
    "Renderer",
    "RoundTruth",
    "SimCorpus",
    "SimMalformedFile",
    "SimMapPlay",
    "SimNight",
    "SimPlayer",
    "SimPlayerRound",
    "SimRound",
    "endstats_file_name",
    "expected_rejects",
    "expected_sessions",
    "features",
    "gaming_day",
    "generate_landing_zone",
    "malformed_file_name",
    "player_key",
    "render_endstats_file",
    "render_round_file",
    "render_stats_landing",
    "round_truth",
    "simulate",
    "stats_file_name",
]
