"""slomix_pipeline: Dagster-orchestrated stats platform for ET:Legacy communities."""
