"""Linking and gaming-session assets: ``linked_rounds`` and ``session_aggregates``."""
