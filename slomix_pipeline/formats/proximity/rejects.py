"""The two ways parsing refuses something: one line (``_LineError``, which becomes a broken
line and costs nothing else) or the whole file (:class:`ProximityFileRejected`)."""

from __future__ import annotations

from slomix_pipeline.formats.rejection import FileRejected


class _LineError(ValueError):
    """Raised by a line handler; ``code`` becomes the broken-line reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class ProximityFileRejected(FileRejected):
    """A whole file refused (beyond the declared bounds, or unreadable); ``reason`` is stable.

    Line-level damage never raises: it becomes ``broken_lines``. Only what no line-by-line
    tolerance can absorb (a file or section larger than any real round writes) rejects the file.
    """
