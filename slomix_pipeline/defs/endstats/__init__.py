"""Endstats side-car asset ``endstats`` and its check ``endstats_awards_linked``."""
