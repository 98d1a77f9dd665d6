"""Meta-tests that keep docs/plugins.md true (in the manner of datasette's):
every hook is documented with its exact signature, and every hook has a test."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from threshold.core.plugins import hookspecs

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "plugins.md"

HOOKS = sorted(
    name
    for name, value in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("threshold_")
)


def signature(name: str) -> str:
    """The hook's signature as the guide must print it."""
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}"


def test_there_are_hooks() -> None:
    assert "threshold_register_authorities" in HOOKS
    assert "threshold_referral_route" in HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_signature(name: str) -> None:
    assert f"### `{signature(name)}`" in GUIDE.read_text("utf-8")


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_docstring(name: str) -> None:
    assert (getattr(hookspecs, name).__doc__ or "").strip()


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_exercised_by_a_test(name: str) -> None:
    tests = [p for p in (REPO / "tests").glob("test_*.py") if p.name != Path(__file__).name]
    assert any(name in p.read_text("utf-8") for p in tests), f"no test mentions {name}"


def test_guide_is_linked_from_readme() -> None:
    assert "docs/plugins.md" in (REPO / "README.md").read_text("utf-8")
