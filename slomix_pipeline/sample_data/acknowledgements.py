"""Known losses of the sample nights, as gate acknowledgements an operator would write.

The simulation plays an R1 whose stats file never reaches the landing zone (the orphan R2 case).
The loss shows in three *coverage* gates (warnings, never blocking): the Lua still reported that
round (``ws1_lua_coverage``, class ``stats_file_missing``), its proximity file has no stats round
to link to (WS1C), and its R2 is an orphan (WS0). An operator who has confirmed such a loss may
acknowledge it so that the warning turns into a listed, accepted loss; nothing needs it to get
the day's sessions.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slomix_pipeline.domain.gate_coverage import STATS_FILE_MISSING
from slomix_pipeline.domain.gates.ws0_records import WS0_ORPHAN_R2
from slomix_pipeline.domain.gates.ws1_records import lua_label
from slomix_pipeline.domain.gates.ws1c_records import WS1C_FILE_UNLINKED
from slomix_pipeline.domain.identity import round_key
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.formats.acknowledgements import Acknowledgement
from slomix_pipeline.ingest.lua_identity import match_id_of
from slomix_pipeline.sample_data.model import SimCorpus
from slomix_pipeline.sample_data.proximity_files import proximity_truth

_NOTE = "sample night: the R1 stats file of this match was never written; accepted known loss"


def known_losses(corpus: SimCorpus, tz: ZoneInfo) -> list[Acknowledgement]:
    """The acknowledgements for every round whose stats file was deliberately not landed."""
    losses = []
    for night in corpus.nights:
        for play in night.map_plays:
            if not play.r1_file_missing:
                continue
            r1, key = play.r1, map_key(play.r1.map_name)
            label = lua_label(match_id_of(r1.round_end_unix, tz), key, 1)
            losses.append(Acknowledgement("ws1_lua_coverage", label, STATS_FILE_MISSING, _NOTE))
            if play.r2 is not None:
                orphan = round_key(play.r2.file_written_local, key, 2)
                losses.append(Acknowledgement("ws0_orphan_r2", orphan, WS0_ORPHAN_R2, _NOTE))
    for truth in proximity_truth(corpus).values():
        if truth.stats_file_name is None:
            losses.append(
                Acknowledgement("ws1c_proximity_links", truth.file_name, WS1C_FILE_UNLINKED, _NOTE)
            )
    return losses
