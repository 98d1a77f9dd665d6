"""Shared fixtures: the installed registry, a CLI runner that goes through main()."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import settings

from threshold.cli import main
from threshold.core.plugins.registry import Registry

# Property-test profiles: a few hundred examples normally, 10,000 with
# HYPOTHESIS_PROFILE=slow (see README, "Hardening").
# In CI (CI=true) the examples are derandomized, so a run can be repeated exactly;
# the slow profile is where new examples are searched for.
settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True)
settings.register_profile("slow", max_examples=10_000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "default")
)

# Keep the on-disk cache (bank holidays, validation markers) out of the user's home.
os.environ.setdefault("THRESHOLD_CACHE_DIR", tempfile.mkdtemp(prefix="threshold-cache-"))

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

#: A fixed Monday morning, inside every stated opening window.
WEEKDAY_MORNING = "2026-11-23T11:00"

#: The fictional Exampleshire plugin (tests only, never installed by default): its
#: scenario file is run by the tests that install it, not collected on its own.
EXAMPLESHIRE = Path(__file__).resolve().parent / "fixtures" / "exampleshire"
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(scope="session")
def exampleshire_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the Exampleshire plugin is installed as pip would install it
    (the package and a ``.dist-info`` with its entry point), with no network and
    without touching the environment: put it on ``PYTHONPATH`` (or ``sys.path``)
    and ``threshold`` finds Exampleshire like any installed plugin."""
    import shutil
    import tomllib

    folder = tmp_path_factory.mktemp("exampleshire-site")
    shutil.copytree(
        EXAMPLESHIRE / "threshold_exampleshire",
        folder / "threshold_exampleshire",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    project = tomllib.loads((EXAMPLESHIRE / "pyproject.toml").read_text("utf-8"))["project"]
    info = folder / f"threshold_exampleshire-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n",
        "utf-8",
    )
    points = project["entry-points"]["threshold"]
    (info / "entry_points.txt").write_text(
        "[threshold]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()), "utf-8"
    )
    return folder


@pytest.fixture
def exampleshire_env(exampleshire_path: Path) -> dict[str, str]:
    """The environment for a ``threshold`` process that has Exampleshire installed."""
    paths = [str(exampleshire_path), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


@pytest.fixture
def exampleshire_registry(exampleshire_path: Path, monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The installed plugins and Exampleshire, found through their entry points."""
    monkeypatch.syspath_prepend(str(exampleshire_path))
    return Registry.load()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The installed plugins, through the entry-point group like any third party."""
    return Registry.load()


@attrs.frozen
class Result:
    """What a CLI run printed and returned."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run ``threshold ARGS`` in-process through main(), as the console script does."""

    def run(*args: str, stdin: str | bytes | None = None) -> Result:
        if stdin is not None:
            data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The source documents; skipped with a visible reason when they are not beside the repo."""
    if not SEEDS.is_dir():
        pytest.skip(f"source documents not found at {SEEDS} (shared/seeds beside the repo)")
    return SEEDS


# ----------------------------------------------------------------------------- browser
CHROMIUM = Path(os.environ.get("THRESHOLD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright.

    Skipped with a visible reason when Chromium or Playwright is missing, unless
    THRESHOLD_REQUIRE_BROWSER=1 (set by .ci/run once Chromium is installed), in
    which case a missing browser fails the run instead.
    """
    required = os.environ.get("THRESHOLD_REQUIRE_BROWSER") == "1"
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright is not installed (pip install -e '.[test]')"
    if reason is None and not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if reason is not None:
        if required:
            pytest.fail(f"browser required but unavailable: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (1280x900) that may not reach the network: every request to a
    host other than the loopback address is aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "file:", "data:", "about:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_serious_violations(page: Any) -> list[str]:
    """Run axe-core (shipped in axe-playwright-python) on the page; return the
    serious or critical violations as "id: help" lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


# ----------------------------------------------------------------------------- HTTP
@attrs.frozen
class HttpResult:
    """What an HTTP request got back."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def http(
    method: str,
    url: str,
    body: bytes | Iterator[bytes] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    opener: Any = None,
) -> HttpResult:
    """Send one request with urllib (an iterator body goes chunked) and return the
    answer, error statuses included. ``opener`` (a urllib opener) changes how, for
    example to not follow redirects."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        send = urllib.request.urlopen if opener is None else opener.open
        with send(request, timeout=60) as response:
            return HttpResult(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return HttpResult(
            error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()
        )


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn (as `threshold serve` does) in a thread, on a free
    loopback port; yield its base URL ("http://127.0.0.1:PORT")."""
    import threading
    import time

    from threshold.core.interfaces.http.app import listen, server

    sock = listen("127.0.0.1", 0)
    uvicorn_server = server(app)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The real HTTP service (create_app() with the installed plugins) on loopback."""
    from threshold.core.interfaces.http.app import create_app

    with running(create_app()) as url:
        yield url
