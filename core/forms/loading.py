"""Loading referral forms from data files: validated, shared sections resolved,
contact placeholders filled, references checked, then structured.

A form file (TOML or JSON) is validated against ``schemas/form.schema.json``.
A section ``{use = "consent"}`` is the shared section of that id from
``core/forms/common_sections.toml`` (the core's sections, shared by every authority).
Then what a schema cannot check: ids unique in the form, conditions testing
earlier questions with values of the right type (and expressible in FHIR's
``enableWhen``), prefills that fit their item, citations naming the
authority's seed documents. A problem is a DataError naming the file, the
field and what is expected.
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

from threshold.core.engine.wording import contact_placeholders
from threshold.core.io.loading import read_data_file
from threshold.core.io.schemas import field_errors, schema
from threshold.core.model.authority import Authority
from threshold.core.model.converter import converter
from threshold.core.model.errors import DataError, FieldError
from threshold.core.model.fields import PREFILL_TYPES as CASE_PREFILL_TYPES
from threshold.core.model.forms import Form

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

COMMON_FILE = "common_sections.toml"

#: Which item types each case fact (``prefill``) can fill: the case fields'
#: (from the field table), and whether a phone call comes first (an urgent case).
PREFILL_TYPES = {**CASE_PREFILL_TYPES, "phone_referral": "yes-no"}

#: The fields whose text may hold placeholders.
TEXT_FIELDS = frozenset({"label", "hint", "intro", "title", "summary"})

#: Placeholders a form's texts may use: the authority's contacts, by purpose.
FORM_PLACEHOLDERS = frozenset(
    {"child_protection_line", "advice_line", "out_of_hours_line", "online_referral", "public_line"}
)


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # lazy: ~250 ms, only when a form loads

    root = schema("form")
    if definition is None:
        return Draft202012Validator(root)
    return Draft202012Validator(
        {"$schema": root["$schema"], "$defs": root["$defs"], "$ref": f"#/$defs/{definition}"}
    )


@cache
def common_sections() -> dict[str, dict[str, Any]]:
    """Return the shared sections (``core/forms/common_sections.toml``) by id, validated."""
    source = f"threshold.core.forms/{COMMON_FILE}"
    text = resources.files("threshold.core.forms").joinpath(COMMON_FILE).read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - shipped data, tested
        raise DataError(source, [FieldError("", f"not valid TOML: {exc}")]) from None
    errors = field_errors(_validator("library").iter_errors(data))
    if errors:
        raise DataError(source, errors)
    sections = {}
    for index, section in enumerate(data["sections"]):
        if section["id"] in sections:
            raise DataError(
                source, [FieldError(f"sections[{index}].id", f"duplicate id {section['id']!r}")]
            )
        sections[section["id"]] = section
    return sections


def _resolve(data: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError], set[int]]:
    """The form with its shared sections in place, errors, and which sections are shared."""
    shared = common_sections()
    used: set[int] = set()
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
            used.add(len(sections))
        sections.append(section)
    resolved["sections"] = sections
    return resolved, errors, used


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


def _items(items: list[dict[str, Any]], path: str) -> Iterator[tuple[dict[str, Any], str]]:
    for index, item in enumerate(items):
        here = f"{path}.items[{index}]"
        yield item, here
        yield from _items(item.get("items", []), here)


def _check_condition(
    condition: dict[str, Any], path: str, earlier: dict[str, dict[str, Any]]
) -> list[FieldError]:
    errors = []
    (mode, tests), *_ = condition.items()
    for index, test in enumerate(tests):
        where = f"{path}.{mode}[{index}]"
        target = earlier.get(test["item"])
        if target is None:
            errors.append(
                FieldError(
                    f"{where}.item",
                    f"{test['item']!r} is not a question earlier in the form; expected the id "
                    "of a question that comes before this item",
                )
            )
            continue
        problem = _check_test_value(test, target)
        if problem:
            errors.append(FieldError(f"{where}.value", problem))
    problem = fhir_problem(mode, [t["op"] for t in tests], [t.get("value") for t in tests])
    if problem:
        errors.append(FieldError(path, problem))
    return errors


def _check_test_value(test: dict[str, Any], target: dict[str, Any]) -> str | None:
    op, kind = test["op"], target["type"]
    value: Any = test.get("value")
    choices = [c["value"] for c in target.get("choices", [])]
    if op in ("answered", "not-answered"):
        return None
    if kind == "attachment":
        return "an attachment can only be tested with answered or not-answered"
    if op == "in":
        if kind != "choice":
            return "'in' tests a choice item; expected equals for other types"
        bad = [v for v in value if v not in choices]
        return f"not choices of {test['item']!r}: {', '.join(bad)}" if bad else None
    if kind == "yes-no":
        return None if isinstance(value, bool) else "expected true or false for a yes-no item"
    if not isinstance(value, str):
        return f"expected a string for a {kind} item"
    if kind == "choice" and value not in choices:
        return f"{value!r} is not a choice of {test['item']!r}; expected one of: " + ", ".join(
            choices
        )
    return None


def fhir_problem(mode: str, ops: list[str], values: list[Any]) -> str | None:
    """Why a condition cannot be written as FHIR R4 ``enableWhen`` (one
    ``enableBehavior`` per item), or None when it can."""
    if len(ops) == 1:
        return None
    for op, value in zip(ops, values, strict=True):
        if mode == "all" and op == "in" and len(value) > 1:
            return "an 'all' condition may use 'in' with one value only (FHIR enableWhen)"
        if mode == "any" and op == "not-equals":
            return "an 'any' condition of several tests may not use 'not-equals' (FHIR enableWhen)"
    return None


def check_form(
    data: dict[str, Any], authority: Authority, shared: set[int] | frozenset[int] = frozenset()
) -> list[FieldError]:
    """Check what the schema cannot; ``data`` has its shared sections resolved.

    Citations must name one of the authority's documents, except in the core's
    shared sections (indices ``shared``), which cite the documents they were
    written from, whatever the authority."""
    errors = []
    if data["authority"] != authority.id:
        errors.append(
            FieldError("authority", f"got {data['authority']!r}; expected {authority.id!r}")
        )
    seeds = {document.seed for document in authority.documents}
    seen: set[str] = set()
    earlier: dict[str, dict[str, Any]] = {}

    def check_refs(node: dict[str, Any], path: str) -> None:
        errors.extend(_unknown_seeds(node, path, seeds))

    def check_id(node: dict[str, Any], path: str) -> None:
        if node["id"] in seen:
            errors.append(FieldError(f"{path}.id", f"duplicate id {node['id']!r}"))
        seen.add(node["id"])

    check_refs(data, "")
    for s_index, section in enumerate(data["sections"]):
        path = f"sections[{s_index}]"
        check_id(section, path)
        own = s_index not in shared
        if own:
            check_refs(section, path)
        if "shown_when" in section:
            errors += _check_condition(section["shown_when"], f"{path}.shown_when", earlier)
        for item, where in _items(section["items"], path):
            check_id(item, where)
            if own:
                check_refs(item, where)
            if "shown_when" in item:
                errors += _check_condition(item["shown_when"], f"{where}.shown_when", earlier)
            values = [c["value"] for c in item.get("choices", [])]
            if len(values) != len(set(values)):
                errors.append(FieldError(f"{where}.choices", "duplicate choice values"))
            fact = item.get("prefill")
            if fact is not None and PREFILL_TYPES[fact] != item["type"]:
                errors.append(
                    FieldError(
                        f"{where}.prefill",
                        f"case fact {fact!r} fills a {PREFILL_TYPES[fact]} item; "
                        f"this is a {item['type']} item",
                    )
                )
            if item["type"] not in ("group", "display"):
                earlier[item["id"]] = item
    return errors


def _unknown_seeds(node: dict[str, Any], path: str, seeds: set[str]) -> list[FieldError]:
    """An error for each citation of ``node`` that names none of the authority's seeds."""
    return [
        FieldError(
            f"{path}.cite[{index}].seed",
            f"unknown seed {ref['seed']!r}; expected one of: " + ", ".join(sorted(seeds)),
        )
        for index, ref in enumerate(node.get("cite", []))
        if ref["seed"] not in seeds
    ]


def load_form(path: Path, authority: Authority) -> Form:
    """Load one form file for ``authority``.

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    data = read_data_file(path)
    errors = field_errors(_validator(None).iter_errors(data))
    if errors:
        raise DataError(str(path), errors)
    resolved, errors, shared = _resolve(data)
    if not errors:
        resolved = _fill_texts(resolved, contact_placeholders(authority), "", errors)
    errors = errors or check_form(resolved, authority, shared)
    if errors:
        raise DataError(str(path), errors)
    try:
        return converter.structure(resolved, Form)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these
        raise DataError(
            str(path), [FieldError("", m) for m in cattrs.transform_error(exc)]
        ) from None


def load_forms(directory: Path, authority: Authority) -> list[Form]:
    """Load every ``*.toml`` and ``*.json`` form in ``directory``, sorted by file name."""
    paths = sorted(p for p in directory.iterdir() if p.suffix in (".toml", ".json"))
    return [load_form(path, authority) for path in paths]
