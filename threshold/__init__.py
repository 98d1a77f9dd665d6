"""threshold: children's-safeguarding threshold documents as software.

The stable Python API for intake systems (see docs/api.md)::

    import threshold

    guidance = threshold.route({"level": 3, "early_help_assessment": "completed"},
                               authority="derbyshire", record=True)
    guidance.route, guidance.record.id, guidance.to_dict()

    threshold.form("derbyshire", case={"level": 3}, format="html").text
    threshold.validate("derbyshire", "derbyshire-request-for-support", answers)
    threshold.compare("derbyshire", "derby_city").to_dict()

Everything named in ``__all__`` is public and versioned with the package; every
other module (``threshold.core``, ``threshold.cli``, ...) is internal. Heavy
modules load on first use, so ``import threshold`` stays cheap.

Decision support only: it supports, and never replaces, professional judgement
and the safeguarding lead. If a child is in immediate danger, ring 999.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from threshold.core.analysis.compare_model import Comparison
    from threshold.core.analysis.replay import Replay
    from threshold.core.model.case import Case
    from threshold.core.model.enums import Referrer
    from threshold.core.model.errors import (
        AuthorityError,
        CaseError,
        FieldError,
        FormError,
        ThresholdError,
        UnknownAuthorityError,
    )
    from threshold.core.model.forms import Form
    from threshold.core.model.guidance import DecisionRecord, Guidance
    from threshold.core.plugins.installed import AuthorityInfo, AuthorityList, BrokenPlugin
    from threshold.core.render.form_output import FormOutput
    from threshold.plugins.ddscp.names import Consent, EarlyHelpAssessment, Route, Setting

__all__ = [
    "AuthorityError",
    "AuthorityInfo",
    "AuthorityList",
    "BrokenPlugin",
    "Case",
    "CaseError",
    "Comparison",
    "Consent",
    "DecisionRecord",
    "EarlyHelpAssessment",
    "FieldError",
    "Form",
    "FormError",
    "FormOutput",
    "Guidance",
    "Referrer",
    "Replay",
    "Route",
    "Setting",
    "ThresholdError",
    "UnknownAuthorityError",
    "__version__",
    "authorities",
    "compare",
    "form",
    "missing",
    "replay",
    "route",
    "schema",
    "schema_names",
    "validate",
]

#: Where each public type lives (loaded on first use).
_LAZY = {
    "AuthorityError": "threshold.core.model.errors",
    "CaseError": "threshold.core.model.errors",
    "FieldError": "threshold.core.model.errors",
    "FormError": "threshold.core.model.errors",
    "ThresholdError": "threshold.core.model.errors",
    "UnknownAuthorityError": "threshold.core.model.errors",
    "AuthorityInfo": "threshold.core.plugins.installed",
    "AuthorityList": "threshold.core.plugins.installed",
    "BrokenPlugin": "threshold.core.plugins.installed",
    "Case": "threshold.core.model.case",
    "Comparison": "threshold.core.analysis.compare_model",
    "Replay": "threshold.core.analysis.replay",
    "Form": "threshold.core.forms.evaluate",
    "FormOutput": "threshold.core.render.form_output",
    "Consent": "threshold.plugins.ddscp.names",  # the DDSCP's names, kept for old code
    "DecisionRecord": "threshold.core.model.guidance",
    "EarlyHelpAssessment": "threshold.plugins.ddscp.names",  # the DDSCP's names, kept for old code
    "Guidance": "threshold.core.model.guidance",
    "Referrer": "threshold.core.model.enums",
    "Route": "threshold.plugins.ddscp.names",  # the DDSCP's names, kept for old code
    "Setting": "threshold.plugins.ddscp.names",  # the DDSCP's names, kept for old code
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
        The guidance (route, contacts in the order to use them, steps, consent, what to
        record, citations); ``to_dict()`` gives ``schemas/guidance.schema.json`` data.

    Raises:
        CaseError: the case is not valid; ``errors`` names each field.
        UnknownAuthorityError: no installed plugin has this authority (an AuthorityError).
        AuthorityError: the authority's plugin is broken.

        Each error's ``urgent`` still says who to ring when the case raised an
        urgent flag (and says 999 when the authority could not be used).
    """
    route_case = _ROUTE[0] if _ROUTE else _load_route()
    try:
        return route_case(case, authority, record=record)
    except Exception as exc:
        from threshold.core.model.errors import ThresholdError

        if isinstance(exc, ThresholdError):
            _add_urgent(exc, case, authority)
        raise


#: The engine's route function, once loaded (an import statement on every call
#: costs more than a tenth of a decision).
_ROUTE: list[Callable[..., Guidance]] = []


def _load_route() -> Callable[..., Guidance]:
    from threshold.core.engine.api import route as route_case

    _ROUTE.append(route_case)
    return route_case


def _add_urgent(exc: ThresholdError, raw: object, authority: str | None) -> None:
    """Set ``exc.urgent``: who to ring, when the input ``raw`` (a case, valid or not,
    or a referral's urgent answers) raised an urgent flag or the authority could not
    be used."""
    from threshold.core.interfaces.failures import error_info
    from threshold.core.model.case import Case
    from threshold.core.model.converter import case_to_dict

    data = case_to_dict(raw) if isinstance(raw, Case) else raw
    exc.urgent = error_info(exc, data, authority).urgent


def form(
    authority: str,
    *,
    case: Case | Mapping[str, object] | None = None,
    form: str | None = None,
    format: str = "json-schema",
) -> FormOutput:
    """Return a referral form: the one named ``form``, or else the written form of
    the case's route; what the case gives is filled in (only the fields given: a
    default is never presented as a fact).

    Args:
        authority: An authority id from :func:`authorities`.
        case: A :class:`Case` (its fields that differ from the defaults count as
            given) or a dict as in ``schemas/case.schema.json``.
        form: A form id (``"derbyshire-request-for-support"``); by default the form
            of the case's route.
        format: ``"json-schema"`` (of the answers), ``"fhir"`` (an R4
            Questionnaire), ``"html"`` (GOV.UK style) or ``"markdown"``.

    Returns:
        The form output: ``text`` (as ``threshold form`` prints it), ``data`` (the
        JSON document for json-schema and fhir), ``form`` (the :class:`Form`
        model), ``prefilled``, ``route`` and ``note``.

    Raises:
        CaseError: the case is not valid.
        AuthorityError: the authority is unknown (UnknownAuthorityError) or broken.
        FormError: no such form or format, or the case's route has no written form
            (``route`` says which route; the message says what to do instead).
    """
    from threshold.core.model.errors import ThresholdError
    from threshold.core.render.form_output import make_form

    try:
        return make_form(authority, case=case, form_id=form, fmt=format)
    except ThresholdError as exc:
        _add_urgent(exc, case, authority)
        raise


def validate(authority: str, form: str, answers: Mapping[str, object]) -> list[FieldError]:
    """Check a filled referral (``answers`` by item id) against form ``form`` of
    ``authority``; return one :class:`FieldError` per problem, in form order (empty
    when valid). ``path`` is the item id; messages never repeat an answer.

    Raises:
        CaseError: ``answers`` is not a dict.
        AuthorityError: the authority is unknown or broken.
        FormError: the authority has no such form.
    """
    from threshold.core.forms.evaluate import validate as check

    return check(_referral_form(authority, form, answers), answers)


def missing(authority: str, form: str, answers: Mapping[str, object]) -> list[str]:
    """Return the ids of the required questions shown for ``answers`` that have no
    answer, in form order (what to ask next). Raises as :func:`validate`."""
    from threshold.core.forms.evaluate import missing as unanswered

    return unanswered(_referral_form(authority, form, answers), answers)


def _referral_form(authority: str, form_id: str, answers: object) -> Form:
    from collections.abc import Mapping

    from threshold.core.forms.referrals import referral_flags
    from threshold.core.io.schemas import describe_value
    from threshold.core.model.errors import CaseError, FieldError, ThresholdError
    from threshold.core.plugins.registry import default_registry

    try:
        if not isinstance(answers, Mapping):
            expected = "expected a dict of answers by item id"
            raise CaseError([FieldError("answers", f"got {describe_value(answers)}; {expected}")])
        return default_registry().form(authority, form_id)
    except ThresholdError as exc:
        _add_urgent(exc, referral_flags(answers), authority)
        raise


def compare(*authorities: str, differences_only: bool = False) -> Comparison:
    """Compare two or more authorities side by side: their contacts by purpose, and
    each one's route for every combination of the case fields that change a route
    (3,840), grouped into readable rows, with the source of every rule.

    ``to_dict()`` gives ``schemas/compare.schema.json`` data. With
    ``differences_only``, only the contacts and scenarios that differ are kept.

    Raises:
        CaseError: fewer than two authorities, or one named twice.
        AuthorityError: an authority is unknown (UnknownAuthorityError) or broken.
    """
    from threshold.core.analysis.compare import compare as build
    from threshold.core.model.errors import ThresholdError
    from threshold.core.plugins.registry import default_registry

    try:
        return build(default_registry(), authorities, differences_only=differences_only)
    except ThresholdError as exc:
        _add_urgent(exc, None, None)
        raise


def replay(record: Mapping[str, object]) -> Replay:
    """Replay a decision record (``guidance.record.to_dict()``, as stored) with the
    version of the authority's data named in it: whether it reproduces exactly (the
    same id), what differs and why, and whether the version in force today would
    route its case differently. ``to_dict()`` gives ``schemas/replay.schema.json`` data.

    Raises:
        CaseError: it is not a decision record (each field named).
        AuthorityError: its authority is unknown (UnknownAuthorityError) or broken.
    """
    from threshold.core.analysis.replay import replay as replay_record
    from threshold.core.plugins.registry import default_registry

    return replay_record(record, default_registry())


def authorities() -> AuthorityList:
    """Return the installed authorities (sorted by id) and any broken plugins;
    ``to_dict()`` gives ``schemas/authorities.schema.json`` data."""
    from threshold.core.plugins.installed import list_authorities
    from threshold.core.plugins.registry import default_registry

    return list_authorities(default_registry())


def schema_names() -> tuple[str, ...]:
    """Return the names of the published JSON Schemas (``"case"``, ``"guidance"``, ...)."""
    from threshold.core.io.schemas import SCHEMA_NAMES

    return SCHEMA_NAMES


def schema(name: str, *, authority: str | None = None) -> dict[str, Any]:
    """Return a copy of the published JSON Schema ``name`` (draft 2020-12, with
    ``$id`` and ``x-version``).

    With ``authority``, return that authority's own case schema (``name`` must be
    ``"case"``): the urgent part every authority shares and the authority's own
    questions, each with its answers, anything else refused. It is made from the
    same field table the case reader uses, so it accepts exactly the cases
    :func:`route` accepts (but for ``at``, which must also be a real time in range).

    Raises:
        ThresholdError: no published schema has this name, or ``authority`` is
            given for a schema other than ``"case"``.
        AuthorityError: the authority is unknown (UnknownAuthorityError) or broken.
    """
    import copy

    from threshold.core.io.schemas import schema as load

    if authority is None:
        return copy.deepcopy(load(name))
    from threshold.core.io.case_schema import case_schema
    from threshold.core.model.errors import ThresholdError
    from threshold.core.plugins.registry import default_registry

    if name != "case":
        load(name)  # an unknown name is that error first
        raise ThresholdError(
            f"authority: only the case schema is made per authority; expected name 'case', "
            f"or no authority for {name!r}"
        )
    return case_schema(default_registry().get(authority).authority)
