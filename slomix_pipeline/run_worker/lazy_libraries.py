"""The libraries a run imports on first use, imported here so the zygote has them (preloaded).

Why: the code location imports pandas and pyarrow's CSV reader only where proximity files are
parsed (``formats/proximity_points.py``, ``formats/proximity_sections/bulk.py``), so a process
that never reads one does not pay ~0.5 s of CPU for them. A live run forked from the zygote
does read one nearly every round, and paid that import in every run, inside the
``proximity_engagements`` step, before the round's session row. Imported once in the zygote,
they are already in every forked run worker. Preloaded through this module, not as ``pandas``
itself: the zygote watches the files of each preloaded package for changes, and this keeps
that to ``slomix_pipeline``.
"""

import pandas  # noqa: F401  (imported for its side effect: loaded before the zygote forks)
import pyarrow.csv  # noqa: F401
