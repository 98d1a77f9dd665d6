"""Shared fixtures: the installed registry, a CLI runner that goes through main()."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from threshold.cli import main
from threshold.core.registry import Registry

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

#: A fixed Monday morning, inside every stated opening window.
WEEKDAY_MORNING = "2026-11-23T11:00"


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
