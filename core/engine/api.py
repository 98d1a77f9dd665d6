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
from threshold.core.plugins.info import Registered
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
    return route_read(parsed, registered, registry, today=today, record=record)


def route_read(
    case: Case,
    registered: Registered,
    registry: Registry,
    *,
    today: dt.date | None = None,
    record: bool = False,
) -> Guidance:
    """:func:`route` for a case already read against ``registered``'s authority by
    :func:`threshold.core.io.parse.parse_case` or :func:`check_case` (a batch line
    is read once, not checked again).

    Raises:
        AuthorityError: the authority's plugin is broken.
    """
    rule = registry.route_rule(registered)
    guidance = build_guidance(
        case,
        registered.authority,
        rule,
        plugin=registered.plugin.distribution or registered.plugin.name,
        plugin_version=registered.plugin.version or "unknown",
        today=today,
    )
    if not record:
        return guidance

    return attrs.evolve(
        guidance, record=make_decision_record(case, guidance, registered.authority, rule)
    )
