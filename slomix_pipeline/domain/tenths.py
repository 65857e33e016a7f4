"""``round(x, 1)`` for the differential's ratios, bit for bit, at a fraction of its cost.

``round(x, 1)`` on a float is correctly rounded (ties to even on the exact binary value of
``x``): CPython gets there through dtoa, converting ``x`` to decimal digits and back, which costs
about a microsecond, twice per R2 player. This gets the same double with two float operations:

* ``y = x * 10`` differs from the exact ``10x`` by at most half an ulp of ``y``: below 2**-33
  while ``y < 2**20``;
* so when ``y`` is more than 1e-7 away from a half-integer, the exact ``10x`` is on the same
  side of that half as ``y``, and the integer nearest to ``10x`` is ``k = int(y + 0.5)`` (the
  addition cannot carry ``y`` across an integer either: that needs ``y`` within 2**-32 of a
  half);
* ``round`` then returns the double nearest to the decimal ``k / 10``, and so does ``k / 10``:
  a quotient of two exact integers is correctly rounded.

Anywhere else (within 1e-7 of a half, ``y >= 2**20``, zero, negative, not finite) it calls ``round``
itself. ``slomix_pipeline_tests/domain/test_tenths.py`` checks equality on every ratio the
differential can form over a bounded range, on the halves and their neighbours, and on random
doubles.
"""

from __future__ import annotations

_LIMIT = float(2**20)
_GUARD = 0.4999999


def round_tenth(x: float) -> float:
    """Exactly ``round(x, 1)`` (same double, same type) for every float ``x``."""
    y = x * 10.0
    if 0.0 < y < _LIMIT:  # not 0.0: round keeps the sign of -0.0
        k = int(y + 0.5)
        if -_GUARD < y - k < _GUARD:
            return k / 10
    return round(x, 1)
