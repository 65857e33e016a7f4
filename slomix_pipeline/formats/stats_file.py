"""Per-round stats files written by the c0rnp0rn Lua script: the parser's public names.

The parser lives in ``formats/stats/``, one module per job: ``layout`` (weapon ids, TAB
fields, limits), ``rejects`` (reason codes), ``names`` (file names), ``weapons`` (weapon
groups, built lazily), ``records``, ``header``, ``identity`` (player keys), ``reference`` (the
reference line parser), ``per_line`` and ``whole_file`` (the two fast paths) and ``parser``
(a whole file). Callers import from here.

Layout (see the stats-files reference for every field):

* line 1, backslash separated: ``host\\map\\config\\round\\defender\\winner\\limit\\next[\\ms]``;
* one line per player: ``guid8\\name\\rounds\\team\\<mask> h s k d hs ... \\t<38 TAB fields>``.
"""

from __future__ import annotations

from slomix_pipeline.formats.frozen_records import fast_constructor as fast_constructor
from slomix_pipeline.formats.stats.header import parse_clock_text as parse_clock_text
from slomix_pipeline.formats.stats.identity import player_key_for as player_key_for
from slomix_pipeline.formats.stats.layout import EXTENDED_FIELD_COUNT as EXTENDED_FIELD_COUNT
from slomix_pipeline.formats.stats.layout import EXTENDED_FIELD_NAMES as EXTENDED_FIELD_NAMES
from slomix_pipeline.formats.stats.layout import FLOAT_FIELD_INDICES as FLOAT_FIELD_INDICES
from slomix_pipeline.formats.stats.layout import WEAPON_NAMES as WEAPON_NAMES
from slomix_pipeline.formats.stats.names import StatsFileKind as StatsFileKind
from slomix_pipeline.formats.stats.names import StatsFileName as StatsFileName
from slomix_pipeline.formats.stats.names import classify_stats_filename as classify_stats_filename
from slomix_pipeline.formats.stats.parser import parse_stats_file as parse_stats_file
from slomix_pipeline.formats.stats.per_line import (
    _parse_player_line_fast as _parse_player_line_fast,  # the per-line fast path, for tests
)
from slomix_pipeline.formats.stats.records import ParsedStatsFile as ParsedStatsFile
from slomix_pipeline.formats.stats.records import PlayerLine as PlayerLine
from slomix_pipeline.formats.stats.records import StatsHeader as StatsHeader
from slomix_pipeline.formats.stats.records import WeaponLine as WeaponLine
from slomix_pipeline.formats.stats.records import line_weapon_values as line_weapon_values
from slomix_pipeline.formats.stats.reference import (
    _parse_player_line as _parse_player_line,  # the reference line parser, for tests
)
from slomix_pipeline.formats.stats.rejects import REJECTION_REASONS as REJECTION_REASONS
from slomix_pipeline.formats.stats.rejects import StatsFileRejected as StatsFileRejected
from slomix_pipeline.formats.stats.weapons import ACCURACY_FORMULA as ACCURACY_FORMULA
from slomix_pipeline.formats.stats.weapons import WeaponStats as WeaponStats
from slomix_pipeline.formats.stats.weapons import new_weapon_stats as new_weapon_stats
