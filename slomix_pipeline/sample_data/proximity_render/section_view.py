"""What the later-section builders read from the simulation (a loose, duck-typed view)."""

from __future__ import annotations

import random
from typing import Any


def _san(name: str) -> str:
    cleaned = name.replace(";", "_").replace("|", "_").replace(",", "_").replace("\t", "_")
    return cleaned.replace("\r", "").replace("\n", "")[:256]


class SectionView:
    """What the section builders read from the simulation (kept loose: duck-typed sim)."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self.rng: random.Random = random.Random(sim.spec.seed ^ 0x5EC7)
        self.players = sim.players
        self.kills = [(t, v, k) for t, v, k, kind in sim.kills if kind == "enemy" and k is not None]

    def info(self, i: int) -> Any:
        return self.players[i].info

    def who(self, i: int) -> str:
        p = self.info(i)
        return f"{p.guid};{_san(p.name)}"

    def wt(self, i: int) -> str:
        p = self.info(i)
        return f"{p.guid};{_san(p.name)};{p.team}"

    def pos(self, i: int) -> tuple[int, int, int]:
        p = self.players[i]
        return round(p.x), round(p.y), 24

    def mates(self, i: int) -> list[int]:
        team = self.info(i).team
        return [j for j in range(len(self.players)) if j != i and self.info(j).team == team]

    def enemies(self, i: int) -> list[int]:
        team = self.info(i).team
        return [j for j in range(len(self.players)) if self.info(j).team != team]
