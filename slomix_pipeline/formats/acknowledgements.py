"""Gate acknowledgements: the operator's list of known, accepted gaps (YAML).

A lost round (an admin changed map mid-round, a stats file the server never wrote) makes a strict
gate fail forever, and a blocking gate would then hold back that day's session aggregates for
good. Instead of loosening the gate, the operator acknowledges that one failure, with a note that
says why. Each entry silences exactly one (check, subject, reason) triple; the gate still lists it
as acknowledged in its metadata, so nothing is hidden. Example::

    - check: ws1_lua_links
      subject: lua 2026-02-11-223909-te_escape2-R1
      reason: lua_unlinked
      note: map changed by vote before the stats file was written
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


class AcknowledgementsError(ValueError):
    """The acknowledgements file is not a list of entries with check, subject, reason and note."""


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    check: str
    subject: str
    reason: str
    note: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.check, self.subject, self.reason)


_REQUIRED = ("check", "subject", "reason", "note")


def parse_acknowledgements(
    data: bytes, source: str = "acknowledgements"
) -> tuple[Acknowledgement, ...]:
    """Parse the YAML list; each entry needs a non-empty check, subject, reason and note."""
    try:
        document = yaml.safe_load(data.decode("utf-8")) if data.strip() else []
    # RecursionError: deeply nested YAML; ValueError: a date YAML accepts but the calendar does
    # not (2026-13-45). Both are a malformed file, not a crash.
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        raise AcknowledgementsError(f"{source}: not valid YAML ({exc})") from exc
    if document is None:
        return ()
    if not isinstance(document, list):
        raise AcknowledgementsError(
            f"{source}: expected a list of entries, found {type(document).__name__}"
        )
    entries = []
    for position, entry in enumerate(document, start=1):
        if not isinstance(entry, dict):
            raise AcknowledgementsError(f"{source}: entry {position} is not a mapping")
        missing = [k for k in _REQUIRED if not str(entry.get(k) or "").strip()]
        if missing:
            raise AcknowledgementsError(f"{source}: entry {position} lacks {', '.join(missing)}")
        entries.append(Acknowledgement(*(str(entry[k]).strip() for k in _REQUIRED)))
    return tuple(entries)


def render_acknowledgements(entries: list[Acknowledgement]) -> bytes:
    """YAML text for ``entries`` (used by the demo to acknowledge the sample's planted loss)."""
    document = [{k: getattr(e, k) for k in _REQUIRED} for e in entries]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8")
