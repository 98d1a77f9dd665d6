"""Analyses over the engine: the scenario matrix, comparisons, checks,
assessments and indicator search."""
