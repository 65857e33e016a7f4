"""Expected ``round_links``: which delivery a stats round links to, why not, and its duration."""

from __future__ import annotations

from dataclasses import dataclass

from slomix_pipeline.sample_data.file_names import stats_file_name
from slomix_pipeline.sample_data.linking_cases import LinkingPlan
from slomix_pipeline.sample_data.lua_truth import expected_lua_round_id
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.truth_records import RoundTruth


@dataclass(frozen=True, slots=True)
class RoundLinkTruth:
    """Expected ``round_links`` facts of one stats file."""

    lua_round_id: int | None
    reason: str
    duration_seconds: int | None
    duration_source: str


def link_truth(
    corpus: SimCorpus, files: dict[str, RoundTruth], plan: LinkingPlan
) -> tuple[dict[str, RoundLinkTruth], dict[int, tuple[str | None, str]]]:
    dropped = {id(r) for r in plan.dropped}
    contested = {id(target) for target, _ in plan.ghosts}
    rounds_out: dict[str, RoundLinkTruth] = {}
    lua_out: dict[int, tuple[str | None, str]] = {}
    for r in corpus.rounds:
        name = stats_file_name(r)
        has_file = name in files
        lua_id = None if id(r) in dropped else expected_lua_round_id(r)
        # The engine's header ms measures every round but one cut on the shutdown path, where
        # only the Lua playtime does (docs/sessions.md: duration by source reliability).
        shutdown = r.end_reason == "map_change"
        measured = (r.actual_duration_seconds, "stats_duration")
        if lua_id is not None and id(r) not in contested and has_file:
            duration = (r.actual_duration_seconds, "lua") if shutdown else measured
            rounds_out[name] = RoundLinkTruth(lua_id, "linked", *duration)
            lua_out[lua_id] = (name, "linked")
            continue
        if has_file:
            reason = "ambiguous" if id(r) in contested else "never_received"
            duration = (None, "none") if shutdown else measured
            rounds_out[name] = RoundLinkTruth(None, reason, *duration)
        if lua_id is not None:
            lua_out[lua_id] = (None, "ambiguous" if id(r) in contested else "never_received")
    for _target, ghost in plan.ghosts:
        lua_out[expected_lua_round_id(ghost)] = (None, "ambiguous")
    return rounds_out, lua_out
