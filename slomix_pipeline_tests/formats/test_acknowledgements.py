"""Gate acknowledgements: the file format and its effect on a gate verdict."""

from __future__ import annotations

import pytest

from slomix_pipeline.domain.gates import (
    GateFailure,
    GateResult,
    apply_acknowledgements,
    combine,
)
from slomix_pipeline.formats.acknowledgements import (
    Acknowledgement,
    AcknowledgementsError,
    parse_acknowledgements,
    render_acknowledgements,
)

_YAML = b"""
- check: ws1_lua_links
  subject: lua 2026-02-11-223909-te_escape2-R1
  reason: lua_unlinked
  note: map changed by vote before the stats file was written
"""


def test_parse_round_trips_through_render() -> None:
    entries = parse_acknowledgements(_YAML)
    assert entries == (
        Acknowledgement(
            "ws1_lua_links",
            "lua 2026-02-11-223909-te_escape2-R1",
            "lua_unlinked",
            "map changed by vote before the stats file was written",
        ),
    )
    assert parse_acknowledgements(render_acknowledgements(list(entries))) == entries
    assert parse_acknowledgements(b"") == ()
    assert parse_acknowledgements(b"# nothing yet\n") == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"check: x", "expected a list"),
        (b"- just text", "entry 1 is not a mapping"),
        (b"- {check: a, subject: b, reason: c}", "entry 1 lacks note"),
        (b"- {check: a, subject: '', reason: c, note: d}", "entry 1 lacks subject"),
        (b"- [unclosed", "not valid YAML"),
    ],
)
def test_malformed_files_are_refused_with_a_specific_message(data: bytes, message: str) -> None:
    with pytest.raises(AcknowledgementsError, match=message):
        parse_acknowledgements(data, "acks.yaml")


def _result(*failures: GateFailure) -> GateResult:
    return GateResult(not failures, tuple(failures), {"rounds": 3}, "base")


def test_acknowledged_failure_passes_but_stays_listed() -> None:
    lost = GateFailure("lua X", "lua_unlinked", "no stats file")
    other = GateFailure("round Y", "missing_lua", "never received")
    notes = {("lua X", "lua_unlinked"): "known loss"}
    only_lost = apply_acknowledgements(_result(lost), notes)
    assert only_lost.passed and only_lost.failures == ()
    assert only_lost.acknowledged == ((lost, "known loss"),)
    assert only_lost.summary == "base [1 of 1 acknowledged by the operator]"
    both = apply_acknowledgements(_result(lost, other), notes)
    assert not both.passed and both.failures == (other,)
    # An acknowledgement matching nothing changes nothing; the reason must match too.
    assert apply_acknowledgements(_result(other), notes) == _result(other)
    wrong_reason = GateFailure("lua X", "broken_link", "")
    assert not apply_acknowledgements(_result(wrong_reason), notes).passed


def test_combined_days_keep_acknowledgements() -> None:
    lost = GateFailure("lua X", "lua_unlinked", "no stats file")
    day1 = apply_acknowledgements(_result(lost), {("lua X", "lua_unlinked"): "known"})
    day2 = _result()
    combined = combine([day1, day2], lambda coverage, failures: f"{len(failures)} failing")
    assert combined.passed
    assert combined.acknowledged == ((lost, "known"),)
    assert combined.coverage["rounds"] == 6
