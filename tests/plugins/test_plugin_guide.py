"""Meta-tests that keep docs/plugins.md true (in the manner of datasette's):
every hook is documented with its exact signature, the guide documents no hook
that does not exist, and threshold calls every hook."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import attrs
import pytest

from tests.conftest import REPO
from threshold.core.engine.api import route
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import Route
from threshold.core.model.forms import Form
from threshold.core.model.guidance import RouteChoice
from threshold.core.model.indicators import IndicatorSet
from threshold.core.plugins import hookspecs
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city
from threshold.plugins.ddscp import indicators
from threshold.testing import make_plugin

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


def test_the_guide_documents_exactly_the_hooks_that_exist() -> None:
    documented = re.findall(r"^### `(threshold_[a-z_]+)\(", GUIDE.read_text("utf-8"), re.M)
    assert sorted(documented) == HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_signature(name: str) -> None:
    assert f"### `{signature(name)}`" in GUIDE.read_text("utf-8")


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_docstring(name: str) -> None:
    assert (getattr(hookspecs, name).__doc__ or "").strip()


def test_every_hook_is_called_when_its_part_is_used() -> None:
    """A plugin implementing every hook: loading it, routing a level 3 case in its
    authority, and asking for forms and indicators call each hook (a hook that
    threshold never calls would fail here)."""
    called: list[str] = []

    def register_authorities(register: Callable[[Authority], None]) -> None:
        called.append("threshold_register_authorities")
        register(attrs.evolve(derby_city.data.authority(), id="spyshire", name="Spyshire"))

    def referral_route(authority: Authority, case: Case) -> RouteChoice | None:
        called.append("threshold_referral_route")
        return RouteChoice(
            Route.ONLINE_REFERRAL, False, ("online-referral-make",), ("online-referral-system",)
        )

    def register_forms(register: Callable[[Form], None]) -> None:
        called.append("threshold_register_forms")

    def register_indicators(register: Callable[[IndicatorSet], None]) -> None:
        called.append("threshold_register_indicators")
        register(indicators())

    spy = make_plugin(
        "spy",
        threshold_register_authorities=register_authorities,
        threshold_referral_route=referral_route,
        threshold_register_forms=register_forms,
        threshold_register_indicators=register_indicators,
    )
    registry = Registry.load([("spy", spy)], use_entry_points=False)
    assert registry.authority_ids() == ["spyshire"]
    assert route({"level": 3}, "spyshire", registry=registry).route is Route.ONLINE_REFERRAL
    assert registry.forms("spyshire") == []
    assert [s.document.id for s in registry.indicator_sets()] == ["ddscp-2022"]
    assert sorted(set(called)) == HOOKS


def test_guide_is_linked_from_readme() -> None:
    assert "docs/plugins.md" in (REPO / "README.md").read_text("utf-8")
