"""``json_depth``: the deepest bracket nesting of JSON text, brackets inside strings ignored."""

from __future__ import annotations

import random

from slomix_pipeline.formats.limits import json_depth


def _reference(text: str) -> int:
    """The character walk ``json_depth`` replaced (for text without strings)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def test_known_depths() -> None:
    assert json_depth("") == 0
    assert json_depth('{"a": [1, {"b": [2]}]}') == 4
    assert json_depth('{"a": "[[[[[{{{{"}') == 1, "brackets inside strings do not count"
    assert json_depth("]]][") == 0


def test_equals_a_character_walk() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice("[]{}1,") for _ in range(rng.randrange(0, 60)))
        assert json_depth(text) == _reference(text), text
