"""What a schema cannot check in an authority's merged data: every reference resolves.

Citations name known documents; ids are unique; every route, fragment, text,
prerequisite and contact a rule or part names exists; conditions test real facts
(the core's urgent part, the questions, the route, its kind and variant) with
answers those facts can have; there is exactly one route of each urgent kind;
every placeholder in a text is one the engine fills.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from threshold.core.model.enums import Kind
from threshold.core.model.errors import FieldError
from threshold.core.model.tables import ROUTE_FACTS
from threshold.core.model.vocabulary import CORE_QUESTIONS, PLACEHOLDER_PURPOSE, WEB_RESERVED

#: The urgent part of every case, with its answers: the core's own facts.
CORE_FACTS: dict[str, tuple[Any, ...]] = {
    "immediate_danger": (True, False),
    "significant_harm": (True, False),
    "referrer": ("professional", "public"),
}


def _facts(data: Mapping[str, Any]) -> dict[str, tuple[Any, ...] | None]:
    """Every fact a condition may test, with its values (None: any string)."""
    facts: dict[str, tuple[Any, ...] | None] = dict(CORE_FACTS)
    levels = tuple(level["number"] for level in data.get("levels", []))
    for question in data.get("questions", []):
        kind = question["type"]
        if kind == "boolean":
            facts[question["id"]] = (True, False)
        elif kind == "level":
            facts[question["id"]] = (*levels, None)
        else:
            values = tuple(c["value"] for c in question.get("choices", []))
            facts[question["id"]] = (*values, None) if question.get("nullable") else values
    facts["route"] = tuple(data.get("routes", {}))
    facts["kind"] = tuple(k.value for k in Kind)
    variants = tuple(r["variant"] for r in data.get("rules", []) if "variant" in r)
    facts["variant"] = (*variants, None)
    return facts


def _check_condition(
    condition: Mapping[str, Any] | None,
    path: str,
    facts: Mapping[str, tuple[Any, ...] | None],
    errors: list[FieldError],
) -> None:
    for fact, value in (condition or {}).items():
        if fact not in facts:
            errors.append(
                FieldError(
                    f"{path}.{fact}",
                    "unknown fact; expected a question id or one of: "
                    + ", ".join(sorted(set(CORE_FACTS) | set(ROUTE_FACTS))),
                )
            )
            continue
        if isinstance(value, Mapping):
            value = value.get("not")
        values = value if isinstance(value, list) else [value]
        allowed = facts[fact]
        for item in values:
            if allowed is not None and not any(
                type(item) is type(a) and item == a for a in allowed
            ):
                shown = ", ".join(
                    "null" if a is None else str(a).lower() if isinstance(a, bool) else str(a)
                    for a in allowed
                )
                errors.append(
                    FieldError(f"{path}.{fact}", f"got {item!r}; expected one of: {shown}")
                )


def _check_parts(
    parts: Sequence[Mapping[str, Any]],
    path: str,
    data: Mapping[str, Any],
    facts: Mapping[str, tuple[Any, ...] | None],
    errors: list[FieldError],
) -> None:
    contact_ids = {c["id"] for c in data.get("contacts", [])}
    tables = {
        "steps": data.get("steps", {}),
        "consent": data.get("consent", {}),
        "warnings": data.get("warnings", {}),
        "prerequisites": data.get("prerequisites", {}),
    }
    for index, part in enumerate(parts):
        where = f"{path}[{index}]"
        _check_condition(part.get("when"), f"{where}.when", facts, errors)
        _check_condition(part.get("unless"), f"{where}.unless", facts, errors)
        if "use" in part and part["use"] not in data.get("fragments", {}):
            errors.append(FieldError(f"{where}.use", f"unknown fragment {part['use']!r}"))
        if "summary" in part and part["summary"] not in data.get("summaries", {}):
            errors.append(FieldError(f"{where}.summary", f"unknown summary {part['summary']!r}"))
        follow_up = part.get("follow_up")
        if isinstance(follow_up, Mapping) and follow_up["how"] not in tables["steps"]:
            errors.append(
                FieldError(f"{where}.follow_up.how", f"unknown step {follow_up['how']!r}")
            )
        for key, table in tables.items():
            for item_index, item in enumerate(part.get(key, [])):
                if item not in table:
                    errors.append(
                        FieldError(f"{where}.{key}[{item_index}]", f"unknown {key} id {item!r}")
                    )
        for item_index, item in enumerate(part.get("contacts", [])):
            if isinstance(item, Mapping) and item["id"] not in contact_ids:
                errors.append(
                    FieldError(
                        f"{where}.contacts[{item_index}].id", f"unknown contact {item['id']!r}"
                    )
                )


def check_references(data: Mapping[str, Any]) -> list[FieldError]:
    """What a schema cannot check: citations name known documents, ids are unique,
    every route, fragment, text and contact named exists, conditions name real facts
    and values, one route of each urgent kind, placeholders are known."""
    errors = _check_documents(data) + _check_ids(data) + _check_contacts(data)
    facts = _facts(data)
    for index, rule in enumerate(data.get("rules", [])):
        _check_condition(rule.get("when"), f"rules[{index}].when", facts, errors)
        if rule.get("route") not in data.get("routes", {}):
            errors.append(
                FieldError(f"rules[{index}].route", f"unknown route {rule.get('route')!r}")
            )
    for route_id, route in data.get("routes", {}).items():
        _check_parts(route["parts"], f"routes.{route_id}.parts", data, facts, errors)
    for name, parts in data.get("fragments", {}).items():
        _check_parts(parts, f"fragments.{name}", data, facts, errors)
    _check_parts(data.get("additions", []), "additions", data, facts, errors)
    for kind in (Kind.EMERGENCY, Kind.CHILD_PROTECTION):
        found = [r for r, route in data.get("routes", {}).items() if route["kind"] == kind]
        if len(found) != 1:
            errors.append(
                FieldError(
                    "routes", f"expected exactly one route of kind {kind.value!r}; got {len(found)}"
                )
            )
    errors.extend(_check_placeholders(data, facts))
    errors.extend(_check_web_ids(data))
    return errors


def _check_documents(data: Mapping[str, Any]) -> list[FieldError]:
    """The policy document and every citation name one of the documents."""
    errors: list[FieldError] = []
    documents = {d["id"] for d in data.get("documents", [])}
    if data.get("policy_document") not in documents:
        errors.append(FieldError("policy_document", "expected the id of one of documents"))

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if "document" in value and "section" in value and value["document"] not in documents:
                errors.append(
                    FieldError(
                        f"{path}.document",
                        f"unknown document {value['document']!r}; "
                        f"expected one of: {', '.join(sorted(documents))}",
                    )
                )
            for key, sub in value.items():
                walk(sub, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                walk(sub, f"{path}[{index}]")

    walk(data, "")
    return errors


def _check_ids(data: Mapping[str, Any]) -> list[FieldError]:
    """Ids are unique, and no question takes a field of the core's."""
    errors = []
    for key, field in (
        ("documents", "id"),
        ("contacts", "id"),
        ("questions", "id"),
        ("levels", "number"),
    ):
        seen: set[Any] = set()
        for index, item in enumerate(data.get(key, [])):
            if item[field] in seen:
                errors.append(
                    FieldError(f"{key}[{index}].{field}", f"duplicate {field} {item[field]!r}")
                )
            seen.add(item[field])
    for index, question in enumerate(data.get("questions", [])):
        if question["id"] in CORE_FACTS or question["id"] in ROUTE_FACTS or question["id"] == "at":
            errors.append(
                FieldError(f"questions[{index}].id", "the core's own field; choose another id")
            )
    return errors


def _check_contacts(data: Mapping[str, Any]) -> list[FieldError]:
    """A contact open outside another's hours names that contact."""
    contact_ids = {c["id"] for c in data.get("contacts", [])}
    return [
        FieldError(f"contacts[{index}].hours.of", "expected the id of another contact")
        for index, contact in enumerate(data.get("contacts", []))
        if contact["hours"].get("kind") == "outside"
        and contact["hours"].get("of") not in contact_ids
    ]


def _check_web_ids(data: Mapping[str, Any]) -> list[FieldError]:
    """The web tool's ids: each question's (its ``short``, else its id) is unique and
    none of the web tool's own parameters; every question hint names one of them
    or one of the core's questions."""
    errors = []
    web_ids: set[str] = set(CORE_QUESTIONS)
    for index, question in enumerate(data.get("questions", [])):
        web_id = question.get("short") or question["id"]
        if web_id in web_ids or web_id in WEB_RESERVED:
            errors.append(
                FieldError(
                    f"questions[{index}].short"
                    if "short" in question
                    else f"questions[{index}].id",
                    f"{web_id!r} is already a question or parameter of the web tool; "
                    "expected another short id",
                )
            )
        web_ids.add(web_id)
    for name in data.get("question_hints", {}):
        if name not in web_ids:
            errors.append(
                FieldError(
                    f"question_hints.{name}",
                    "unknown question; expected one of: " + ", ".join(sorted(web_ids)),
                )
            )
    return errors


def _check_placeholders(
    data: Mapping[str, Any], facts: Mapping[str, tuple[Any, ...] | None]
) -> list[FieldError]:
    known = set(PLACEHOLDER_PURPOSE) | {"level"}
    known |= {name for rule in data.get("rules", []) for name in rule.get("values", {})}
    texts = [
        (f"steps.{k}.{f}", v[f])
        for k, v in data.get("steps", {}).items()
        for f in ("action", "reason")
    ]
    texts += [(f"summaries.{k}", v) for k, v in data.get("summaries", {}).items()]
    texts += [(f"warnings.{k}.message", v["message"]) for k, v in data.get("warnings", {}).items()]
    errors = []
    for path, text in texts:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            errors.append(FieldError(path, f"bad placeholder: {exc}"))
            continue
        for name in sorted(names - known):
            errors.append(
                FieldError(
                    path,
                    f"unknown placeholder {{{name}}}; expected one of: " + ", ".join(sorted(known)),
                )
            )
    return errors
