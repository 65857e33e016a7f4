"""The landing sensor's cursor: one :class:`LandingCursor` per landing folder, as one JSON
document (``{"v": 2, "folders": {"local_stats": {...}, ...}}``)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from slomix_pipeline.cursor_json import dump_versioned, load_versioned
from slomix_pipeline.landing.inventory import LandingCursor

ZONE_CURSOR_VERSION = 2


@dataclass(frozen=True, slots=True)
class ZoneCursor:
    """The landing sensor's cursor: one :class:`LandingCursor` per folder.

    A folder missing from the document has never ticked (every file in it counts as new,
    except those the warehouse already holds unchanged).
    """

    folders: Mapping[str, LandingCursor] = field(default_factory=dict)

    def get(self, folder: str) -> LandingCursor:
        return self.folders.get(folder) or LandingCursor()

    def to_json(self) -> str:
        """Compact, deterministic JSON (sorted keys), so equal cursors are equal strings."""
        folders = {
            folder: json.loads(cursor.to_json()) for folder, cursor in sorted(self.folders.items())
        }
        return dump_versioned(ZONE_CURSOR_VERSION, {"folders": folders})

    @classmethod
    def from_json(cls, text: str | None) -> "ZoneCursor":
        """Read a stored cursor; an unreadable or unknown-version one is an error (resetting it
        would either request the whole history again or skip files)."""
        document = load_versioned(text, ZONE_CURSOR_VERSION, "landing_zone_sensor cursor")
        if document is None:
            return cls()
        folders = document.get("folders", {})
        if not isinstance(folders, dict):
            raise ValueError(f"landing_zone_sensor cursor: folders is not an object: {text[:80]!r}")
        return cls(
            {
                str(folder): LandingCursor.from_json(json.dumps(value))
                for folder, value in folders.items()
            }
        )
