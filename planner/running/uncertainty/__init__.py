"""Uncertain inputs: ranges in the workload, Monte Carlo through the engine, percentiles and sensitivity."""
