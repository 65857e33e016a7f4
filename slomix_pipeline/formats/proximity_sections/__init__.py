"""Sections of the proximity tracker file beyond ENGAGEMENTS/PLAYER_TRACKS: the v4 heatmaps and
objective focus, and every section added in v4.2 … v6.10, each described in :mod:`.specs` by a
:class:`~slomix_pipeline.formats.proximity_sections.spec_model.SectionSpec` and parsed by one
generic routine (:mod:`.parse`)."""

from slomix_pipeline.formats.proximity_sections.parse import (
    ParsedSection,
    SectionLines,
    flag_ranges,
    parse_section,
)
from slomix_pipeline.formats.proximity_sections.spec_model import FieldSpec, SectionSpec
from slomix_pipeline.formats.proximity_sections.specs import (
    CAPABILITY_FLAGS,
    LATER_SECTIONS,
    SECTION_SPECS,
    V4_EXTRA_SECTIONS,
)

__all__ = [
    "CAPABILITY_FLAGS",
    "LATER_SECTIONS",
    "SECTION_SPECS",
    "V4_EXTRA_SECTIONS",
    "FieldSpec",
    "ParsedSection",
    "SectionLines",
    "SectionSpec",
    "flag_ranges",
    "parse_section",
]
