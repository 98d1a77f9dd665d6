"""Test helpers for authority plugin authors, registered with pytest (``pytest11``).

Installed with threshold, this pytest plugin:

- collects scenario files (``scenarios.toml``, ``*.scenarios.toml``) as tests, one
  test per scenario; a failing scenario prints the guidance's steps and reasons;
- gives the ``threshold_registry`` fixture: the installed plugins, loaded the way
  the CLI loads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from threshold.core.authoring.scenario_files import (
    Scenario,
    check_scenario,
    explain,
    is_scenario_file,
    load_scenarios,
)
from threshold.core.model.errors import DataError
from threshold.core.plugins.registry import Registry


class ScenarioFailure(Exception):
    """A scenario's guidance differs from what the file expects."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect scenario files as test files."""
    if is_scenario_file(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """A scenario file: one test per scenario."""

    def collect(self) -> Iterator[pytest.Item]:
        """Read the file and yield one item per scenario (a bad file fails, named)."""
        try:
            scenarios = load_scenarios(self.path, _registry())
        except DataError as exc:
            raise self.CollectError(str(exc)) from None
        for scenario in scenarios:
            item = ScenarioItem.from_parent(self, name=f"{scenario.index}: {scenario.name}")
            item.scenario = scenario
            for keyword in scenario.keywords:
                item.keywords[keyword] = True
            yield item


_REGISTRY: list[Registry] = []


def _registry() -> Registry:
    if not _REGISTRY:
        _REGISTRY.append(Registry.load())
    return _REGISTRY[0]


class ScenarioItem(pytest.Item):
    """One scenario, routed through the installed plugins."""

    scenario: Scenario

    def runtest(self) -> None:
        """Route the scenario's case and compare with its expectation."""
        problems, guidance = check_scenario(self.scenario, _registry())
        if problems:
            raise ScenarioFailure("\n".join(problems) + "\n" + explain(guidance))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        """Show what differed and the guidance's steps, not a traceback."""
        if isinstance(excinfo.value, ScenarioFailure):
            return f"scenario {self.scenario.label} failed:\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the scenario is."""
        return self.path, 0, f"scenario {self.scenario.label}"


def make_plugin(name: str, **hooks: Callable[..., Any]) -> ModuleType:
    """A plugin module made in a test: each keyword is a hook name and its function.

    Register it with ``Registry.load([(name, module)])`` to see how threshold
    treats a plugin that is broken in some way, without installing anything.
    """
    from threshold.core.plugins.hookspecs import hookimpl

    module = ModuleType(name)
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module


@pytest.fixture(scope="session")
def threshold_registry() -> Registry:
    """The installed authority plugins, as the CLI loads them."""
    return _registry()


def assert_conformance(authority_id: str, *, strict: bool = False) -> None:
    """Run the conformance kit on an installed authority; fail listing every error.

    Checks the data, phone numbers, hours, review dates, the routing rules over
    every case, and the scenario files shipped in the plugin's package. Use it in
    a plugin's own tests: ``def test_conformance(): assert_conformance("my_id")``.
    """
    from threshold.core.authoring.conformance import check_authority, installed_scenario_files

    registry = _registry()
    findings = check_authority(
        registry,
        authority_id,
        strict=strict,
        scenario_files=installed_scenario_files(registry, authority_id),
    )
    errors = [str(f) for f in findings if f.severity == "error" or strict]
    assert not errors, f"{authority_id} fails the conformance kit:\n" + "\n".join(errors)
