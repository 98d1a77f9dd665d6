"""Lint, format, type and layer checks run with the tests, so `pytest` is the one
gate. A checker that is not installed is a skip with the reason locally, and a
failure in CI (``CI=true``): CI must never pass because a checker was missing."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = {
    "core": "core",
    "cli": "cli",
    "plugins": "plugins",
    "schemas": "schemas",
    "templates": "templates",
}


def require(tool: str, available: bool) -> None:
    """Skip (locally) or fail (in CI) when ``tool`` is not installed."""
    if available:
        return
    reason = f"{tool} is not installed (pip install -e '.[test]')"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run every check")
    pytest.skip(reason)


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    require(args[0], importlib.util.find_spec(args[0]) is not None)
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_ruff_lint() -> None:
    result = run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict(tmp_path: Path) -> None:
    """Type-check a tree of symlinks shaped like the installed `threshold` package."""
    package = tmp_path / "threshold"
    package.mkdir()
    for module in (REPO / "threshold").glob("*.py"):  # __init__, plugin, testing
        (package / module.name).symlink_to(module)
    for name, source in PACKAGE_PARTS.items():
        (package / name).symlink_to(REPO / source, target_is_directory=True)
    result = run(
        "mypy",
        "--config-file",
        str(REPO / "pyproject.toml"),
        "--no-incremental",
        "--cache-dir",
        str(tmp_path / ".mypy_cache"),
        "-p",
        "threshold",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_checker_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-checker is not installed"):
        require("no-such-checker", False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run every check"):
        require("no-such-checker", False)
    require("ruff", True)  # installed: nothing happens
