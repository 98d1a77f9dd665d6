"""Benchmark `threshold serve --workers N`: POST /route at concurrency 32, one
worker against two, in one run.

    python benchmarks/serve_workers.py [REQUESTS] [WORKERS...]

Starts `threshold serve --port 0 --workers N` (default 1, then 2), sends
REQUESTS (default 3,000) POST /route requests over 32 keep-alive connections
at once (cases over both authorities and levels), and prints requests per
second, the ratio to the first row, the median and 95th percentile latency,
and the resident memory of each server process afterwards. The client runs on
the same machine (it takes CPU from the server). Timing lives here, never in
the tests.
"""

from __future__ import annotations

import http.client
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CONCURRENCY = 32


def bodies(count: int) -> list[bytes]:
    """``count`` cases over both authorities, levels and urgent flags."""
    out = []
    for n in range(count):
        case: dict[str, object] = {
            "authority": ("derbyshire", "derby_city")[n % 2],
            "level": (None, 1, 2, 3, 4)[n % 5],
            "at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}",
        }
        if n % 11 == 0:
            case["significant_harm"] = True
        out.append(json.dumps(case).encode())
    return out


def load(port: int, work: list[bytes]) -> tuple[float, list[float]]:
    """Send ``work`` over CONCURRENCY connections; return (seconds, latencies)."""
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(reversed(work))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                body = queue.pop()
            start = time.perf_counter()
            connection.request("POST", "/route", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, sorted(latencies)


def rss_mib(root: int) -> list[float]:
    """Resident memory of ``root`` and its children that serve (spawned workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if int(entry.name) == root or (int(stat[1]) == root and b"spawn_main" in cmdline):
            rss = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
            found.append(int(rss) / 1024)
    return found


def main() -> None:
    """Run the benchmark and print one row per number of workers."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    counts = [int(a) for a in sys.argv[2:]] or [1, 2]
    exe = Path(sys.executable).with_name("threshold")
    work = bodies(count)
    base = None
    print(f"POST /route, {count:,} requests, concurrency {CONCURRENCY}")
    print("workers | req/s | vs first | p50 ms | p95 ms | RSS MiB per process")
    for workers in counts:
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp) / "serve.log"
            with log.open("wb") as sink:
                command = [str(exe), "serve", "--port", "0", "--workers", str(workers)]
                proc = subprocess.Popen(command, stderr=sink)
            while "serving on" not in log.read_text():
                time.sleep(0.05)
            port = int(log.read_text().split("serving on http://127.0.0.1:", 1)[1].split("/")[0])
            load(port, work[: CONCURRENCY * 4])  # every worker up and warm
            seconds, latencies = load(port, work)
            memory = rss_mib(proc.pid)
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        rate = count / seconds
        base = base or rate
        p50 = statistics.median(latencies) * 1000
        p95 = latencies[int(len(latencies) * 0.95)] * 1000
        shown = ", ".join(f"{m:.0f}" for m in memory)
        print(f"{workers} | {rate:,.0f} | {rate / base:.2f}x | {p50:.1f} | {p95:.1f} | {shown}")


if __name__ == "__main__":
    main()
