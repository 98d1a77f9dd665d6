"""Core: models, opening hours, routing engine, hookspecs and plugin registry."""
