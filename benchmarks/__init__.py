"""threshold's benchmarks: `python -m benchmarks` prints one table (README's
"Hardening and performance"). Timing lives here, never in the unit tests."""
