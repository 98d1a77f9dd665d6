"""The table's rows on using every core and on growth (issue 14), each beside its
reference measured in the same run: `route --batch --jobs 2` against `--jobs 1`,
`serve --workers 2` against `--workers 1`, the relevant questions of a web page
against one `route(dict)`, and a comparison of four authorities against two.

Run by `python -m benchmarks` (benchmarks/__main__.py); timing lives here, never
in the tests.
"""

from __future__ import annotations

import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.batch_jobs import process_tree, sample
from benchmarks.inputs import BAD_EVERY, spread_cases, write_batch
from benchmarks.serve_workers import CONCURRENCY, bodies, load
from benchmarks.table import NONE, Row, row_names
from threshold.core.plugins.hookspecs import hookimpl

CHILD = "import sys\nfrom threshold.cli import main\nmain(sys.argv[1:])\n"


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


# ------------------------------------------------------------------ --jobs
def run_jobs(path: Path, jobs: int) -> dict[str, float]:
    """`threshold route --batch PATH --jobs N` to /dev/null: wall seconds, CPU
    seconds of every process (the parent exactly, from os.wait4; the workers and
    the fork server sampled from /proc every 20 ms), the busiest process's CPU, and
    the peak memory (VmHWM, sampled: os.wait4's would count this process's memory,
    copied before exec) of the parent and of the largest other process."""
    command = [sys.executable, "-c", CHILD, "route", "--batch", str(path)]
    command += ["--output", os.devnull, "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, tuple[float, float, str]] = {}
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        for child in process_tree(proc.pid)[1:]:
            got = sample(child)
            if got is not None:
                seen[child] = got
        parent = sample(proc.pid)
        if parent is not None:
            seen[proc.pid] = parent
        time.sleep(0.02)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 1:  # 1: exactly the bad lines failed
        raise SystemExit(f"threshold route --batch --jobs {jobs} failed")
    parent_cpu = usage.ru_utime + usage.ru_stime
    others = [cpu for child, (_, cpu, _) in seen.items() if child != proc.pid]
    return {
        "wall": wall,
        "cpu": parent_cpu + sum(others),
        "busiest": max([parent_cpu, *others]),
        "parent_peak": seen[proc.pid][0] if proc.pid in seen else 0.0,
        "worker_peak": max((m for c, (m, _, _) in seen.items() if c != proc.pid), default=0.0),
    }


def bench_jobs(big: int) -> list[Row]:
    """Two jobs against one on the same file of ``big`` lines. The CPU figure is the
    speed-up the two-job run would have on two cores of its own: one job's CPU time
    over the larger of (all its processes' CPU time / 2) and its busiest process's;
    the wall figure is what this (shared) machine gave."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "jobs.jsonl"
        assert write_batch(path, big) == big // BAD_EVERY
        one = run_jobs(path, 1)
        two = run_jobs(path, 2)
        load_average = os.getloadavg()[0]
    by_cpu = one["cpu"] / max(two["cpu"] / 2, two["busiest"])
    by_wall = one["wall"] / two["wall"]
    return [
        Row(
            row_names(big)[9],
            f"{by_cpu:.2f}x",
            f"{by_wall:.2f}x",
            f"`--jobs 1` {big / one['cpu']:,.0f}/s / {big / one['wall']:,.0f}/s; two jobs "
            f"{two['cpu']:.1f} CPU-s in all (one job {one['cpu']:.1f}), peak "
            f"{two['parent_peak']:.0f} MiB parent, {two['worker_peak']:.0f} MiB worker; "
            f"load {load_average:.1f} after",
            f"{by_cpu:.2f}x",
            "≥ 1.8x on 2 cores",
            _yes(by_cpu >= 1.8),
        )
    ]


# ------------------------------------------------------------------ serve --workers
def _server_cpu(root: int) -> float:
    """CPU seconds so far of ``root`` and its server processes (spawned workers)."""
    total = 0.0
    for pid in process_tree(root):
        got = sample(pid)
        if got is not None and (pid == root or "spawn_main" in got[2]):
            total += got[1]
    return total


def _serve(workers: int, work: list[bytes]) -> tuple[float, float]:
    """(requests per second, server CPU seconds per request) of POST /route at
    concurrency 32 against `threshold serve --workers N`."""
    exe = Path(sys.executable).with_name("threshold")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "serve.log"
        with log.open("wb") as sink:
            command = [str(exe), "serve", "--port", "0", "--workers", str(workers)]
            proc = subprocess.Popen(command, stderr=sink)
        try:
            while "serving on" not in log.read_text():
                if proc.poll() is not None:
                    raise SystemExit("threshold serve did not start")
                time.sleep(0.05)
            port = int(log.read_text().split("serving on http://127.0.0.1:", 1)[1].split("/")[0])
            load(port, work[: CONCURRENCY * 8])  # every worker up and warm
            before = _server_cpu(proc.pid)
            seconds, _ = load(port, work)
            cpu = _server_cpu(proc.pid) - before
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    return len(work) / seconds, cpu / len(work)


def bench_serve(requests: int) -> list[Row]:
    """`serve --workers 2` against `--workers 1`, POST /route at concurrency 32;
    the client runs on the same two cores."""
    work = bodies(requests)
    one = _serve(1, work)
    two = _serve(2, work)
    ratio = two[0] / one[0]
    return [
        Row(
            row_names()[10],
            f"{two[1] * 1e3:.2f} ms per request",
            f"{two[0]:,.0f} requests/s",
            f"`--workers 1` {one[1] * 1e3:.2f} ms / {one[0]:,.0f} requests/s "
            f"({requests:,} requests; the client on the same cores)",
            f"{ratio:.2f}x",
            "scales with workers: ≥ 1.3x",
            _yes(ratio >= 1.3),
        )
    ]


# ------------------------------------------------------------------ web questions
def answer_states(registry: Any, walks: int) -> list[tuple[str, dict[str, str]]]:
    """The answers of ``walks`` walks through the web tool's questions (each answer
    drawn at random, seeded), every step of each: the spread of states a question
    page meets, over every installed authority."""
    from threshold.core.interfaces.web.wizard import next_question

    draw = random.Random(14)
    ids = registry.authority_ids()
    states: list[tuple[str, dict[str, str]]] = []
    for walk in range(walks):
        authority_id, answers = ids[walk % len(ids)], {}
        while True:
            states.append((authority_id, dict(answers)))
            item = next_question(registry, authority_id, answers)
            if item is None:
                break
            answers[item.id] = draw.choice(item.options).value
    return states


def _each(
    function: Callable[[Any], object], items: list[Any], repeat: int = 3
) -> Iterator[tuple[int, int]]:
    """(CPU ns, wall ns) of ``function`` on each item, the least of ``repeat`` runs."""
    for item in items:
        runs = []
        for _ in range(repeat):
            cpu, wall = time.process_time_ns(), time.perf_counter_ns()
            function(item)
            runs.append((time.process_time_ns() - cpu, time.perf_counter_ns() - wall))
        yield min(c for c, _ in runs), min(w for _, w in runs)


def bench_relevance(walks: int) -> list[Row]:
    """The relevant questions of a web page (`next_question`: the static analysis of
    the decision table) for every answer state of the walks, the worst state;
    against one route(dict); then real GETs of question pages over loopback,
    against GET /health."""
    from threshold.core.engine.api import route
    from threshold.core.interfaces.web.wizard import next_question
    from threshold.core.plugins.registry import Registry

    registry = Registry.load()
    states = answer_states(registry, walks)
    timed = list(_each(lambda s: next_question(registry, s[0], s[1]), states))
    # each case once: a repeat would be answered from route()'s reuse cache
    routed = list(_each(lambda c: route(c[1], c[0], registry=registry), spread_cases(2_000), 1))
    worst = max(timed)
    floor = (
        statistics.median(c for c, _ in routed),
        statistics.median(w for _, w in routed),
    )
    rows = [
        Row(
            row_names()[11],
            f"{worst[0] / 1e6:.2f} ms",
            f"{max(w for _, w in timed) / 1e6:.2f} ms",
            f"one `route(dict)`, median {floor[0] / 1e3:.0f} µs / {floor[1] / 1e3:.0f} µs "
            f"({len(states):,} states; the median state "
            f"{statistics.median(c for c, _ in timed) / 1e3:.0f} µs)",
            f"{worst[0] / floor[0]:.1f}x",
            "≤ 5 ms",
            _yes(worst[0] <= 5e6),
        )
    ]
    return rows + _question_pages(registry, states)


def _question_pages(registry: Any, states: list[tuple[str, dict[str, str]]]) -> list[Row]:
    """GET /question for each state that has a next question, one keep-alive
    connection, client and server in this process (CPU is both), against GET
    /health the same way."""
    from threshold.core.interfaces.http.app import listen, server
    from threshold.core.interfaces.web.state import State
    from threshold.core.interfaces.web.wizard import next_question, question_ids

    links = [
        State(a, answers, question_ids(registry.get(a).authority)).link("/question")
        for a, answers in states
        if answers.get("danger") != "yes" and next_question(registry, a, answers) is not None
    ]
    from threshold.core.interfaces.web.app import create_web_app

    sock = listen("127.0.0.1", 0)
    uvicorn_server = server(create_web_app(registry))
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not uvicorn_server.started:
        time.sleep(0.01)
    connection = http.client.HTTPConnection("127.0.0.1", sock.getsockname()[1], timeout=60)

    def get(path: str) -> None:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (response.status, path)

    pages = list(_each(get, links))
    health = list(_each(get, ["/health"] * len(links)))
    connection.close()
    uvicorn_server.should_exit = True
    thread.join()
    page = (statistics.median(c for c, _ in pages), statistics.median(w for _, w in pages))
    ref = (statistics.median(c for c, _ in health), statistics.median(w for _, w in health))
    return [
        Row(
            row_names()[12],
            f"{page[0] / 1e6:.2f} ms",
            f"{page[1] / 1e6:.2f} ms",
            f"GET /health {ref[0] / 1e6:.2f} ms / {ref[1] / 1e6:.2f} ms ({len(links):,} pages)",
            f"{page[0] / ref[0]:.1f}x",
            NONE,
            NONE,
        )
    ]


# ------------------------------------------------------------------ compare growth
class _Copies:
    """A plugin (for this benchmark only, never installed) registering fresh copies
    of the installed authorities under other ids, so that a comparison of n
    authorities is over one scenario matrix, whatever n, and nothing is reused
    from an earlier comparison."""

    def __init__(self, count: int) -> None:
        self.count = count

    @hookimpl
    def threshold_register_authorities(self, register: Callable[[Any], None]) -> None:
        """Register the copies."""
        import attrs

        from threshold.core.plugins.registry import default_registry

        originals = [r.authority for r in default_registry().registered()]
        for index in range(self.count):
            original = originals[index % len(originals)]
            register(attrs.evolve(original, id=f"{original.id}_copy{index}"))


def _compare_seconds(count: int, runs: int) -> tuple[float, float]:
    """(CPU, wall) median seconds of comparing ``count`` fresh copies."""
    from threshold.core.analysis.compare import compare
    from threshold.core.plugins.registry import Registry

    got = []
    for _ in range(runs):
        registry = Registry.load(plugins=[("copies", _Copies(count))], use_entry_points=False)
        ids = registry.authority_ids()
        cpu, wall = time.process_time(), time.perf_counter()
        compare(registry, ids)
        got.append((time.process_time() - cpu, time.perf_counter() - wall))
    return statistics.median(c for c, _ in got), statistics.median(w for _, w in got)


def bench_compare_growth(runs: int) -> list[Row]:
    """A comparison of four authorities against one of two (fresh copies of the
    installed two, so the matrix is the same): linear growth is 2x."""
    _compare_seconds(2, 1)  # what copies share with the originals (contacts' hours) made
    two = _compare_seconds(2, runs)
    four = _compare_seconds(4, runs)
    ratio = four[0] / two[0]
    return [
        Row(
            row_names()[13],
            f"{four[0]:.2f} s",
            f"{four[1]:.2f} s",
            f"two authorities {two[0]:.2f} s / {two[1]:.2f} s",
            f"{ratio:.2f}x",
            "≤ 2x (linear)",
            _yes(ratio <= 2),
        )
    ]
