"""threshold benchmarks: `python benchmarks/run.py` prints a table of figures
against their targets. Not part of the test run (timing goals never live in
unit tests). Each figure is measured here, in this process or in child
processes started the same way a user would start them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).with_name("threshold")
AT = "2026-11-23T11:00"


def bench_route() -> tuple[str, float, str, bool]:
    """Median of one in-process decision on a prepared case."""
    from threshold.core.engine.api import route
    from threshold.core.io.parse import parse_case
    from threshold.core.plugins.registry import default_registry

    registry = default_registry()
    today = dt.date(2026, 11, 23)
    cases = [
        parse_case({"level": 3, "early_help_assessment": "completed", "at": AT}),
        parse_case({"immediate_danger": True, "at": AT}),
        parse_case({"level": 2, "setting": "time-limited", "at": "2026-12-25T11:00"}),
    ]
    samples = []
    for case in cases:
        for _ in range(500):
            route(case, "derbyshire", registry=registry, today=today)
        for _ in range(20_000):
            start = time.perf_counter()
            route(case, "derbyshire", registry=registry, today=today)
            samples.append(time.perf_counter() - start)
    median = statistics.median(samples) * 1e6
    return "route() on a prepared case, median", median, "µs (target ≤ 20)", median <= 20


def _wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cold_start() -> list[tuple[str, float, str, bool]]:
    """Cold `threshold route --format json` against a bare click hello."""
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(
            "import click\n@click.command()\ndef hello():\n    click.echo('hello')\nhello()\n"
        )
        command = [
            str(BIN),
            "route",
            "--authority",
            "derbyshire",
            "--level",
            "3",
            "--format",
            "json",
        ]
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)  # warm the on-disk cache
        route_time = _wall(command, 15)
        hello_time = _wall([sys.executable, str(hello)], 15)
    ratio = route_time / hello_time
    return [
        ("cold `threshold route --format json`, median", route_time * 1000, "ms", True),
        ("bare click hello, median", hello_time * 1000, "ms", True),
        ("cold route / click hello", ratio, "x (target ≤ 2)", ratio <= 2),
    ]


CHILD = """
import re, sys
from threshold.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
peak = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
print(peak, file=sys.stderr)
"""

BATCH_CASES = [
    {"level": 1, "at": AT},
    {"level": 3, "early_help_assessment": "completed", "at": AT},
    {"immediate_danger": True, "at": AT},
    {"authority": "derby_city", "level": 4, "consent": "refused", "at": AT},
    {"level": 2, "setting": "time-limited"},
]


def _batch(lines: int) -> tuple[float, float]:
    """Route ``lines`` cases (every 1000th invalid) through `threshold route --batch`
    in a fresh process; return (lines per second, peak RSS in MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "cases.jsonl"
        with batch.open("w") as handle:
            for number in range(1, lines + 1):
                case = {"level": 7} if number % 1000 == 500 else BATCH_CASES[number % 5]
                handle.write(json.dumps(case) + "\n")
        command = [
            sys.executable,
            "-c",
            CHILD,
            "route",
            "--authority",
            "derbyshire",
            "--batch",
            str(batch),
            "--output",
            os.devnull,
        ]
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
    peak = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return lines / elapsed, peak


def bench_batch() -> list[tuple[str, float, str, bool]]:
    """Batch throughput (with schema validation) and peak memory as the file grows."""
    rate, small = _batch(10_000)
    big_lines = int(os.environ.get("THRESHOLD_BENCH_BIG", "1000000"))
    big_rate, big = _batch(big_lines)
    return [
        ("batch JSONL, 10k lines", rate, "lines/s (target ≥ 20,000)", rate >= 20_000),
        (
            f"batch JSONL, {big_lines:,} lines",
            big_rate,
            "lines/s (target ≥ 20,000)",
            big_rate >= 20_000,
        ),
        ("batch peak memory, 10k lines", small, "MiB", True),
        (f"batch peak memory, {big_lines:,} lines", big, "MiB (flat: ≤ 10k + 5)", big <= small + 5),
    ]


def bench_compare() -> tuple[str, float, str, bool]:
    """`threshold compare` over the full matrix of both authorities, in process."""
    from threshold.core.analysis.compare import compare
    from threshold.core.plugins.registry import Registry

    registry = Registry.load()
    start = time.perf_counter()
    compare(registry, ("derbyshire", "derby_city"))
    elapsed = time.perf_counter() - start
    return "compare derbyshire derby_city (3,840 x 2 cases)", elapsed, "s (target < 1)", elapsed < 1


def main() -> None:
    """Run every benchmark and print the table."""
    rows: list[tuple[str, float, str, bool]] = []
    benches: list[Callable[[], object]] = [
        bench_route,
        bench_batch,
        bench_cold_start,
        bench_compare,
    ]
    for bench in benches:
        result = bench()
        rows.extend(result if isinstance(result, list) else [result])  # type: ignore[arg-type]
    print(
        f"threshold benchmarks on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    print(f"| {'measure':<52} | {'figure':>10} | {'unit':<28} | met |")
    print(f"| {'-' * 52} | {'-' * 10} | {'-' * 28} | --- |")
    for name, value, unit, met in rows:
        print(f"| {name:<52} | {value:>10.2f} | {unit:<28} | {'yes' if met else 'NO'} |")
    print(json.dumps({name: round(value, 3) for name, value, _, _ in rows}), file=sys.stderr)


if __name__ == "__main__":
    main()
