"""Benchmark the HTTP service: latency of each endpoint on loopback.

    python benchmarks/service.py [REQUESTS]

Starts the service as `threshold serve` runs it (uvicorn, one process) on a free
loopback port and sends REQUESTS (default 1,000) requests one after another
with urllib to POST /route, a tenth as many to GET /forms (each format) and
POST /validate, and 3 to GET /compare (it routes 3,840 cases per authority),
then prints the mean and the 95th percentile latency of each.

Then POST /route again, REQUESTS times on one keep-alive connection
(concurrency 1, as an intake system sends them), against a new connection per
request: the ratio of the medians is the target (keep-alive no slower than a
new connection: without TCP_NODELAY each keep-alive answer waited for the
client's delayed ACK, 44 ms against about 2 ms).
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

RFS = "derbyshire-request-for-support"
REFERRAL = Path(__file__).resolve().parent.parent / "tests" / "referrals" / RFS / "valid.json"


def timed(url: str, body: bytes | None, count: int) -> list[float]:
    """Send ``count`` requests one at a time; return their latencies, sorted."""
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, data=body)) as response:
            response.read()
        timings.append(time.perf_counter() - start)
    return sorted(timings)


def keep_alive(port: int, path: str, body: bytes, count: int) -> list[float]:
    """Send ``count`` requests one at a time on one keep-alive connection; return
    their latencies, sorted."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Content-Type": "application/json"}
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        connection.getresponse().read()
        timings.append(time.perf_counter() - start)
    connection.close()
    return sorted(timings)


def main() -> None:
    """Run the benchmark and print its figures."""
    from threshold.core.interfaces.http.app import create_app, listen, server

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    sock = listen("127.0.0.1", 0)
    uvicorn_server = server(create_app())
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not uvicorn_server.started:
        time.sleep(0.01)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    case = json.dumps({"level": 3, "early_help_assessment": "completed"}).encode()
    referral = {"authority": "derbyshire", "form": RFS, "answers": json.loads(REFERRAL.read_text())}
    few = max(count // 10, 1)
    runs = [("POST /route", f"{base}/route?authority=derbyshire", case, count)]
    runs += [
        (f"GET /forms ({fmt})", f"{base}/forms/derbyshire/{RFS}?format={fmt}&level=3", None, few)
        for fmt in ("json-schema", "fhir", "html", "markdown")
    ]
    runs += [
        ("POST /validate", f"{base}/validate", json.dumps(referral).encode(), few),
        ("GET /compare", f"{base}/compare?authority=derbyshire&authority=derby_city", None, 3),
    ]
    for label, url, body, n in runs:
        timings = timed(url, body, n)
        print(
            f"{label}: {n:,} requests, one at a time; mean "
            f"{statistics.mean(timings) * 1000:.2f} ms, p95 {timings[int(n * 0.95)] * 1000:.2f} ms"
        )
    port = sock.getsockname()[1]
    reused = keep_alive(port, "/route?authority=derbyshire", case, count)
    fresh = timed(f"{base}/route?authority=derbyshire", case, count)
    ratio = statistics.median(reused) / statistics.median(fresh)
    p50, p95 = statistics.median(reused) * 1000, reused[int(count * 0.95)] * 1000
    print(
        f"POST /route, keep-alive, concurrency 1: {count:,} requests; p50 {p50:.2f} ms, "
        f"p95 {p95:.2f} ms; {ratio:.2f}x the p50 of a new connection per request (target <= 1)"
    )
    uvicorn_server.should_exit = True
    thread.join()


if __name__ == "__main__":
    main()
