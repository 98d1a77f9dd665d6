"""Loading referral forms from data files: validated, shared sections resolved,
placeholders filled, level choices made from the authority's levels, references
checked, then structured.

A form file (TOML or JSON) is validated against ``schemas/form.schema.json``.
A section ``{use = "consent"}`` is the shared section of that id: the policy
pack's (a library file of the pack, given to threshold as ``common_sections``)
or, where the pack has none of that id, the core's neutral one
(``core/forms/common_sections.toml``: common practice only, citing no
authority's documents). An item ``choices_from = "levels"`` asks for one of
the authority's levels, by its names. Texts may use placeholders: the
authority's contacts by purpose (``{child_protection_line}``, ...) and
``{follow_up_deadline}``, the written follow-up of a child protection call as
the authority's own route states it.

Then what a schema cannot check (``core/forms/checks.py``). A problem is a
DataError naming the file, the field and what is expected.
"""

from __future__ import annotations

import copy
import string
import tomllib
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cattrs

from threshold.core.engine.plan import plan_facts
from threshold.core.engine.wording import contact_placeholders
from threshold.core.forms.checks import check_form
from threshold.core.io.loading import read_data_file
from threshold.core.io.parse import parse_case
from threshold.core.io.schemas import field_errors, schema
from threshold.core.model.authority import Authority
from threshold.core.model.converter import converter
from threshold.core.model.enums import Kind, QuestionType
from threshold.core.model.errors import DataError, FieldError
from threshold.core.model.forms import Form
from threshold.core.model.vocabulary import PLACEHOLDER_PURPOSE

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

COMMON_FILE = "common_sections.toml"


#: The fields whose text may hold placeholders.
TEXT_FIELDS = frozenset({"label", "hint", "intro", "title", "summary"})

#: The placeholder for the written follow-up of a child protection call.
FOLLOW_UP_DEADLINE = "follow_up_deadline"

#: Placeholders a form's texts may use: the authority's contacts, by purpose, and
#: the deadline of the written follow-up.
FORM_PLACEHOLDERS = frozenset({*PLACEHOLDER_PURPOSE, FOLLOW_UP_DEADLINE})

#: The choices an item may take from the authority's data (``choices_from``).
LEVELS = "levels"


def follow_up_deadline(authority: Authority) -> str:
    """The written follow-up of a child protection phone call, in one sentence, as
    the authority's route of kind ``child-protection`` gives it to a professional
    (a route's ``follow_up``: its hours, or that the sources do not say)."""
    case = parse_case({"significant_harm": True}, authority)
    plan = plan_facts(authority, case.facts())
    if plan.route.kind is not Kind.CHILD_PROTECTION:  # pragma: no cover - precedence is fixed
        raise AssertionError("significant harm must take the child-protection route")
    follow = plan.single.get("follow_up")
    if not follow:
        return "The sources do not say that the call is followed up in writing."
    if follow["within_hours"] is None:
        return "Follow the call up in writing; the sources do not say how soon."
    return f"Follow the call up in writing within {follow['within_hours']} hours."


def form_placeholders(authority: Authority) -> dict[str, str]:
    """The values of the placeholders a form's texts may use, for ``authority``."""
    return {**contact_placeholders(authority), FOLLOW_UP_DEADLINE: follow_up_deadline(authority)}


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # lazy: ~250 ms, only when a form loads

    root = schema("form")
    if definition is None:
        return Draft202012Validator(root)
    return Draft202012Validator(
        {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": f"#/$defs/{definition}"}
    )


def _read_library(source: str, text: str) -> dict[str, dict[str, Any]]:
    """Shared sections from a library file's text, by id, validated."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(source, [FieldError("", f"not valid TOML: {exc}")]) from None
    errors = field_errors(_validator("library").iter_errors(data))
    if errors:
        raise DataError(source, errors)
    sections: dict[str, dict[str, Any]] = {}
    for index, section in enumerate(data["sections"]):
        if section["id"] in sections:
            raise DataError(
                source, [FieldError(f"sections[{index}].id", f"duplicate id {section['id']!r}")]
            )
        sections[section["id"]] = section
    return sections


def _core_library_text() -> str:
    """The text of the core's shared sections file, as installed."""
    return resources.files("threshold.core.forms").joinpath(COMMON_FILE).read_text("utf-8")


@cache
def core_sections() -> dict[str, dict[str, Any]]:
    """Return the core's neutral shared sections (``core/forms/common_sections.toml``)
    by id, validated. They are common practice only: a citation in them is an error,
    for the core cites no authority's documents."""
    source = f"threshold.core.forms/{COMMON_FILE}"
    sections = _read_library(source, _core_library_text())
    cited = [
        FieldError(f"sections[{index}]{where}.cite", "the core's sections cite no document")
        for index, section in enumerate(sections.values())
        for where, node in [("", section), *_nodes(section.get("items", []), "")]
        if "cite" in node
    ]
    if cited:
        raise DataError(source, cited)
    return sections


def _nodes(items: list[dict[str, Any]], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for index, item in enumerate(items):
        here = f"{path}.items[{index}]"
        yield here, item
        yield from _nodes(item.get("items", []), here)


_PACK_SECTIONS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}


def pack_sections(path: Path) -> dict[str, dict[str, Any]]:
    """Return a policy pack's shared sections (a library file, validated against
    ``schemas/form.schema.json`` ``$defs/library``) by id; read once per content.

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(str(path), [FieldError("", f"cannot read: {exc}")]) from None
    key = (str(path), text)
    if key not in _PACK_SECTIONS:
        _PACK_SECTIONS[key] = _read_library(str(path), text)
    return _PACK_SECTIONS[key]


def shared_sections(common: Path | None = None) -> dict[str, dict[str, Any]]:
    """The shared sections a form may use, by id: the core's neutral ones, each
    replaced by the pack's section of the same id (``common``: the pack's library
    file, or None for none)."""
    if common is None:
        return core_sections()
    return {**core_sections(), **pack_sections(common)}


def _resolve(
    data: dict[str, Any], shared: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[FieldError]]:
    """The form with its shared sections in place, and errors."""
    resolved = copy.deepcopy(data)
    errors = []
    sections: list[dict[str, Any]] = []
    for index, section in enumerate(resolved["sections"]):
        if "use" in section:
            if section["use"] not in shared:
                errors.append(
                    FieldError(
                        f"sections[{index}].use",
                        f"unknown shared section {section['use']!r}; expected one of: "
                        + ", ".join(sorted(shared)),
                    )
                )
                continue
            section = copy.deepcopy(shared[section["use"]])
        sections.append(section)
    resolved["sections"] = sections
    return resolved, errors


def _level_choices(data: dict[str, Any], authority: Authority) -> dict[str, Any]:
    """The form with each ``choices_from = "levels"`` item given the authority's
    levels as its choices (and, unless it names one, its level question as prefill)."""
    level_question = next((q.id for q in authority.questions if q.type is QuestionType.LEVEL), None)
    choices = [
        {"value": str(level.number), "label": f"Level {level.number} \u2013 {level.name}"}
        for level in authority.levels
    ]

    def visit(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.pop("choices_from", None) == LEVELS:
                item["choices"] = copy.deepcopy(choices)
                if "prefill" not in item and level_question is not None:
                    item["prefill"] = level_question
            visit(item.get("items", []))

    for section in data["sections"]:
        visit(section["items"])
    return data


def _fill_texts(value: Any, values: dict[str, str], path: str, errors: list[FieldError]) -> Any:
    if isinstance(value, dict):
        filled = {}
        for key, sub in value.items():
            here = f"{path}.{key}" if path else key
            if key in TEXT_FIELDS and isinstance(sub, str):
                filled[key] = _fill_one(sub, values, here, errors)
            else:
                filled[key] = _fill_texts(sub, values, here, errors)
        return filled
    if isinstance(value, list):
        return [_fill_texts(sub, values, f"{path}[{i}]", errors) for i, sub in enumerate(value)]
    return value


def _fill_one(text: str, values: dict[str, str], path: str, errors: list[FieldError]) -> str:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        errors.append(FieldError(path, f"bad placeholder: {exc}"))
        return text
    unknown = sorted(names - FORM_PLACEHOLDERS)
    if unknown:
        errors.append(
            FieldError(
                path,
                f"unknown placeholder {{{unknown[0]}}}; expected one of: "
                + ", ".join(sorted(FORM_PLACEHOLDERS)),
            )
        )
        return text
    return text.format_map(values) if names else text


def load_form(path: Path, authority: Authority, common_sections: Path | None = None) -> Form:
    """Load one form file for ``authority``; its shared sections come from the pack's
    library file ``common_sections`` (if given) and the core's neutral ones.

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    data = read_data_file(path)
    errors = field_errors(_validator(None).iter_errors(data))
    if errors:
        raise DataError(str(path), errors)
    resolved, errors = _resolve(data, shared_sections(common_sections))
    if not errors:
        resolved = _fill_texts(resolved, form_placeholders(authority), "", errors)
        resolved = _level_choices(resolved, authority)
    errors = errors or check_form(resolved, authority)
    if errors:
        raise DataError(str(path), errors)
    try:
        return converter.structure(resolved, Form)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these
        raise DataError(
            str(path), [FieldError("", m) for m in cattrs.transform_error(exc)]
        ) from None


def load_forms(
    directory: Path, authority: Authority, common_sections: Path | None = None
) -> list[Form]:
    """Load every ``*.toml`` and ``*.json`` form in ``directory``, sorted by file name;
    shared sections come from the pack's ``common_sections`` file (if given) and the
    core's neutral ones."""
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".toml", ".json"))
    return [load_form(path, authority, common_sections) for path in paths]
