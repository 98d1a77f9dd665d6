"""Scenario files: an authority's routing proved by data.

A scenario file (TOML, ``schemas/scenarios.schema.json``) names an authority and
a list of scenarios, each a case and the route, first contact and follow-up it
must give, and optionally whether something must be done first, which contact
(by id) comes first and whether it is open at the scenario's time. They are run
by ``threshold test PATH`` and collected by pytest through :mod:`threshold.testing`.
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
from threshold.core.model.errors import DataError, FieldError, ThresholdError
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry


class Unset:
    """The type of :data:`UNSET`: an expectation the file does not give."""

    def __repr__(self) -> str:
        return "UNSET"


#: An expectation the file does not give (where None is itself a value to expect).
UNSET = Unset()


@attrs.frozen
class Expectation:
    """What a scenario's guidance must show (None: not checked).

    Attributes:
        route: The route's id in the authority's data.
        first_contact: The first contact's phone number, or its id when it has no
            phone, or "none".
        follow_up_hours: Hours allowed for the written follow-up, 0 for none.
        eha_required: Whether the route needs something done first.
        first_contact_id: The first contact's id.
        first_contact_open: Whether the first contact is open at the scenario's time
            (None in the file: the sources do not say).
    """

    route: str
    first_contact: str
    follow_up_hours: int
    eha_required: bool | None = None
    first_contact_id: str | None = None
    first_contact_open: bool | Unset | None = attrs.field(factory=lambda: UNSET)


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


def load_scenarios(path: Path, registry: Registry | None = None) -> list[Scenario]:
    """Read and validate one scenario file; with ``registry``, each expected route
    must be a route of the authority (when it is installed).

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    data = read_data_file(path)
    errors = validate("scenarios", data)
    if not errors and registry is not None:
        errors = _unknown_routes(data, registry)
    if errors:
        raise DataError(str(path), errors)
    default_at = data.get("at")
    scenarios = []
    for index, item in enumerate(data["scenario"]):
        case = dict(item["case"])
        at = item.get("at", default_at)
        if at and "at" not in case:
            case["at"] = at
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


def _unknown_routes(data: dict[str, Any], registry: Registry) -> list[FieldError]:
    """An error for each expected route the (installed) authority has not."""
    try:
        routes = registry.get(data["authority"]).authority.routes
    except ThresholdError:  # not installed or broken: routing the scenario says so
        return []
    return [
        FieldError(
            f"scenario[{index}].expect.route",
            f"unknown route {item['expect']['route']!r} for {data['authority']}; expected one "
            "of: " + ", ".join(routes),
        )
        for index, item in enumerate(data["scenario"])
        if item["expect"]["route"] not in routes
    ]


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
    first = guidance.contacts[0] if guidance.contacts else None
    found = {
        "route": guidance.route,
        "eha_required": guidance.eha_required,
        "first_contact": first_contact(guidance),
        "follow_up_hours": guidance.follow_up.within_hours if guidance.follow_up else 0,
        "first_contact_id": first.id if first else "none",
        "first_contact_open": first.open if first else None,
    }
    wanted = attrs.asdict(scenario.expect, recurse=False)
    problems = [
        f"{key}: expected {_shown(wanted[key])}, got {_shown(found[key])}"
        for key in found
        if not _unasked(key, wanted[key]) and wanted[key] != found[key]
    ]
    return problems, guidance


def _unasked(key: str, value: object) -> bool:
    """Whether the file leaves this expectation out."""
    if key == "first_contact_open":
        return value is UNSET
    return value is None


def _shown(value: object) -> str:
    """A value as a scenario file writes it: true, false, null, or quoted text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def explain(guidance: Guidance | None) -> str:
    """The guidance's route, summary and steps with reasons, for a failing scenario."""
    if guidance is None:
        return ""
    lines = [f"  route given: {guidance.route}: {guidance.summary}"]
    for step in guidance.steps:
        lines.append(f"  {step.order}. [{step.id}] {step.action}")
        lines.append(f"     why: {step.reason}")
    for contact in guidance.contacts:
        reach = contact.phone or contact.email or contact.url or ""
        state = {True: "open", False: "closed", None: "hours not known"}[contact.open]
        lines.append(f"  contact: {contact.name} {reach}".rstrip() + f" [{contact.id}, {state}]")
    return "\n".join(lines)


def iter_scenarios(
    root: Path, keyword: str | None = None, registry: Registry | None = None
) -> Iterator[Scenario]:
    """Every scenario under ``root`` (optionally only those with ``keyword``); with
    ``registry``, expected routes are checked against the authorities' routes."""
    for path in find_scenario_files(root):
        for scenario in load_scenarios(path, registry):
            if keyword is None or keyword in scenario.keywords:
                yield scenario
