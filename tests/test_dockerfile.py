"""The container image, tested outside a container (there is no docker here):
the Dockerfile's ENTRYPOINT is run as the image would run it, with the image's
environment, on a free port; its HEALTHCHECK command then passes, and fails once
the service has stopped. The rest of the file is checked for what the image
promises: a slim base, a non-root user, the data validated at build time."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.interfaces.http.test_serve_workers import children, serving

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text()
    joined = text.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the last stage (the image that runs)."""
    steps = instructions()
    last = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last:]


def one(keyword: str) -> str:
    found = [rest for k, rest in final_stage() if k == keyword]
    assert len(found) == 1, f"expected one {keyword} in the final stage"
    return found[0]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in final_stage():
        if keyword == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(rest))  # type: ignore[misc]
    return env


def health_command() -> list[str]:
    rest = one("HEALTHCHECK")
    assert "CMD" in rest.split()
    command: list[str] = json.loads(rest.split("CMD", 1)[1])
    return command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def local_env(**overrides: str) -> dict[str, str]:
    """The image's environment with this checkout's interpreter and `threshold`
    first on PATH (in the image they are the system ones)."""
    bin_dir = str(Path(sys.executable).parent)
    base = {k: v for k, v in os.environ.items() if k != "THRESHOLD_DEBUG"}
    env = {**base, **image_env(), **overrides}
    env["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    env.pop("THRESHOLD_CACHE_DIR", None)
    if "THRESHOLD_CACHE_DIR" in os.environ:  # the test run's cache, not /var/cache
        env["THRESHOLD_CACHE_DIR"] = os.environ["THRESHOLD_CACHE_DIR"]
    return env


def test_the_image_runs_non_root_from_a_slim_base_and_checks_its_data() -> None:
    steps = instructions()
    assert all("-slim" in rest for keyword, rest in steps if keyword == "FROM")
    user = one("USER")
    assert user not in ("root", "0") and not user.startswith("0:")
    runs = [rest for keyword, rest in final_stage() if keyword == "RUN"]
    # the data are validated at build time, as the user who runs the service
    user_at = [k for k, _ in final_stage()].index("USER")
    checks = [
        i for i, (k, rest) in enumerate(final_stage()) if k == "RUN" and "threshold check" in rest
    ]
    assert checks and all(i > user_at for i in checks)
    assert any("[serve]" in rest for rest in runs)
    env = image_env()
    assert {"PORT", "THRESHOLD_WORKERS", "THRESHOLD_CACHE_DIR"} <= env.keys()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests"} <= set(ignored)


def test_the_entrypoint_serves_and_the_healthcheck_passes(tmp_path: Path) -> None:
    entry: list[str] = json.loads(one("ENTRYPOINT"))
    port = free_port()
    env = local_env(PORT=str(port), THRESHOLD_WORKERS="2")
    with serving(entry, tmp_path / "serve.log", env) as (proc, url):
        assert url == f"http://127.0.0.1:{port}"
        # on 0.0.0.0 (every interface), with the configured number of workers
        log = (tmp_path / "serve.log").read_text()
        assert f"threshold: serving on http://0.0.0.0:{port}/ from 2 processes" in log
        assert "no authentication" in log  # the warning for an address beyond loopback
        assert len(children(proc.pid)) >= 2
        check = subprocess.run(health_command(), env=env, capture_output=True, timeout=30)
        assert check.returncode == 0, check.stderr
    # once the service has stopped, the health check fails
    stopped = subprocess.run(health_command(), env=env, capture_output=True, timeout=30)
    assert stopped.returncode != 0


def test_arguments_after_the_image_go_to_serve(tmp_path: Path) -> None:
    entry: list[str] = json.loads(one("ENTRYPOINT"))
    env = local_env(PORT=str(free_port()), THRESHOLD_WORKERS="1")
    with serving([*entry, "--max-body-bytes", "64"], tmp_path / "serve.log", env) as (_, url):
        from tests.conftest import http

        big = http("POST", url + "/route?authority=derbyshire", b'{"level": 2}' + b" " * 100)
        assert big.status == 413


@pytest.mark.parametrize(("name", "value"), [("THRESHOLD_WORKERS", "0"), ("PORT", "http")])
def test_bad_configuration_is_one_line_naming_the_option(name: str, value: str) -> None:
    entry: list[str] = json.loads(one("ENTRYPOINT"))
    env = local_env(**{"PORT": str(free_port()), "THRESHOLD_WORKERS": "1", name: value})
    start = time.monotonic()
    result = subprocess.run(entry, env=env, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - start < 60
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert ("--workers" if name == "THRESHOLD_WORKERS" else "--port") in result.stderr
