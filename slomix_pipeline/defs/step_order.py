"""Which steps of a run may wait until the day's sessions are written (live latency).

A landing run executes its steps one at a time (in-process executor), and each step costs
Dagster ~0.1-0.2 s of bookkeeping on top of its own work (events, pool slot, input versions).
Among the steps that are ready, Dagster's executors run the highest ``dagster/priority`` first
(default 0, ties in plan order, which is alphabetical within a level), so without a priority
the round's ``session_rounds`` row waited for eight steps that nothing on its path reads: the
non-blocking checks of its inputs and the endstats side-cars with their checks.

:data:`AFTER_THE_SESSION_PATH` marks those steps. They still run in the same run, with the same
results: a non-blocking check never stops a downstream step, so running it after
``session_aggregates`` changes only when its result is written, and ``endstats`` still runs
before ``players`` and ``careers``, which read it. Blocking checks keep the default priority:
Dagster runs them before anything downstream of their asset anyway.
"""

from collections.abc import Mapping

AFTER_THE_SESSION_PATH: Mapping[str, str] = {"dagster/priority": "-1"}
"""Op tags of a step that may run after ``session_aggregates`` in a landing run."""
