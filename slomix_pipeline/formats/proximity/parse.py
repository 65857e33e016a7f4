"""The public entry point: one proximity file's bytes -> :class:`ProximityFile`.

Walks the lines once: header lines go to :mod:`.header`, section markers and data lines to
:mod:`.dispatch`, later sections to ``formats.proximity_sections``; then the paths are read in
bulk, the notes written, and the record assembled. Only ever raises ProximityFileRejected.
"""

from __future__ import annotations

from slomix_pipeline.formats.limits import (
    MAX_PROXIMITY_FILE_BYTES,
    MAX_PROXIMITY_SECTION_LINES,
)
from slomix_pipeline.formats.proximity.dispatch import (
    _LATER,
    _SECTION_RE,
    ENGAGEMENTS,
    KNOWN_SECTIONS,
    PLAYER_TRACKS,
    _SectionRows,
)
from slomix_pipeline.formats.proximity.engagements import _build_engagements
from slomix_pipeline.formats.proximity.file_record import (
    BrokenLine,
    IgnoredSection,
    ProximityFile,
    ProximityHeader,
)
from slomix_pipeline.formats.proximity.filename import parse_proximity_filename
from slomix_pipeline.formats.proximity.header import _HEADER_RE, _MAGIC_RE, _header_line
from slomix_pipeline.formats.proximity.rejects import ProximityFileRejected, _LineError
from slomix_pipeline.formats.proximity.tracks import _build_tracks
from slomix_pipeline.formats.proximity_sections import (
    SECTION_SPECS,
    SectionLines,
    parse_section,
)
from slomix_pipeline.formats.text_lines import decoded_lines


def parse_proximity_file(name: str, data: bytes) -> ProximityFile:
    """Parse one proximity file's bytes into records; only ever raises ProximityFileRejected.

    Lines that fail to parse are listed in ``broken_lines`` (line number, reason) and left out;
    unknown sections are listed in ``ignored_sections``; observations go to ``notes``. A file
    beyond the declared bounds (bytes, lines per section) is rejected whole, and a failure no
    rule anticipated becomes the ``unreadable`` rejection naming it.
    """
    if len(data) > MAX_PROXIMITY_FILE_BYTES:
        raise ProximityFileRejected(
            "oversized_file", f"{len(data)} bytes > {MAX_PROXIMITY_FILE_BYTES}"
        )
    try:
        return _parse_proximity_file(name, data)
    except ProximityFileRejected:
        raise
    except Exception as exc:
        raise ProximityFileRejected("unreadable", f"{type(exc).__name__}: {exc!s:.160}") from None


def _parse_proximity_file(name: str, data: bytes) -> ProximityFile:
    """The parser proper (see :func:`parse_proximity_file`)."""
    lines = decoded_lines(data)

    broken: list[BrokenLine] = []
    notes: list[str] = []
    header_values: dict[str, object] = {}
    extra_header: list[tuple[str, str]] = []
    magic: str | None = None
    format_version = 4
    section: str | None = None
    in_header = True
    rows = _SectionRows()
    ignored_at: list[tuple[str, int]] = []  # (name, marker line) of unmodelled sections
    ignored_rows: list[int] = []
    section_seen: set[str] = set()
    markers: list[str] = []
    later: dict[str, SectionLines] = {}
    later_rows: list[tuple[int, str]] | None = None  # the rows of the current later section
    section_lines = 0

    for line_no, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        if line[0] != "#":
            section_lines += 1
            if section_lines > MAX_PROXIMITY_SECTION_LINES:
                raise ProximityFileRejected(
                    "oversized_section",
                    f"section {section or 'file'} has more than "
                    f"{MAX_PROXIMITY_SECTION_LINES} lines (line {line_no})",
                )
            if later_rows is not None:  # most lines of a V6 file: collected, parsed per section
                later_rows.append((line_no, line))
                continue
        else:
            if in_header and magic is None:
                magic_match = _MAGIC_RE.match(line)
                if magic_match is not None:
                    magic = line[1:].strip()
                    format_version = int(magic_match.group(1))
                    continue
            marker = _SECTION_RE.match(line)
            if marker is not None:
                in_header = False
                section = marker.group(1)
                section_lines = 0
                if section in section_seen:
                    notes.append(f"section {section} repeated at line {line_no}")
                section_seen.add(section)
                markers.append(section)
                later_rows = None
                if section in _LATER:
                    later_rows = later.setdefault(section, SectionLines(section, line_no)).rows
                elif section not in KNOWN_SECTIONS:
                    ignored_at.append((section, line_no))
                    ignored_rows.append(0)
                continue
            kv = _HEADER_RE.match(line)
            if kv is not None and (in_header or kv.group(1).islower()):
                # A '# key=value' line is header metadata wherever it appears (a lower-case
                # key after the first section: proximity-v5-v6.md §7.4), never a column list.
                _header_line(
                    kv.group(1),
                    kv.group(2).strip(),
                    line_no,
                    None if in_header else section,
                    header_values,
                    extra_header,
                    broken,
                    notes,
                )
                continue
            collected = later.get(section) if section is not None else None
            if collected is not None and collected.column_comment is None and not collected.rows:
                collected.column_comment = line  # the first '#' line lists the columns
            continue  # column lists, legends and other comments
        try:
            rows.add(section, line_no, line, later, ignored_rows)
        except _LineError as exc:
            prefix = (section or "file").lower()
            broken.append(BrokenLine(line_no, f"{prefix}:{exc.code}"))

    sections = {name: parse_section(SECTION_SPECS[name], got) for name, got in later.items()}
    for parsed_section in sections.values():
        broken.extend(BrokenLine(*b) for b in parsed_section.broken)
    ends_with_newline = not data or data.endswith(b"\n")
    if not ends_with_newline:
        notes.append("possibly_truncated: the last line has no newline")
    elif markers and markers[-1] in later and not later[markers[-1]].rows:
        notes.append(f"possibly_truncated: the last section {markers[-1]} has no rows")
    engagements = _build_engagements(rows.engagements, broken)
    lives, samples = _build_tracks(rows.lives, broken)

    if magic is None:
        notes.append("missing magic line; assuming format version 4")
    header = ProximityHeader(
        magic=magic,
        format_version=format_version,
        extra=tuple(extra_header),
        **header_values,  # type: ignore[arg-type]
    )
    if header.position_sample_interval_ms is None:
        notes.append("header has no position_sample_interval; interval-based metrics unknown")
    if ENGAGEMENTS not in section_seen or PLAYER_TRACKS not in section_seen:
        notes.append("file lacks the ENGAGEMENTS or PLAYER_TRACKS section (truncated?)")
    if any(life.death_type is None for life in lives):
        notes.append("v4.0 track layout (no death_type) present")
    ignored_sections = tuple(
        IgnoredSection(n, ln, rows) for (n, ln), rows in zip(ignored_at, ignored_rows, strict=True)
    )
    for item in ignored_sections:
        notes.append(f"ignored section {item.name} ({item.rows} rows) at line {item.line_no}")
    broken.sort()
    return ProximityFile(
        source_file=name,
        byte_size=len(data),
        line_count=len(lines),
        header=header,
        file_name=parse_proximity_filename(name),
        engagements=engagements,
        lives=lives,
        samples=samples,
        kill_heatmap=tuple(rows.kill_cells),
        movement_heatmap=tuple(rows.movement_cells),
        objective_focus=tuple(rows.focus_rows),
        ignored_sections=ignored_sections,
        broken_lines=tuple(broken),
        notes=tuple(notes),
        sections=sections,
        section_markers=tuple(markers),
        ends_with_newline=ends_with_newline,
    )
