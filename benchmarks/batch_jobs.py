"""Benchmark `threshold route --batch --jobs N`: one job against two, in one run.

    python benchmarks/batch_jobs.py [LINES] [JOBS...]

Writes LINES lines (default 200,000) spread over both authorities, levels, urgent
flags and times over a year, 1% of them bad lines of eight kinds (those of
tests/interfaces/test_batch_jobs.py but the 70 KiB line: one in 300 lines
would be most of the file's bytes), routes them with each number of
jobs (default 1 and 2) in a fresh process, results to /dev/null, and prints wall
time, lines per second, the ratio to one job, and peak resident memory of the
parent and of the largest worker. Timing lives here, never in the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.interfaces.test_batch_jobs import BAD_LINES, mixed_lines  # noqa: E402

CHILD = """
import sys
from threshold.cli import main
main(sys.argv[1:])
"""


def main() -> None:
    """Run the benchmark and print one row per number of jobs."""
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    jobs = [int(a) for a in sys.argv[2:]] or [1, 2]
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "cases.jsonl"
        batch.write_bytes(mixed_lines(lines, bad_every=100, bad=BAD_LINES[:-1]))
        base = None
        print(f"lines: {lines:,}")
        print("jobs | wall s | lines/s | vs 1 job | CPU s, all processes | parent MiB | worker MiB")
        for n in jobs:
            command = [sys.executable, "-c", CHILD, "route", "--authority", "derbyshire"]
            command += ["--batch", str(batch), "--output", "/dev/null", "--jobs", str(n)]
            start = time.perf_counter()
            proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
            peaks: dict[int, tuple[float, float, str]] = {}
            while proc.poll() is None:
                for pid in process_tree(proc.pid):
                    seen = sample(pid)
                    if seen is not None:
                        peaks[pid] = seen
                time.sleep(0.05)
            elapsed = time.perf_counter() - start
            parent = peaks.get(proc.pid, (0.0, 0.0, ""))[0]
            workers = [p[0] for pid, p in peaks.items() if pid != proc.pid and "forkserver" in p[2]]
            cpu = sum(p[1] for p in peaks.values())
            rate = lines / elapsed
            base = base or rate
            print(
                f"{n} | {elapsed:.1f} | {rate:,.0f} | {rate / base:.2f}x | {cpu:.1f} | "
                f"{parent:.1f} | {max(workers, default=0.0):.1f}"
            )


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [root], [root]
    while todo:
        pid = todo.pop()
        kids = [child for child, parent in parents.items() if parent == pid]
        found += kids
        todo += kids
    return found


def sample(pid: int) -> tuple[float, float, str] | None:
    """(peak resident MiB, CPU seconds so far, command line) of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    hwm = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")), "0")
    ticks = os.sysconf("SC_CLK_TCK")
    return int(hwm) / 1024, (int(stat[11]) + int(stat[12])) / ticks, cmdline


if __name__ == "__main__":
    main()
