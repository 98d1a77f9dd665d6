"""threshold: children's-safeguarding threshold documents as software.

The stable Python API for intake systems (see docs/api.md)::

    import threshold

    guidance = threshold.route({"level": 3, "early_help_assessment": "completed"},
                               authority="derbyshire", record=True)
    guidance.route, guidance.record.id, guidance.to_dict()

Everything named in ``__all__`` is public and versioned with the package; every
other module (``threshold.core``, ``threshold.cli``, ...) is internal. Heavy
modules load on first use, so ``import threshold`` stays cheap.

Decision support only: it supports, and never replaces, professional judgement
and the safeguarding lead. If a child is in immediate danger, ring 999.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from threshold.core.errors import (
        AuthorityError,
        CaseError,
        FieldError,
        ThresholdError,
        UnknownAuthorityError,
    )
    from threshold.core.installed import AuthorityInfo, AuthorityList, BrokenPlugin
    from threshold.core.models import (
        Case,
        Consent,
        DecisionRecord,
        EarlyHelpAssessment,
        Guidance,
        Referrer,
        Route,
        Setting,
    )

__all__ = [
    "AuthorityError",
    "AuthorityInfo",
    "AuthorityList",
    "BrokenPlugin",
    "Case",
    "CaseError",
    "Consent",
    "DecisionRecord",
    "EarlyHelpAssessment",
    "FieldError",
    "Guidance",
    "Referrer",
    "Route",
    "Setting",
    "ThresholdError",
    "UnknownAuthorityError",
    "__version__",
    "authorities",
    "route",
    "schema",
    "schema_names",
]

#: Where each public type lives (loaded on first use).
_LAZY = {
    "AuthorityError": "threshold.core.errors",
    "CaseError": "threshold.core.errors",
    "FieldError": "threshold.core.errors",
    "ThresholdError": "threshold.core.errors",
    "UnknownAuthorityError": "threshold.core.errors",
    "AuthorityInfo": "threshold.core.installed",
    "AuthorityList": "threshold.core.installed",
    "BrokenPlugin": "threshold.core.installed",
    "Case": "threshold.core.models",
    "Consent": "threshold.core.models",
    "DecisionRecord": "threshold.core.models",
    "EarlyHelpAssessment": "threshold.core.models",
    "Guidance": "threshold.core.models",
    "Referrer": "threshold.core.models",
    "Route": "threshold.core.models",
    "Setting": "threshold.core.models",
}


def __getattr__(name: str) -> Any:
    """Load a public type, or ``__version__``, on first use."""
    if name == "__version__":
        from importlib.metadata import version

        value: Any = version("threshold")
    elif name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'threshold' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def route(case: Case | Mapping[str, object], authority: str, *, record: bool = False) -> Guidance:
    """Return the guidance for one concern in one authority.

    Args:
        case: A :class:`Case`, or a dict as in ``schemas/case.schema.json`` (JSON
            values: ``{"level": 3, "at": "2026-11-23T11:00"}``). Unknown fields
            are an error.
        authority: An authority id from :func:`authorities` (``"derbyshire"``).
        record: Add a decision record (``guidance.record``).

    Returns:
        The guidance (route, contacts most urgent first, steps, consent, what to
        record, citations); ``to_dict()`` gives ``schemas/guidance.schema.json`` data.

    Raises:
        CaseError: the case is not valid; ``errors`` names each field.
        UnknownAuthorityError: no installed plugin has this authority (an AuthorityError).
        AuthorityError: the authority's plugin is broken.

        Each error's ``urgent`` still says who to ring when the case raised an
        urgent flag (and says 999 when the authority could not be used).
    """
    from threshold.core.api import route as route_case
    from threshold.core.errors import ThresholdError

    try:
        return route_case(case, authority, record=record)
    except ThresholdError as exc:
        from threshold.core.convert import case_to_dict
        from threshold.core.failures import error_info
        from threshold.core.models import Case

        raw = case_to_dict(case) if isinstance(case, Case) else case
        exc.urgent = error_info(exc, raw, authority).urgent
        raise


def authorities() -> AuthorityList:
    """Return the installed authorities (sorted by id) and any broken plugins;
    ``to_dict()`` gives ``schemas/authorities.schema.json`` data."""
    from threshold.core.installed import list_authorities
    from threshold.core.registry import default_registry

    return list_authorities(default_registry())


def schema_names() -> tuple[str, ...]:
    """Return the names of the published JSON Schemas (``"case"``, ``"guidance"``, ...)."""
    from threshold.core.schemas import SCHEMA_NAMES

    return SCHEMA_NAMES


def schema(name: str) -> dict[str, Any]:
    """Return a copy of the published JSON Schema ``name`` (draft 2020-12, with
    ``$id`` and ``x-version``).

    Raises:
        ThresholdError: no published schema has this name.
    """
    import copy

    from threshold.core.schemas import schema as load

    return copy.deepcopy(load(name))
