"""The forms part of ``threshold check``: an authority's referral forms load, are
for its own routes, offer its own levels and cite only its own documents.

Forms read from data files are checked when they load (``core/forms/loading.py``);
a plugin may also build :class:`~threshold.core.model.forms.Form` objects in
Python, so the same facts are checked here on the forms as registered, whatever
built them. Each finding names the form and the item or field.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from threshold.core.model.authority import Authority
from threshold.core.model.enums import QuestionType
from threshold.core.model.errors import AuthorityError
from threshold.core.model.forms import Form, Item, SourceRef
from threshold.core.plugins.registry import Registry


@attrs.frozen
class FormFinding:
    """One problem with a form (always an error: a form that misleads is wrong)."""

    severity: str
    where: str
    message: str


def level_choices(authority: Authority) -> list[tuple[str, str]]:
    """The (value, label) pairs an item asking for a level must offer: the
    authority's own levels, by number and name."""
    return [
        (str(level.number), f"Level {level.number} \u2013 {level.name}")
        for level in authority.levels
    ]


def _level_question(authority: Authority) -> str | None:
    return next((q.id for q in authority.questions if q.type is QuestionType.LEVEL), None)


def _citations(form: Form) -> Iterator[tuple[str, SourceRef]]:
    for index, ref in enumerate(form.cite):
        yield f"cite[{index}]", ref
    for section in form.sections:
        for index, ref in enumerate(section.cite):
            yield f"sections.{section.id}.cite[{index}]", ref
    for item in form.items():
        for index, ref in enumerate(item.cite):
            yield f"items.{item.id}.cite[{index}]", ref


def _asks_for_a_level(item: Item, level_question: str | None) -> bool:
    """An item prefilled from the level question, or whose choices are worded as levels."""
    if not item.choices:
        return False
    if level_question is not None and item.prefill == level_question:
        return True
    return all(choice.label.startswith("Level ") for choice in item.choices)


def check_form(authority: Authority, form: Form) -> list[FormFinding]:
    """The problems of one form of ``authority``."""
    found: list[FormFinding] = []
    where = f"{authority.id}: forms.{form.id}"
    for index, route in enumerate(form.routes):
        if route not in authority.routes:
            found.append(
                FormFinding(
                    "error",
                    f"{where}.routes[{index}]",
                    f"unknown route {route!r}; expected one of: " + ", ".join(authority.routes),
                )
            )
    seeds = {document.seed for document in authority.documents}
    for field, ref in _citations(form):
        if ref.seed not in seeds:
            found.append(
                FormFinding(
                    "error",
                    f"{where}.{field}.seed",
                    f"cites {ref.seed!r}, which is not one of {authority.id}'s documents; "
                    "expected one of: " + ", ".join(sorted(seeds)),
                )
            )
    expected = level_choices(authority)
    level_question = _level_question(authority)
    for item in form.items():
        if not _asks_for_a_level(item, level_question):
            continue
        offered = [(choice.value, choice.label) for choice in item.choices]
        if offered != expected:
            found.append(
                FormFinding(
                    "error",
                    f"{where}.items.{item.id}.choices",
                    "the level choices are not the authority's levels; expected: "
                    + "; ".join(label for _, label in expected)
                    + ' (use choices_from = "levels")',
                )
            )
    return found


def check_forms(registry: Registry, authority_id: str) -> list[FormFinding]:
    """The problems of every referral form of ``authority_id`` (none if it has no forms)."""
    try:
        authority = registry.get(authority_id).authority
        forms = registry.forms(authority_id)
    except AuthorityError as exc:
        return [FormFinding("error", f"{authority_id}: forms", str(exc))]
    return [finding for form in forms for finding in check_form(authority, form)]
