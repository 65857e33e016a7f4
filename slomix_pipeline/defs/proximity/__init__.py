"""Proximity tracker asset: ``proximity_engagements``."""
