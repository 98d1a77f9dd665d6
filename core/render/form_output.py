"""A referral form for a case (or named by id) in one of four formats: what
``threshold form``, :func:`threshold.form` and ``GET /forms/{authority}/{form}`` give.

The form is the written form of the case's route (``Registry.form_for_route``),
or the one named. What the case says is filled in, from the fields given only (a
default is not a fact; :mod:`threshold.core.forms.prefill`). The output is a JSON
Schema of the answers, a FHIR R4 Questionnaire, GOV.UK-style HTML or Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from threshold.core.engine.api import route as route_case
from threshold.core.engine.urgent import child_protection_line, urgent_advice
from threshold.core.engine.wording import contact_placeholders
from threshold.core.forms.evaluate import validate
from threshold.core.forms.prefill import case_facts, prefill
from threshold.core.io.parse import check_case, parse_case
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.converter import case_to_dict
from threshold.core.model.enums import URGENT_KINDS
from threshold.core.model.errors import FormError
from threshold.core.model.fields import case_fields
from threshold.core.model.forms import Form
from threshold.core.model.guidance import Guidance
from threshold.core.model.vocabulary import (
    FORM_FORMATS,
    FORM_MEDIA_TYPES,
    FORM_TEXT_FORMATS,
    NATIONAL_URGENT,
)
from threshold.core.plugins.registry import Registry, default_registry
from threshold.core.render.environment import policy_line
from threshold.core.render.fhir import to_fhir
from threshold.core.render.forms_html import RouteInfo, render_form
from threshold.core.render.json_schema import to_json_schema


@attrs.frozen
class FormOutput:
    """A referral form, made for a case, in one format.

    Attributes:
        form: The form itself (``threshold.Form``: its sections and items).
        format: "json-schema", "html", "markdown" or "fhir".
        text: The form in that format, exactly as ``threshold form`` prints it.
        data: The JSON document for "json-schema" and "fhir", else None.
        prefilled: The answers the case filled in, by item id.
        route: The case's route when the form was chosen by it, else None.
        note: For the written follow-up of an urgent phone call, the reminder to
            ring first (with the urgent advice), else None.
    """

    form: Form
    format: str
    text: str
    data: dict[str, Any] | None
    prefilled: dict[str, Any]
    route: RouteInfo | None
    note: str | None

    @property
    def media_type(self) -> str:
        """The output's media type ("application/fhir+json", "text/html", ...)."""
        return FORM_MEDIA_TYPES[self.format]


def given_fields(case: object, authority: Authority) -> set[str]:
    """The case fields the user gave: a dict's keys, or the fields of a
    :class:`Case` that differ from their defaults in ``authority`` (a default is
    not a fact): its urgent part, and its answers to the authority's questions."""
    if isinstance(case, Case):
        given = {
            field.name
            for field in attrs.fields(Case)
            if field.name != "answers" and getattr(case, field.name) != field.default
        }
        defaults = {f.name: f.default for f in case_fields(authority)}
        answered = {
            name
            for name, value in case.answers
            if name in defaults and not _same(value, defaults[name])
        }
        return given | answered
    return set(case) if isinstance(case, Mapping) else set()


def _same(value: object, other: object) -> bool:
    return type(value) is type(other) and value == other


def make_form(
    authority_id: str,
    *,
    case: object = None,
    form_id: str | None = None,
    fmt: str = "json-schema",
    answers: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    page: Mapping[str, Any] | None = None,
) -> FormOutput:
    """Return the form ``form_id`` of an authority, or the written form of the
    case's route, with what the case gives filled in, in format ``fmt``.

    ``case`` is a :class:`Case`, or case data as in ``schemas/case.schema.json``
    (validated here), or None for no case.

    ``answers`` (a filled referral; html and markdown only) are shown in the
    form with their errors. ``page`` (html only) makes it a page of the web tool
    (:func:`threshold.core.render.forms_html.render_form`).

    Raises:
        CaseError: the case is not valid.
        AuthorityError: the authority is unknown, or its plugin (or its forms) broken.
        FormError: an unknown form or format, or the case's route has no written
            form (``route`` is then that route; the message says what to do).
    """
    if fmt not in FORM_FORMATS:
        raise FormError(authority_id, f"unknown format; expected one of: {', '.join(FORM_FORMATS)}")
    if answers is not None and fmt not in FORM_TEXT_FORMATS:
        raise FormError(authority_id, "answers are shown only in the html and markdown formats")
    raw: object = {} if case is None else case
    registry = registry or default_registry()
    authority = registry.get(authority_id).authority
    parsed = check_case(raw, authority) if isinstance(raw, Case) else parse_case(raw, authority)
    route = None
    guidance = None
    if form_id is not None:
        chosen = registry.form(authority_id, form_id)
    else:
        chosen, route, guidance = _form_of_route(parsed, authority_id, registry)
    prefilled = prefill(chosen, case_facts(parsed, given_fields(raw, authority), authority))
    note = (
        _urgent_note(raw, authority_id, registry, guidance)
        if guidance is not None and guidance.kind in URGENT_KINDS
        else None
    )
    if fmt in FORM_TEXT_FORMATS:
        text = _render(chosen, fmt, authority, prefilled, answers, route, page)
        return FormOutput(chosen, fmt, text, None, prefilled, route, note)
    data = to_fhir(chosen, prefilled) if fmt == "fhir" else to_json_schema(chosen, prefilled)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return FormOutput(chosen, fmt, text, data, prefilled, route, note)


def _form_of_route(
    case: Case, authority_id: str, registry: Registry
) -> tuple[Form, RouteInfo, Guidance]:
    """The written form of the case's route, the route, and the guidance.

    Raises:
        FormError: the route has no written form (``route`` is then the route).
    """
    guidance = route_case(case, authority_id, registry=registry)
    found = registry.form_for_route(authority_id, guidance.route)
    if found is None:
        names = ", ".join(f.id for f in registry.forms(authority_id)) or "none"
        raise FormError(
            authority_id,
            f"the route for this case is {guidance.route!r} ({guidance.summary}) "
            "The sources give no written form for this route, so none is made up; see "
            f"`threshold route` for what to do. Forms of {authority_id}: {names}. "
            f"{NATIONAL_URGENT}",
            route=guidance.route,
        )
    return found, RouteInfo(guidance.route, guidance.route_title, guidance.summary), guidance


def _urgent_note(raw: object, authority_id: str, registry: Registry, guidance: Guidance) -> str:
    """The reminder that goes with the written follow-up of an urgent phone call:
    its deadline (from the route) and who to ring first."""
    flags = case_to_dict(raw) if isinstance(raw, Case) else raw
    advice = urgent_advice(flags, authority_id, registry)
    follow_up = guidance.follow_up
    due = (
        f", due within {follow_up.within_hours} hours of the phone call"
        if follow_up is not None and follow_up.within_hours
        else ""
    )
    note = f"this is the written follow-up{due}; ring first"
    if advice:
        return f"{note} — {advice}."
    # an urgent route the decision table chose (no urgent flag raised): still say who
    line = child_protection_line(authority_id, registry)
    return f"{note} — ring {line} now." if line else note


def _render(
    form: Form,
    fmt: str,
    authority: Authority,
    prefilled: dict[str, Any],
    answers: Mapping[str, Any] | None,
    route: RouteInfo | None,
    page: Mapping[str, Any] | None = None,
) -> str:

    values: dict[str, Any] = dict(prefilled)
    errors = []
    if answers is not None:
        values.update(answers)
        errors = validate(form, values)
    cp_line = contact_placeholders(authority)["child_protection_line"]
    urgent_line = (
        f"If a child is in immediate danger, ring 999. For a child protection concern, ring "
        f"{cp_line} now: a form never replaces the call."
    )

    return render_form(
        form,
        fmt,
        authority_name=authority.name,
        urgent_line=urgent_line,
        values=values,
        prefilled=frozenset(k for k in prefilled if values.get(k) == prefilled[k]),
        errors=errors,
        route=route,
        policies=[policy_line(authority)],
        page=page,
        authority=authority,
    )
