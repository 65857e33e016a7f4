"""Simulation of one play night, step by step (see ``sample_data.simulate`` for the entry point)."""
