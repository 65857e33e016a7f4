"""The community: regulars with colour-coded names and unique GUID prefixes, plus the Omni-bots."""

from __future__ import annotations

import random
import re

from slomix_pipeline.sample_data.model import (
    SimPlayer,
)

_COLOUR_RE = re.compile(r"\^[0-9a-zA-Z]")


def strip_colours(raw: str) -> str:
    """The clean name the parser will derive: ``^x`` with x alphanumeric removed, nothing else."""
    return _COLOUR_RE.sub("", raw)


_HUMAN_NAMES: tuple[str, ...] = (
    "Kestrel",
    "Mortis",
    "Vandal",
    "Ozzy",
    "Pixel",
    "Bronco",
    "Jäger",
    "Nyx",
    "Tankbuster",
    "Wraith",
    "Frosty",
    "Dagger",
    "Hex",
    "Lumen",
    "Riot",
    "Sable",
    "Tundra",
    "Blitz",
    "Corvo",
    "Moth",
)
_BOT_NAMES: tuple[str, ...] = ("Fritz", "Gunther", "Heidi")
_CLAN_TAGS: tuple[str, ...] = ("^0[^1SX^0]^7", "^4|^7NT^4|^7", "^3*^7")


def build_community(
    rng: random.Random,
) -> tuple[list[SimPlayer], list[SimPlayer], dict[str, float]]:
    """The regulars (colour-coded names, unique 8-char GUID prefixes) and the Omni-bots."""
    humans: list[SimPlayer] = []
    seen8: set[str] = set()
    colours = "123456789"
    for number, name in enumerate(_HUMAN_NAMES):
        guid = f"{rng.getrandbits(128):032X}"
        while guid[:8] in seen8 or guid.startswith("OMNIBOT"):
            guid = f"{rng.getrandbits(128):032X}"
        seen8.add(guid[:8])
        style = number % 5
        if style == 0:
            raw = f"^{rng.choice(colours)}{name}^7"
        elif style == 1:
            cut = max(1, len(name) // 2)
            raw = f"^{rng.choice(colours)}{name[:cut]}^{rng.choice(colours)}{name[cut:]}"
        elif style == 2:
            raw = f"{rng.choice(_CLAN_TAGS)}{name}"
        elif style == 3:
            raw = name
        else:
            raw = f"^{rng.choice('abcxyzABC')}{name}^7"
        humans.append(SimPlayer(guid, raw, strip_colours(raw), False))
    # One name with leftovers the colour regex must not touch (a literal '^' and '^!').
    tricky = "^^2Drift^!"
    humans.append(SimPlayer(f"{rng.getrandbits(128):032X}", tricky, strip_colours(tricky), False))
    bots = [
        SimPlayer(f"OMNIBOT{n + 1:025d}", f"^7[BOT]^1{name}", f"[BOT]{name}", True)
        for n, name in enumerate(_BOT_NAMES)
    ]
    skills = {p.guid32: round(rng.uniform(0.6, 1.4), 3) for p in humans}
    skills.update({b.guid32: 0.55 for b in bots})
    return humans, bots, skills
