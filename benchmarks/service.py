"""Benchmark the HTTP service: requests per second for POST /route on loopback.

    python benchmarks/service.py [REQUESTS]

Starts the service as `threshold serve` runs it (uvicorn, one process) on a free
loopback port and sends REQUESTS (default 1,000) requests one after another
with urllib, then prints the mean and the 95th percentile latency.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import urllib.request


def main() -> None:
    """Run the benchmark and print its figures."""
    from threshold.core.service import create_app, listen, server

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sock = listen("127.0.0.1", 0)
    uvicorn_server = server(create_app())
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not uvicorn_server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/route?authority=derbyshire"
    body = json.dumps({"level": 3, "early_help_assessment": "completed"}).encode()
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, data=body)) as response:
            response.read()
        timings.append(time.perf_counter() - start)
    uvicorn_server.should_exit = True
    thread.join()
    timings.sort()
    print(f"requests: {count:,} POST /route, one at a time")
    print(f"mean: {statistics.mean(timings) * 1000:.2f} ms")
    print(f"p95: {timings[int(len(timings) * 0.95)] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
