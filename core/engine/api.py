"""Routing through the installed plugins: the function the CLI and the public API call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from threshold.core.engine.build import build_guidance
from threshold.core.engine.decision import make_decision_record
from threshold.core.io.parse import check_case, parse_case
from threshold.core.model.case import Case
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry, default_registry


def route(
    case: Case | Mapping[str, object],
    authority: str,
    *,
    registry: Registry | None = None,
    today: dt.date | None = None,
    record: bool = False,
) -> Guidance:
    """Return the guidance for ``case`` (a Case, or a dict as in the authority's case
    schema: the core's urgent part and its questions) in the authority with id
    ``authority``; with
    ``record``, it carries its decision record (:mod:`threshold.core.engine.decision`).

    Raises:
        CaseError: the case is not valid (each field named).
        AuthorityError: the authority is unknown, conflicted or its plugin broken.
    """
    registry = registry or default_registry()
    registered = registry.get(authority)
    policy = registered.authority
    parsed = check_case(case, policy) if isinstance(case, Case) else parse_case(case, policy)
    rule = registry.route_rule(registered)

    guidance = build_guidance(
        parsed,
        registered.authority,
        rule,
        plugin=registered.plugin.distribution or registered.plugin.name,
        plugin_version=registered.plugin.version or "unknown",
        today=today,
    )
    if not record:
        return guidance

    return attrs.evolve(
        guidance, record=make_decision_record(parsed, guidance, registered.authority, rule)
    )
