"""The one shape of "this whole file is refused": a stable reason code plus a readable detail.

Every format's file-level rejection subclasses :class:`FileRejected`, so ingestion records
``reason`` and ``detail`` the same way whichever parser refused the file.
"""

from __future__ import annotations

from typing import Self


class FileRejected(Exception):
    """A file refused as a whole; ``reason`` is a stable code, ``detail`` says where and why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"

    def __reduce__(self) -> tuple[type[Self], tuple[str, str]]:
        # Default exception pickling replays ``args`` (one message); keep both attributes instead.
        return (type(self), (self.reason, self.detail))
