"""A form as a GOV.UK-style HTML page or a Markdown fill-in document.

The templates (``templates/form.html.j2``, ``templates/form.md.j2``, and the
shared ``templates/govuk/`` layout and macros) get a plain view of the form,
built here: every item with its answer (from the case or a referral), the
condition in words ("Only if ..."), and for HTML a CSS rule that reveals a
conditional item when the answer it depends on is checked. That needs no
JavaScript: it is ``:has()`` in CSS, inside ``@supports``, so a browser without
it shows every item with its "Only if" note instead of hiding any.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from threshold.core.engine.wording import DISCLAIMER
from threshold.core.forms.evaluate import check_answer, shown
from threshold.core.model.authority import Authority
from threshold.core.model.errors import FieldError
from threshold.core.model.forms import (
    Choice,
    Form,
    FormCondition,
    Item,
    ItemType,
    Mode,
    Op,
    Section,
    SourceRef,
    Test,
)
from threshold.core.render.environment import render
from threshold.core.render.html_text import readable_citation


@attrs.frozen
class RouteInfo:
    """Why this form: the route the case was given, and its summary."""

    route: str
    title: str
    summary: str


# ----------------------------------------------------------------------------- ids


def option_id(item: Item, value: str | bool) -> str:
    """The HTML id of one radio option: the item id for the first option (so an
    error link ``#item`` lands on it), ``item--value`` for the others."""
    values = _option_values(item)
    key = _option_value(value)
    return item.id if key == values[0] else f"{item.id}--{key}"


def _option_value(value: str | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _option_values(item: Item) -> list[str]:
    if item.type is ItemType.YES_NO:
        return ["yes", "no"]
    return [choice.value for choice in item.choices]


# ----------------------------------------------------------------------------- words


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _value_words(item: Item, value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choice = item.choice(value)
    return choice.label if choice else str(value)


def describe_test(form: Form, test: Test) -> str:
    """One condition test in words."""
    item = form.item(test.item)
    label = _quoted(item.label)
    if test.op is Op.ANSWERED:
        return f"you answered {label}"
    if test.op is Op.NOT_ANSWERED:
        return f"you did not answer {label}"
    if test.op is Op.IN:
        assert isinstance(test.value, tuple)
        values = " or ".join(_quoted(_value_words(item, v)) for v in test.value)
        return f"you answered {values} to {label}"
    words = _quoted(_value_words(item, test.value))
    if test.op is Op.NOT_EQUALS:
        return f"you answered {label} with something other than {words}"
    return f"you answered {words} to {label}"


def describe(form: Form, condition: FormCondition | None) -> str | None:
    """A condition in words: "Only if you answered “Yes” to “…”", or None."""
    if condition is None:
        return None
    joiner = " and " if condition.mode is Mode.ALL else " or "
    return "Only if " + joiner.join(describe_test(form, t) for t in condition.tests) + "."


def source_text(
    cite: Sequence[SourceRef], source: str | None, authority: Authority | None = None
) -> str:
    """Where an item comes from, in words: given the authority, each source as a
    reader names it (the document's short title or its title and date, then the
    section); without it, the source's file name and its section."""
    if cite and authority is not None:
        plain = ({"seed": ref.seed, "section": ref.section} for ref in cite)
        return "; ".join(dict.fromkeys(readable_citation(authority, c) for c in plain))
    if cite:
        return "; ".join(f"{ref.seed}, \u201c{ref.section}\u201d" for ref in cite)
    if source == "common-practice":
        return "common practice in multi-agency referral forms (the sources do not name it)"
    return "not stated"


# ----------------------------------------------------------------------------- CSS


def _test_selector(form: Form, test: Test) -> str | None:
    item = form.item(test.item)
    if item.type not in (ItemType.YES_NO, ItemType.CHOICE):
        return None
    checked = f"input[name={item.id}]:checked"
    if test.op is Op.ANSWERED:
        return f":has({checked})"
    if test.op is Op.NOT_ANSWERED:
        return f":not(:has({checked}))"
    if test.op is Op.IN:
        assert isinstance(test.value, tuple)
        ids = ", ".join("#" + option_id(item, v) for v in test.value)
        return f":has(:is({ids}):checked)"
    assert isinstance(test.value, str | bool)
    target = "#" + option_id(item, test.value)
    if test.op is Op.NOT_EQUALS:
        return f":has({checked}:not({target}))"
    return f":has({target}:checked)"


def condition_selector(form: Form, condition: FormCondition) -> str | None:
    """A compound selector for the ``<form>`` that matches when ``condition``
    holds for the checked radios, or None when CSS cannot tell (text answers)."""
    parts = [_test_selector(form, test) for test in condition.tests]
    if any(part is None for part in parts):
        return None
    found = [p for p in parts if p is not None]
    if condition.mode is Mode.ALL or len(found) == 1:
        return "".join(found)
    return ":is(" + ", ".join(found) + ")"


# ----------------------------------------------------------------------------- view


def _answer_text(item: Item, value: object) -> str:
    if value is None:
        return ""
    if item.type is ItemType.ATTACHMENT and isinstance(value, dict):
        return str(value.get("title", ""))
    if item.type is ItemType.DATE and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value
    if isinstance(value, bool) or item.choice(value) is not None:
        return _value_words(item, value)
    return value if isinstance(value, str) else ""


def _field_value(item: Item, value: object) -> str:
    """The value to put back in an input: only a valid string answer."""
    if item.type in (ItemType.TEXT, ItemType.LONG_TEXT, ItemType.DATE) and isinstance(value, str):
        return value
    return ""


def _choices(item: Item, value: object) -> list[dict[str, Any]]:
    options: list[tuple[str | bool, Choice]]
    if item.type is ItemType.YES_NO:
        options = [(True, Choice("yes", "Yes")), (False, Choice("no", "No"))]
    else:
        options = [(c.value, c) for c in item.choices]
    return [
        {
            "id": option_id(item, key),
            "value": choice.value,
            "label": choice.label,
            "hint": choice.hint,
            "checked": type(value) is type(key) and value == key,
        }
        for key, choice in options
    ]


@attrs.define
class _Builder:
    form: Form
    values: Mapping[str, Any]
    prefilled: frozenset[str]
    errors: dict[str, str]
    authority: Authority | None = None
    css: list[str] = attrs.field(factory=list)

    def conditional(self, node_id: str, condition: FormCondition | None) -> bool:
        if condition is None:
            return False
        selector = condition_selector(self.form, condition)
        if selector is None:
            return False
        self.css.append(f".threshold-form{selector} #{node_id}")
        return True

    def item(self, item: Item, number: str) -> dict[str, Any]:
        value = self.values.get(item.id)
        wrapper = f"{item.id}--when"
        return {
            "id": item.id,
            "number": number,
            "type": item.type.value,
            "label": item.label,
            "hint": item.hint,
            "required": item.required,
            "when": describe(self.form, item.shown_when),
            "wrapper": wrapper,
            "hidden_by_css": self.conditional(wrapper, item.shown_when),
            "value": _field_value(item, value),
            "answer": _answer_text(item, value),
            "lines": _answer_text(item, value).splitlines() if value is not None else [],
            "answered": value is not None,
            "valid": value is not None and check_answer(item, value) is None,
            "prefilled": item.id in self.prefilled,
            "choices": _choices(item, value) if item.type in _RADIOS else [],
            "error": self.errors.get(item.id),
            "source": source_text(item.cite, item.source, self.authority),
            "items": [
                self.item(child, f"{number}.{index}") for index, child in enumerate(item.items, 1)
            ],
        }

    def section(self, section: Section, number: int) -> dict[str, Any]:
        return {
            "id": section.id,
            "number": number,
            "title": section.title,
            "intro": section.intro,
            "when": describe(self.form, section.shown_when),
            "hidden_by_css": self.conditional(section.id, section.shown_when),
            "source": source_text(section.cite, section.source, self.authority),
            "items": [
                self.item(item, f"{number}.{index}") for index, item in enumerate(section.items, 1)
            ],
        }


_RADIOS = (ItemType.YES_NO, ItemType.CHOICE)


def _summary(form: Form, values: Mapping[str, Any], built: list[dict[str, Any]]) -> list[Any]:
    """The "check your answers" rows: shown questions, by shown section."""
    visible = shown(form, values)
    rows = []
    for section in built:
        if section["id"] not in visible:
            continue
        questions = [
            item
            for item in _flatten(section["items"])
            if item["id"] in visible and item["type"] not in ("group", "display")
        ]
        if questions:
            rows.append({"title": section["title"], "items": questions})
    return rows


def _flatten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        found.append(item)
        found += _flatten(item["items"])
    return found


def form_view(
    form: Form,
    *,
    values: Mapping[str, Any],
    prefilled: frozenset[str] = frozenset(),
    errors: Sequence[FieldError] = (),
    authority: Authority | None = None,
) -> dict[str, Any]:
    """The plain data the templates render: sections, items, CSS, summary, errors;
    given the ``authority``, sources are cited by the names a reader knows them by."""
    by_item: dict[str, str] = {}
    for error in errors:
        by_item.setdefault(error.path, error.message)
    builder = _Builder(form, values, prefilled, by_item, authority)
    sections = [builder.section(s, n) for n, s in enumerate(form.sections, 1)]
    known = {item.id for item in form.items()}
    return {
        "id": form.id,
        "authority": form.authority,
        "title": form.title,
        "summary": form.summary,
        "source": source_text(form.cite, None, authority),
        "sections": sections,
        "css": builder.css,
        "summary_rows": _summary(form, values, sections),
        "errors": [{"id": e.path, "message": str(e), "link": e.path in known} for e in errors],
    }


def render_form(
    form: Form,
    fmt: str,
    *,
    authority_name: str,
    urgent_line: str,
    values: Mapping[str, Any] | None = None,
    prefilled: frozenset[str] = frozenset(),
    errors: Sequence[FieldError] = (),
    route: RouteInfo | None = None,
    policies: Sequence[str] = (),
    page: Mapping[str, Any] | None = None,
    authority: Authority | None = None,
) -> str:
    """Return ``form`` as ``html`` or ``markdown``, filled in with ``values``;
    ``policies`` (the policy document and its date, one line each) go in the footer.
    Given the ``authority``, "Where these questions come from" names each source as
    a reader knows it, not by its file name (the JSON and FHIR outputs keep that).
    ``page`` makes the HTML a page of the web tool: its shared layout, a back link
    (``back``) and the buttons that download what was typed (posted to ``action``);
    its ``layout`` holds what the web tool's layout reads (its stylesheets' addresses
    and footer links)."""
    view = form_view(
        form, values=values or {}, prefilled=prefilled, errors=errors, authority=authority
    )
    template = {"html": "form.html.j2", "markdown": "form.md.j2"}[fmt]
    text = render(
        template,
        f=view,
        authority_name=authority_name,
        urgent_line=urgent_line,
        route=route,
        disclaimer=DISCLAIMER,
        policies=list(policies),
        page=page,
        **(dict(page["layout"]) if page else {}),
    )
    if fmt == "markdown":
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text
