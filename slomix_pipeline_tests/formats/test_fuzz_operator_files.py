"""Fuzzing the operator files (acknowledgements, player merges, seasons) and the Lua day hint.

The same property as ``test_fuzz.py``: a parser returns a result or raises its own error type
with a reason. Found here: deeply nested YAML raised ``RecursionError`` and a calendar-invalid
YAML date (``2026-13-45``) a bare ``ValueError`` out of all three YAML parsers.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slomix_pipeline.formats.acknowledgements import AcknowledgementsError, parse_acknowledgements
from slomix_pipeline.formats.lua_day_hint import round_end_hint
from slomix_pipeline.formats.player_merges import DatasetConfigError, parse_merges, parse_seasons

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PARSERS = (
    (parse_acknowledgements, AcknowledgementsError),
    (parse_merges, DatasetConfigError),
    (parse_seasons, DatasetConfigError),
)
HOSTILE = (
    b"[" * 5000 + b"]" * 5000,
    b"- " * 3000 + b"x\n",
    b"- {check: a, subject: " + b"[" * 3000 + b"}\n",
    b"- {check: a, subject: 2026-13-45, reason: r, note: n, guid: 2026-13-45}\n",
    b"- {name: s, start: 2026-13-45, end: 2026-02-30}\n",
    b"\xef\xbb\xbf\xff\xfe",
    b"- {name: s, start: 99999999999999999999999, end: 1e999}\n",
    b"- !!python/object:os.system {}\n",
)

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(min_value=date(1, 1, 1)),
)
_documents = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["check", "subject", "reason", "note", "guid", "into", "name", "start", "end", "x"]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@pytest.mark.parametrize("data", HOSTILE)
@pytest.mark.parametrize(("parse", "error"), PARSERS)
def test_hostile_yaml_is_the_parsers_own_error(parse, error, data: bytes) -> None:
    try:
        parse(data)
    except error as exc:
        assert str(exc)  # a reason, naming the file
    # returning a result is fine too (the property is: nothing else is raised)


@FUZZ
@given(document=_documents)
def test_any_yaml_document_gives_a_result_or_the_own_error(document) -> None:
    data = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    for parse, error in PARSERS:
        try:
            parse(data)
        except error as exc:
            assert str(exc)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_give_a_result_or_the_own_error(data: bytes) -> None:
    for parse, error in PARSERS:
        try:
            parse(data)
        except error as exc:
            assert str(exc)


@FUZZ
@given(name=st.text(max_size=80), data=st.binary(max_size=2000))
def test_the_lua_day_hint_never_raises(name: str, data: bytes) -> None:
    hint = round_end_hint(name, data + b'"round_end_unix": ' + b"9" * 5000)
    assert hint is None or 1_000_000_000 <= hint < 10**11
