"""Silence Dagster's Beta/Preview warnings at the project's entry points, deliberately.

The project uses a few APIs Dagster marks beta or preview (``AutomationConditionSensor``'s
``use_user_code_server``, ``with_source_code_references``, ``load_definitions_from_modules`` inside
the component tree). Their use is chosen and pinned by the Dagster version in
``requirements.lock``; the warnings repeat on every ``dg dev`` start, CLI call and code-server
load and bury the messages an operator must see. They are filtered only here, only for those two
categories, at the entry points (``definitions.py``, ``cli.py``); every other warning stays on.
Set ``PYTHONWARNINGS=default`` to see them again when upgrading Dagster.
"""

from __future__ import annotations

import warnings

from dagster import BetaWarning, PreviewWarning


def silence_maturity_warnings() -> None:
    """Ignore ``BetaWarning`` and ``PreviewWarning`` unless the user asked for warnings."""
    import sys

    if sys.warnoptions:  # -W / PYTHONWARNINGS given: the user decides
        return
    warnings.filterwarnings("ignore", category=BetaWarning)
    warnings.filterwarnings("ignore", category=PreviewWarning)
