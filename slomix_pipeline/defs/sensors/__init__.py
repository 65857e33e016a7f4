"""The landing-zone sensor: newly landed files become one run per affected gaming-day partition.

ONE sensor, ``landing_zone_sensor``, watches every landing folder. Each tick evaluates each
folder on its own (:func:`evaluate_landing_tick`: ``landing/inventory.py`` explains why its
cursor follows inode change times with an overlap window), then merges the folders' requests by
gaming day and asks for ONE run per affected day. That run materializes the assets reading the
folders with new files *and everything fed by them*, with their asset checks:

=====================  ===========================  ==============================================
folder                 reading asset                the run also materializes
=====================  ===========================  ==============================================
``local_stats/``       ``raw_stats_files``          proximity_engagements, linked_rounds,
                                                    session_aggregates, endstats
``local_gametimes/``   ``gametime_files``           lua_round_teams, proximity_engagements,
                                                    linked_rounds, session_aggregates
``webhook_drops/``     ``webhook_drops``            (same as gametime)
``local_proximity/``   ``proximity_engagements``    linked_rounds, session_aggregates
=====================  ===========================  ==============================================

Why one sensor and whole chains: every run is a new process that spends about 2 s importing the
code location. With one sensor per folder plus the automation sensor for the downstream assets,
a round (four files in four folders) cost four landing runs and then another tick of the
automation sensor and another run: measured p50 18.4 s from the stats file landing to its round
in ``session_rounds``. One run per day and tick brings that under 10 s (docs/operations.md).

The downstream closures are a static map (``folders.py``); run keys are deterministic, so a
re-evaluated tick asks for runs Dagster already launched (``zone_requests.py``); the cursor is
one JSON document with the per-folder cursors (``zone_cursor.py``).

The automation sensor (``defs/automation.py``) still watches the downstream assets; it does not
launch a second run for what a landing run materialized (an input updated by the asset's own
attempt run does not count), and catches updates made elsewhere (a re-run from the UI).

Files landed again exactly as the warehouse holds them request nothing (``ledger.py``); a
folder whose evaluation raises is retried on the next tick while the others go on
(``evaluation.py``, ``result.py``).

Settings (environment, read when the code location loads):

* ``SLOMIX_SENSOR_INTERVAL_SECONDS`` (default 5): minimum seconds between ticks (the daemon
  loops over its sensors every 5 s at most).
* ``SLOMIX_SENSOR_MAX_RUNS_PER_TICK`` (default 25): runs one tick may request (newest days
  first); further days stay in the cursor for the next ticks.
* ``SLOMIX_SENSORS_DEFAULT_RUNNING`` (default off): ``1`` makes every slomix sensor start as
  RUNNING; otherwise they start STOPPED (dev, tests) and are switched on in the UI or with
  ``dagster sensor start``.

Modules, in the order a tick flows through them:

* ``settings.py``: the sensor settings and every slomix sensor's default status.
* ``folders.py``: :data:`SPECS`, the landing folders with the assets a run materializes.
* ``ledger.py``: the read-only ``processed_files`` look-up that skips files landed again.
* ``evaluation.py``: one tick over one folder and over every folder.
* ``zone_cursor.py``: the sensor's cursor (one per-folder cursor per folder).
* ``zone_requests.py``: merging the folders' requests into one run per day.
* ``result.py``: a tick's requests, cursor and notes as a ``SensorResult``.
* ``landing_sensor.py``: the ``landing_zone_sensor`` definition itself.
"""
