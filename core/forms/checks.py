"""What a form file's schema cannot check, once its shared sections are resolved:
ids unique in the form, routes the authority has, conditions testing earlier
questions with values of the right type (and expressible in FHIR's
``enableWhen``), prefills that fit their item, citations naming the authority's
own documents. Each problem is a FieldError naming the field and what is
expected (``core/forms/loading.py`` raises them as one DataError naming the file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from threshold.core.model.authority import Authority
from threshold.core.model.errors import FieldError
from threshold.core.model.fields import case_fields


def prefill_types(authority: Authority) -> dict[str, str]:
    """Which item types each case fact (``prefill``) can fill: the authority's case
    fields (the core's and its questions'), and whether a phone call comes first
    (an urgent case)."""
    types = {f.name: f.prefill for f in case_fields(authority) if f.prefill}
    return {**types, "phone_referral": "yes-no"}


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


def check_form(data: dict[str, Any], authority: Authority) -> list[FieldError]:
    """Check what the schema cannot; ``data`` has its shared sections resolved.

    Every citation, in the form's own sections and in its pack's shared ones, must
    name one of the authority's documents (the core's shared sections cite none)."""
    errors = []
    if data["authority"] != authority.id:
        errors.append(
            FieldError("authority", f"got {data['authority']!r}; expected {authority.id!r}")
        )
    for index, route in enumerate(data["routes"]):
        if route not in authority.routes:
            errors.append(
                FieldError(
                    f"routes[{index}]",
                    f"{authority.id} has no route {route!r}; expected one of: "
                    + ", ".join(sorted(authority.routes)),
                )
            )
    seeds = {document.seed for document in authority.documents}
    types = prefill_types(authority)
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
        check_refs(section, path)
        if "shown_when" in section:
            errors += _check_condition(section["shown_when"], f"{path}.shown_when", earlier)
        for item, where in _items(section["items"], path):
            check_id(item, where)
            check_refs(item, where)
            if "shown_when" in item:
                errors += _check_condition(item["shown_when"], f"{where}.shown_when", earlier)
            values = [c["value"] for c in item.get("choices", [])]
            if len(values) != len(set(values)):
                errors.append(FieldError(f"{where}.choices", "duplicate choice values"))
            fact = item.get("prefill")
            if fact is not None:
                errors += _check_fact(fact, item["type"], f"{where}.prefill", types)
            for r_index, rule in enumerate(item.get("prefill_otherwise", [])):
                errors += _check_prefill_rule(
                    rule, item, f"{where}.prefill_otherwise[{r_index}]", types
                )
            if item["type"] not in ("group", "display"):
                earlier[item["id"]] = item
    return errors


def _check_fact(fact: str, kind: str, path: str, types: dict[str, str]) -> list[FieldError]:
    """A case fact named to fill an item of type ``kind``: it must exist and fit."""
    if fact not in types:
        return [
            FieldError(
                path, f"unknown case fact {fact!r}; expected one of: " + ", ".join(sorted(types))
            )
        ]
    if types[fact] != kind:
        return [
            FieldError(
                path, f"case fact {fact!r} fills a {types[fact]} item; this is a {kind} item"
            )
        ]
    return []


def _check_prefill_rule(
    rule: dict[str, Any], item: dict[str, Any], path: str, types: dict[str, str]
) -> list[FieldError]:
    """A ``prefill_otherwise`` rule: known facts, values of their type, a valid answer."""
    errors = []
    for fact, value in rule["when"].items():
        where = f"{path}.when.{fact}"
        if fact not in types:
            errors.append(
                FieldError(
                    where,
                    f"unknown case fact {fact!r}; expected one of: " + ", ".join(sorted(types)),
                )
            )
        elif isinstance(value, bool) != (types[fact] == "yes-no"):
            expected = "true or false" if types[fact] == "yes-no" else "a string"
            errors.append(FieldError(where, f"case fact {fact!r} is {expected}"))
    answer = rule["answer"]
    if item["type"] == "yes-no" and not isinstance(answer, bool):
        errors.append(FieldError(f"{path}.answer", "expected true or false for a yes-no item"))
    elif item["type"] == "choice" and answer not in [c["value"] for c in item["choices"]]:
        errors.append(
            FieldError(
                f"{path}.answer",
                f"{answer!r} is not a choice of {item['id']!r}; expected one of: "
                + ", ".join(c["value"] for c in item["choices"]),
            )
        )
    elif item["type"] not in ("yes-no", "choice") and not isinstance(answer, str):
        errors.append(FieldError(f"{path}.answer", f"expected a string for a {item['type']} item"))
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
