"""Known losses of the sample nights, as gate acknowledgements an operator would write.

The simulation plays an R1 whose stats file never reaches the landing zone (the orphan R2 case);
the Lua still reported that round, so the strict WS1 gate finds a Lua round end with no round.
In a real community the operator would confirm the loss and acknowledge it; the demo does the
same so that the quickstart shows the acknowledged failure instead of a blocked day.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from slomix_pipeline.domain.gates import WS1_LUA_UNLINKED, lua_label
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.formats.acknowledgements import Acknowledgement
from slomix_pipeline.ingest.lua_events import match_id_of
from slomix_pipeline.sample_data.model import SimCorpus

WS1_CHECK = "ws1_lua_links"


def known_losses(corpus: SimCorpus, tz: ZoneInfo) -> list[Acknowledgement]:
    """One acknowledgement per simulated round whose stats file was deliberately not landed."""
    losses = []
    for night in corpus.nights:
        for play in night.map_plays:
            if not play.r1_file_missing:
                continue
            r1 = play.r1
            subject = lua_label(match_id_of(r1.round_end_unix, tz), map_key(r1.map_name), 1)
            losses.append(
                Acknowledgement(
                    WS1_CHECK,
                    subject,
                    WS1_LUA_UNLINKED,
                    "sample night: the R1 stats file of this match was never written "
                    "(its R2 is an orphan); accepted as a known loss",
                )
            )
    return losses
