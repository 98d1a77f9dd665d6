"""Routing through the installed plugins: the function the CLI and the public API call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from threshold.core.engine.build import build_guidance
from threshold.core.engine.decision import make_decision_record
from threshold.core.io.parse import check_case, parse_case
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.clock import local_now
from threshold.core.model.guidance import Guidance, GuidanceWarning
from threshold.core.plugins.info import Registered
from threshold.core.plugins.registry import Registry, default_registry
from threshold.core.plugins.versions import choose, day_of, named, warning_for


def route(
    case: Case | Mapping[str, object],
    authority: str,
    *,
    registry: Registry | None = None,
    today: dt.date | None = None,
    record: bool = False,
    version: str | Authority | None = None,
) -> Guidance:
    """Return the guidance for ``case`` (a Case, or a dict as in the authority's case
    schema: the core's urgent part and its questions) in the authority with id
    ``authority``; with
    ``record``, it carries its decision record (:mod:`threshold.core.engine.decision`).

    The authority's data is the version in force at the case's time (or, with a
    warning, the nearest: :mod:`threshold.core.plugins.versions`); ``version``
    names another of its versions, or gives one loaded from a folder.

    Raises:
        CaseError: the case is not valid (each field named).
        AuthorityError: the authority is unknown, conflicted or its plugin broken,
            or it has no version of that name.
    """
    registry = registry or default_registry()
    registered = registry.get(authority)
    policy = registered.authority
    parsed = check_case(case, policy) if isinstance(case, Case) else parse_case(case, policy)
    return route_read(parsed, registered, registry, today=today, record=record, version=version)


def route_read(
    case: Case,
    registered: Registered,
    registry: Registry,
    *,
    today: dt.date | None = None,
    record: bool = False,
    version: str | Authority | None = None,
) -> Guidance:
    """:func:`route` for a case already read against ``registered``'s authority by
    :func:`threshold.core.io.parse.parse_case` or :func:`check_case` (a batch line
    is read once, not checked again), with the version of the authority's data in
    force at its time (or ``version``).

    Raises:
        AuthorityError: the authority's plugin is broken, or it has no version of
            that name.
    """
    policy = registered.authority
    warning = None
    if version is not None or registered.versions or _outside(policy, case.at):
        policy, warning = _version(registered, case, version)
        if policy is not registered.authority:
            case = check_case(case, policy)
    rule = registry.route_rule(registered, policy)  # the version that routes the case
    guidance = build_guidance(
        case,
        policy,
        rule,
        plugin=registered.plugin.distribution or registered.plugin.name,
        plugin_version=registered.plugin.version or "unknown",
        today=today,
    )
    if warning is not None:
        guidance = attrs.evolve(guidance, warnings=(warning, *guidance.warnings))
    if not record:
        return guidance

    return attrs.evolve(guidance, record=make_decision_record(case, guidance, policy, rule))


def _outside(policy: Authority, at: dt.datetime | None) -> bool:
    """Whether the case's time (now, when it gives none) is outside the one
    version's days in force."""
    version = policy.version
    return version is not None and not version.covers((at or local_now()).date())


def _version(
    registered: Registered, case: Case, version: str | Authority | None
) -> tuple[Authority, GuidanceWarning | None]:
    """The version of the authority's data for ``case`` (or the one asked for), and
    the warning when it is not in force at the case's time."""
    day = day_of(case.at)
    if isinstance(version, Authority):
        chosen = version
    elif version is not None:
        chosen = named(registered.all_versions(), registered.authority.id, version)
    elif registered.versions:
        chosen = choose(registered.versions, day)
    else:
        chosen = registered.authority
    return chosen, warning_for(chosen, day)
