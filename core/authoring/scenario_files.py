"""Scenario files: an authority's routing proved by data.

A scenario file (TOML, ``schemas/scenarios.schema.json``) names an authority and
a list of scenarios, each a case and the route, Early Help Assessment
requirement, first contact and follow-up it must give. They are run by
``threshold test PATH`` and collected by pytest through :mod:`threshold.testing`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from threshold.core.engine.api import route
from threshold.core.io.loading import read_data_file
from threshold.core.io.schemas import validate
from threshold.core.model.errors import DataError, ThresholdError
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry


@attrs.frozen
class Expectation:
    """What a scenario's guidance must show."""

    route: str
    eha_required: bool
    first_contact: str
    follow_up_hours: int


@attrs.frozen
class Scenario:
    """One named case with its expectation, from one file."""

    file: str
    index: int
    authority: str
    name: str
    keywords: tuple[str, ...]
    case: dict[str, Any]
    expect: Expectation

    @property
    def label(self) -> str:
        """A short label: file, number and name."""
        return f"{Path(self.file).name}[{self.index}] {self.name}"


def is_scenario_file(path: Path) -> bool:
    """True for ``scenarios.toml`` and ``*.scenarios.toml``."""
    return path.name == "scenarios.toml" or path.name.endswith(".scenarios.toml")


def find_scenario_files(root: Path) -> list[Path]:
    """Return the scenario files at or under ``root``, sorted."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.toml") if is_scenario_file(p))


def load_scenarios(path: Path) -> list[Scenario]:
    """Read and validate one scenario file.

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    data = read_data_file(path)
    errors = validate("scenarios", data)
    if errors:
        raise DataError(str(path), errors)
    default_at = data.get("at")
    scenarios = []
    for index, item in enumerate(data["scenario"]):
        case = dict(item["case"])
        if default_at and "at" not in case:
            case["at"] = default_at
        scenarios.append(
            Scenario(
                file=str(path),
                index=index,
                authority=data["authority"],
                name=item["name"],
                keywords=tuple(item.get("keywords", ())),
                case=case,
                expect=Expectation(**item["expect"]),
            )
        )
    return scenarios


def first_contact(guidance: Guidance) -> str:
    """The first contact as scenarios name it: its phone, else its id, else "none"."""
    if not guidance.contacts:
        return "none"
    contact = guidance.contacts[0]
    return contact.phone or contact.id


def check_scenario(
    scenario: Scenario, registry: Registry, today: dt.date | None = None
) -> tuple[list[str], Guidance | None]:
    """Run one scenario; return (mismatches, guidance). No mismatch means it passed."""

    try:
        guidance = route(scenario.case, scenario.authority, registry=registry, today=today)
    except ThresholdError as exc:
        return [f"routing failed: {exc}"], None
    expect = scenario.expect
    found = {
        "route": guidance.route,
        "eha_required": guidance.eha_required,
        "first_contact": first_contact(guidance),
        "follow_up_hours": guidance.follow_up.within_hours if guidance.follow_up else 0,
    }
    wanted = attrs.asdict(expect)
    problems = [
        f"{key}: expected {wanted[key]!r}, got {found[key]!r}"
        for key in ("route", "eha_required", "first_contact", "follow_up_hours")
        if wanted[key] != found[key]
    ]
    return problems, guidance


def explain(guidance: Guidance | None) -> str:
    """The guidance's route, summary and steps with reasons, for a failing scenario."""
    if guidance is None:
        return ""
    lines = [f"  route given: {guidance.route}: {guidance.summary}"]
    for step in guidance.steps:
        lines.append(f"  {step.order}. [{step.id}] {step.action}")
        lines.append(f"     why: {step.reason}")
    for contact in guidance.contacts:
        lines.append(f"  contact: {contact.name} {contact.phone or contact.url or ''}".rstrip())
    return "\n".join(lines)


def iter_scenarios(root: Path, keyword: str | None = None) -> Iterator[Scenario]:
    """Every scenario under ``root`` (optionally only those with ``keyword``)."""
    for path in find_scenario_files(root):
        for scenario in load_scenarios(path):
            if keyword is None or keyword in scenario.keywords:
                yield scenario
