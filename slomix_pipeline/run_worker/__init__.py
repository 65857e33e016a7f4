"""Warm run workers: runs start by forking a process that has already imported the code.

``zygote.py`` is the pre-warmed process (imports Dagster and the code location once, forks one
child per run, the child executes the run like ``dagster api execute_run``); ``client.py`` talks
to it from the daemon; ``launcher.py`` is the Dagster ``RunLauncher`` configured in
``dagster.yaml`` that uses it and falls back to Dagster's default launcher. Why, and the figures:
docs/operations.md, *Live latency*.
"""
