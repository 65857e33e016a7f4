"""Quality gates as partitioned asset checks: WS0, WS1, WS1C, WS7 and stats freshness.

Each module wires one gate of :mod:`slomix_pipeline.domain.gates` to the asset it guards:
readers in :mod:`slomix_pipeline.warehouse.gate_reads` load the partition's rows, the pure
predicate judges them, :mod:`slomix_pipeline.defs.checks.render` turns the verdict into check
results with markdown metadata. ``docs/gates.md`` maps every upstream gate to its check.
"""
