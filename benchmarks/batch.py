"""Benchmark `threshold route --batch`: throughput and peak memory.

    python benchmarks/batch.py [LINES] [--record]

Writes LINES cases (default 100,000; every 1000th invalid) to a temporary file,
routes them in a fresh process with the results going to /dev/null, and prints
lines per second and the peak resident memory of that process. Timing lives
here, never in the tests (tests/test_batch.py checks the memory bound only).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = [
    {"level": 1, "at": "2026-11-23T11:00"},
    {"level": 3, "early_help_assessment": "completed", "at": "2026-11-23T11:00"},
    {"immediate_danger": True, "at": "2026-11-23T11:00"},
    {"authority": "derby_city", "level": 4, "consent": "refused", "at": "2026-11-23T11:00"},
    {"level": 2, "setting": "time-limited"},
]

CHILD = """
import resource, sys
from threshold.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def main() -> None:
    """Run the benchmark and print its figures."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    lines = int(args[0]) if args else 100_000
    record = ["--record"] if "--record" in sys.argv else []
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "cases.jsonl"
        with batch.open("w") as handle:
            for number in range(1, lines + 1):
                case = {"level": 7} if number % 1000 == 500 else CASES[number % len(CASES)]
                handle.write(json.dumps(case) + "\n")
        command = [sys.executable, "-c", CHILD, "route", "--authority", "derbyshire"]
        command += ["--batch", str(batch), "--output", "/dev/null", *record]
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    print(f"lines: {lines:,}{' with decision records' if record else ''}")
    print(f"time: {elapsed:.1f} s ({lines / elapsed:,.0f} lines/s)")
    print(f"peak RSS: {peak_kib / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
