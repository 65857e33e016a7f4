"""ET colour-code stripping."""

from __future__ import annotations

import pytest

from slomix_pipeline.formats.colour import strip_colour_codes


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("^1Alpha^7One", "AlphaOne"),
        ("^aLower^ZUpper^0digit", "LowerUpperdigit"),
        ("Plain Name", "Plain Name"),
        ("", ""),
        # Only alphanumeric escapes: ^! ^* ^= stay, and a trailing caret stays.
        ("^!Bang^*Star^=Eq^", "^!Bang^*Star^=Eq^"),
        # One left-to-right pass: in ^^1 only ^1 is a code, one caret survives.
        ("^^1Neo^!X", "^Neo^!X"),
        ("^^^^", "^^^^"),
        # Non-ASCII letters are not colour codes.
        ("^éX", "^éX"),
        ("[BOT]^3Helga", "[BOT]Helga"),
    ],
)
def test_strip_colour_codes(raw: str, clean: str) -> None:
    assert strip_colour_codes(raw) == clean


def test_stripping_is_a_single_pass_not_a_fixpoint() -> None:
    """``^^12`` becomes ``^2`` (not ``""``): a second pass would change identities."""
    assert strip_colour_codes("^^12") == "^2"
    assert strip_colour_codes(strip_colour_codes("^^12")) == ""
