"""Alerts and the per-day ledger that de-duplicates and rate-limits them (pure, no Dagster).

The ledger is small on purpose: the alerting sensor keeps it in its cursor (one JSON document),
so it survives restarts with the instance and needs no table. It holds the current day's sent
keys and count only; a new day starts empty. "Day" is the UTC date of the event.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from slomix_pipeline.cursor_json import dump_versioned, load_versioned


@dataclass(frozen=True, slots=True)
class Alert:
    """One thing an operator must hear about."""

    kind: str
    """``run_failure``, ``gate_failed`` or ``gate_warning``."""
    subject: str
    """What it is about: a run and its job, or a check on an asset partition."""
    reason: str
    """Why: the failure message or the gate's summary (never a URL or a secret)."""
    key: str
    """De-duplication key: the same key is sent at most once per day."""
    day: str
    """UTC date of the event (YYYY-MM-DD)."""

    def text(self) -> str:
        """The plain-text form, for Discord's content and logs."""
        title = {
            "run_failure": "Run failed",
            "gate_failed": "Gate failed",
            "gate_warning": "Gate warning",
        }.get(self.kind, self.kind)
        return f"**{title}**: {self.subject}\n{self.reason}"[:1900]


LEDGER_VERSION = 1


@dataclass
class AlertLedger:
    """Today's sent keys and count, plus the time up to which finished runs were read."""

    day: str = ""
    sent: list[str] = field(default_factory=list)
    suppressed: int = 0
    since: float | None = None
    """Runs updated (finished) after this time are read next; None: not started yet."""

    def admit(self, alert: Alert, max_per_day: int) -> str:
        """``send``, ``duplicate`` or ``suppressed`` (over the day's limit); records the outcome."""
        if alert.day != self.day:
            self.day, self.sent, self.suppressed = alert.day, [], 0
        if alert.key in self.sent:
            return "duplicate"
        if len(self.sent) >= max_per_day:
            self.suppressed += 1
            return "suppressed"
        self.sent.append(alert.key)
        return "send"

    def to_json(self) -> str:
        """The versioned cursor document: every field of the ledger under its own name."""
        return dump_versioned(LEDGER_VERSION, asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> AlertLedger:
        doc = load_versioned(text, LEDGER_VERSION, "alerting ledger")
        if doc is None:
            return cls()
        return cls(
            day=doc.get("day", ""),
            sent=list(doc.get("sent", [])),
            suppressed=int(doc.get("suppressed", 0)),
            since=doc.get("since"),
        )
