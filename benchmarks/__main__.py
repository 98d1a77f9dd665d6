"""`python -m benchmarks`: one table of figures, each beside its reference measured
in the same run, in CPU time and wall time, with its budget from issue 14.

    python -m benchmarks            # the README's sizes (1M-line batch: a few minutes)
    python -m benchmarks --quick    # a 100k-line batch and fewer runs, to try a change

Not part of the test run: timing goals live here, never in unit tests. The inputs
(benchmarks/inputs.py) spread over the scenario matrix of every installed authority
with explicit times over a year; the references are the floor of the same work
(a dict-lookup decision in pure Python, a bare click command, `python -c pass`)
or the work it is made of. "met" is judged on CPU time, which a shared machine
disturbs less than wall time; both are shown.
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.inputs import BAD_EVERY, spread_cases, write_batch
from benchmarks.scaling import bench_compare_growth, bench_jobs, bench_relevance, bench_serve
from benchmarks.table import BIG_LINES, NONE, SMALL_LINES, STAMP, Row, render, row_names

BIN = str(Path(sys.executable).with_name("threshold"))
BLOCK = 64


# ------------------------------------------------------------------ helpers
def _us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms"


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _rate(value: float) -> str:
    return f"{value:,.0f}/s"


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


def run_child(
    command: Sequence[str], stdin: bytes | None = None
) -> tuple[float, float, float, int, bytes]:
    """Run ``command`` to the end, its output discarded; return (CPU seconds, wall
    seconds, peak resident MiB, exit status, stderr) of that process alone (os.wait4).
    The commands run here write at most a line or two to stderr. On Linux the peak
    counts the parent's memory copied before exec: a child reports its own with
    :data:`EPILOGUE`."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    errors = proc.stderr.read()
    proc.stderr.close()
    cpu = usage.ru_utime + usage.ru_stime
    return cpu, wall, usage.ru_maxrss / 1024, proc.returncode, errors


def _blocks(function: Callable[[Any], object], block: Sequence[Any]) -> tuple[float, float]:
    """Run ``function`` on each item of ``block``; return (CPU, wall) per call."""
    cpu, wall = time.process_time_ns(), time.perf_counter_ns()
    for item in block:
        function(item)
    wall = time.perf_counter_ns() - wall
    cpu = time.process_time_ns() - cpu
    return cpu / 1e9 / len(block), wall / 1e9 / len(block)


# ------------------------------------------------------------------ route()
def bench_route(calls: int) -> list[Row]:
    """route(dict) and route(Case) against a dict-lookup decision, in paired blocks
    of distinct inputs (each block timed for all three, one after the other)."""
    from threshold.core.analysis.matrix import matrix_of
    from threshold.core.engine.api import route
    from threshold.core.io.parse import parse_case
    from threshold.core.plugins.registry import Registry

    registry = Registry.load()
    cases = spread_cases(calls + 2_000)
    warm, cases = cases[:2_000], cases[2_000:]
    authorities = {a: registry.get(a).authority for a in registry.authority_ids()}
    prepared = [(a, parse_case(case, authorities[a])) for a, case in cases]

    # The floor: a pure-Python decision, the case's fields looked up in a dict of
    # every combination's route (made here from route() itself).
    fields = {a: matrix_of(authority).names for a, authority in authorities.items()}
    table: dict[str, dict[tuple[Any, ...], str]] = {
        a: {
            combination.values: str(route(combination.case(), a, registry=registry).route)
            for combination in matrix_of(authority).combinations()
        }
        for a, authority in authorities.items()
    }

    def floor(item: tuple[str, dict[str, Any]]) -> str:
        authority_id, case = item
        return table[authority_id][tuple([case.get(n) for n in fields[authority_id]])]

    def on_dict(item: tuple[str, Any]) -> object:
        return route(item[1], item[0], registry=registry)

    for item in warm:
        on_dict(item)
        floor(item)
    samples: dict[str, list[tuple[float, float]]] = {"floor": [], "dict": [], "case": []}
    for start in range(0, len(cases) - BLOCK + 1, BLOCK):
        samples["floor"].append(_blocks(floor, cases[start : start + BLOCK]))
        samples["dict"].append(_blocks(on_dict, cases[start : start + BLOCK]))
        samples["case"].append(_blocks(on_dict, prepared[start : start + BLOCK]))
    med = {
        key: (statistics.median(c for c, _ in got), statistics.median(w for _, w in got))
        for key, got in samples.items()
    }
    floor_text = f"dict-lookup decision {_us(med['floor'][0])} / {_us(med['floor'][1])}"
    on_dict_cpu = med["dict"][0]
    return [
        Row(
            row_names()[0],
            _us(on_dict_cpu),
            _us(med["dict"][1]),
            floor_text,
            f"{on_dict_cpu / med['floor'][0]:.0f}x",
            "≤ 20 µs",
            _yes(on_dict_cpu <= 20e-6),
        ),
        Row(
            row_names()[1],
            _us(med["case"][0]),
            _us(med["case"][1]),
            floor_text,
            f"{med['case'][0] / med['floor'][0]:.0f}x",
            NONE,
            NONE,
        ),
    ]


# ------------------------------------------------------------------ batch
#: Appended to a child's code: its own peak resident memory, read in the child,
#: since the peak os.wait4 reports includes the parent's, copied before exec.
PEAK = """
def _peak():
    try:
        with open("/proc/self/status") as status:
            return int(next(s for s in status if s.startswith("VmHWM:")).split()[1])
    except (OSError, StopIteration):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
EPILOGUE = (
    PEAK
    + """
sys.stderr.write(f"\\npeak {_peak()}\\n")
"""
)

#: `threshold` as its entry point runs it, then the peak.
THRESHOLD = (
    """
import sys
from threshold.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
"""
    + EPILOGUE
    + """
sys.exit(code)
"""
)

FLOOR_BATCH = (
    """
import json, sys
routes = {}
with open(sys.argv[1], "rb") as lines, open(sys.argv[2], "wb") as out:
    for number, line in enumerate(lines, 1):
        try:
            case = json.loads(line)
            key = tuple(sorted((k, str(v)) for k, v in case.items() if k != "at"))
            result = {"line": number, "route": routes.setdefault(key, len(routes))}
        except ValueError:
            result = {"line": number, "error": "not JSON"}
        out.write(json.dumps(result).encode() + b"\\n")
"""
    + EPILOGUE
)


def _peak(errors: bytes) -> float:
    """The peak in MiB a child wrapped with :data:`EPILOGUE` wrote last on stderr."""
    return int(errors.split()[-1]) / 1024


def _batch(path: Path, lines: int) -> dict[str, float]:
    """`threshold route --batch` on ``path`` and the floor on the same file."""
    bad = write_batch(path, lines)
    assert bad == lines // BAD_EVERY
    # One job: the budget is per CPU-second on one core, and a worker process's time
    # would not be counted in this process's (`--jobs` is measured by batch_jobs.py).
    command = [sys.executable, "-c", THRESHOLD, "route", "--batch", str(path), "--jobs", "1"]
    cpu, wall, _, code, errors = run_child([*command, "--output", os.devnull])
    expected = f"{bad} of {lines} lines failed".encode()
    if code != 1 or expected not in errors:  # exactly the bad lines fail
        raise SystemExit(f"threshold route --batch exited {code}: {errors.decode()}")
    floor = run_child([sys.executable, "-c", FLOOR_BATCH, str(path), os.devnull])
    return {
        "cpu": cpu,
        "wall": wall,
        "peak": _peak(errors),
        "floor_cpu": floor[0],
        "floor_wall": floor[1],
        "floor_peak": _peak(floor[4]),
    }


def bench_batch(big: int) -> list[Row]:
    """Lines per CPU-second at two sizes, against the floor, and peak memory."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        small = _batch(Path(tmp) / "small.jsonl", SMALL_LINES)
        large = _batch(Path(tmp) / "large.jsonl", big)
    for index, (lines, got) in enumerate(((SMALL_LINES, small), (big, large)), 2):
        rate = lines / got["cpu"]
        floor_rate = lines / got["floor_cpu"]
        rows.append(
            Row(
                row_names(big)[index],
                _rate(rate),
                _rate(lines / got["wall"]),
                "json.loads + dict lookup + json.dumps "
                f"{_rate(floor_rate)} / {_rate(lines / got['floor_wall'])}",
                f"{rate / floor_rate:.2f}x",
                "≥ 25,000 per CPU-second",
                _yes(rate >= 25_000),
            )
        )
    rows.append(
        Row(
            row_names(big)[4],
            f"{large['peak']:.1f} MiB",
            NONE,
            f"{SMALL_LINES:,} lines {small['peak']:.1f} MiB; "
            f"the floor {large['floor_peak']:.1f} MiB",
            f"{large['peak'] / small['peak']:.2f}x",
            "≤ 40 MiB, flat",
            _yes(max(large["peak"], small["peak"]) <= 40),
        )
    )
    return rows


# ------------------------------------------------------------------ cold starts
HELLO = "import click\n@click.command()\ndef hello():\n    click.echo('hello')\nhello()\n"


def bench_cold(runs: int) -> list[Row]:
    """Cold `threshold route` (a different case of the matrix each run) against a
    bare click hello and `python -c pass`, run in turn so load hits all alike."""
    cases = spread_cases(runs)
    got: dict[str, list[tuple[float, float]]] = {"route": [], "hello": [], "pass": []}
    run_child([BIN, "route", "--authority", "derbyshire", "--level", "3"])  # the disk cache
    for authority_id, case in cases:
        got["pass"].append(run_child([sys.executable, "-c", "pass"])[:2])
        got["hello"].append(run_child([sys.executable, "-c", HELLO])[:2])
        command = [BIN, "route", "--authority", authority_id, "--case", "-", "--format", "json"]
        cpu, wall, _, code, _ = run_child(command, json.dumps(case).encode())
        if code != 0:
            raise SystemExit(f"threshold route exited {code} on a matrix case")
        got["route"].append((cpu, wall))
    med = {
        k: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v))
        for k, v in got.items()
    }
    route_over_hello = med["route"][0] / med["hello"][0]
    return [
        Row(
            row_names()[5],
            _ms(med["route"][0]),
            _ms(med["route"][1]),
            f"click hello {_ms(med['hello'][0])} / {_ms(med['hello'][1])}",
            f"{route_over_hello:.1f}x",
            "≤ 2x click hello",
            _yes(route_over_hello <= 2),
        ),
        Row(
            row_names()[6],
            _ms(med["hello"][0]),
            _ms(med["hello"][1]),
            f"`python -c pass` {_ms(med['pass'][0])} / {_ms(med['pass'][1])}",
            f"{med['hello'][0] / med['pass'][0]:.1f}x",
            NONE,
            NONE,
        ),
    ]


# ------------------------------------------------------------------ compare
PAIR = ("derbyshire", "derby_city")


def bench_compare(runs: int) -> list[Row]:
    """compare() of the two built-in authorities on a fresh registry each run
    (nothing kept from an earlier run), against route(dict) over the same
    combinations; then the CLI, cold, against `python -c pass`."""
    from threshold.core.analysis.compare import compare
    from threshold.core.analysis.matrix import matrix_of
    from threshold.core.engine.api import route
    from threshold.core.plugins.registry import Registry

    timings, routed = [], []
    for _ in range(runs):
        registry = Registry.load()
        cpu, wall = time.process_time(), time.perf_counter()
        compare(registry, PAIR)
        timings.append((time.process_time() - cpu, time.perf_counter() - wall))
        registry = Registry.load()
        cases = [(a, case) for a in PAIR for case in matrix_of(registry.get(a).authority).cases()]
        cpu, wall = time.process_time(), time.perf_counter()
        for authority_id, case in cases:
            route(case, authority_id, registry=registry)
        routed.append((time.process_time() - cpu, time.perf_counter() - wall))
    cpu = statistics.median(c for c, _ in timings)
    ref_cpu = statistics.median(c for c, _ in routed)
    in_process = Row(
        row_names()[7],
        _s(cpu),
        _s(statistics.median(w for _, w in timings)),
        f"route(dict) of its {len(cases):,} cases "
        f"{_s(ref_cpu)} / {_s(statistics.median(w for _, w in routed))}",
        f"{cpu / ref_cpu:.1f}x",
        "≤ 0.3 s",
        _yes(cpu <= 0.3),
    )
    cli, floor = [], []
    for _ in range(runs):
        floor.append(run_child([sys.executable, "-c", "pass"])[:2])
        command = [BIN, "compare", *PAIR, "--format", "json"]
        cpu_s, wall_s, _, code, _ = run_child(command)
        if code != 0:
            raise SystemExit(f"threshold compare exited {code}")
        cli.append((cpu_s, wall_s))
    cli_cpu = statistics.median(c for c, _ in cli)
    floor_cpu = statistics.median(c for c, _ in floor)
    from_cli = Row(
        row_names()[8],
        _s(cli_cpu),
        _s(statistics.median(w for _, w in cli)),
        f"`python -c pass` {_ms(floor_cpu)} / {_ms(statistics.median(w for _, w in floor))}",
        f"{cli_cpu / floor_cpu:.0f}x",
        NONE,
        NONE,
    )
    return [in_process, from_cli]


# ------------------------------------------------------------------ main
def main(argv: Sequence[str]) -> None:
    """Run every benchmark and print the table (README's table is this output)."""
    quick = "--quick" in argv
    big = 100_000 if quick else BIG_LINES
    load = os.getloadavg()[0]
    started = time.perf_counter()
    rows = bench_route(6_400 if quick else 25_600)
    rows += bench_cold(5 if quick else 21)
    rows += bench_compare(1 if quick else 3)
    rows += bench_batch(big)
    rows += bench_jobs(big)
    rows += bench_serve(600 if quick else 3_000)
    rows += bench_relevance(60 if quick else 300)
    rows += bench_compare_growth(1 if quick else 3)
    order = row_names(big)
    rows.sort(key=lambda row: order.index(row.name))
    print(
        STAMP.format(date=dt.date.today().isoformat())
        + f": {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}; "
        f"load average {load:.1f} at the start (a machine shared with other work), "
        f"{time.perf_counter() - started:.0f} s in all"
        + (" (--quick: not the README's sizes)" if quick else "")
        + "."
    )
    print()
    print(render(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
