"""Round linking: stats rounds <-> Lua round ends (<-> proximity files), pure.

Three sources describe the same stopwatch half: the stats file (named after the moment it was
written, a few seconds after the round end), the Lua round-end event (epoch start and end) and,
optionally, the proximity tracker file (epoch start and end, already tied to a stats round by the
proximity ingestion). Linking decides, for a set of rows, which belong together, and *why* the
others do not, so "NO LUA DATA" is never a shrug. Rules (see docs/sessions.md), by module:

- ``records``: what linking reads of each source and the decision it returns per row.
- ``stages``: **exact start first** (a one-to-one ``(map, round, start)`` match), **then end vs
  file time** within the tolerance, linked only when each row is the other's only candidate.
- ``reasons``: the reason code of every unlinked row (``ambiguous``, ``linked_elsewhere``,
  ``late_pending``, ``unlinked_candidate``, ``never_received``) and the default tolerances.
- ``proximity_claims``: which proximity file supplies a round's start.
- ``link``: :func:`~slomix_pipeline.domain.linking.link.link_rounds`, the stages in order.

The result is a pure function of the rows and of ``now_unix`` (only ``late_pending`` depends on
it), so a late arrival is handled by running the function again, never by patching links.
Applying the Lua truth to a linked round lives in :mod:`slomix_pipeline.domain.lua_truth`.
"""
