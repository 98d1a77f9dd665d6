"""Lint, format and type checks run with the tests, so `pytest` is the one gate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = {
    "core": "core",
    "cli": "cli",
    "plugins": "plugins",
    "schemas": "schemas",
    "templates": "templates",
}


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
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
    (package / "__init__.py").symlink_to(REPO / "threshold" / "__init__.py")
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
