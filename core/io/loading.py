"""Loading authority data files: TOML or JSON, validated, then structured.

A plugin may split its data over several files (the two built-in plugins share
the partnership file). Files are merged key by key; a key given twice is an
error, never a silent override.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import string
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cattrs

from threshold.core.io import cache
from threshold.core.io.schemas import field_errors, schema, validator
from threshold.core.model import vocabulary
from threshold.core.model.authority import Authority
from threshold.core.model.clock import DAY_NAMES
from threshold.core.model.converter import converter
from threshold.core.model.errors import DataError, FieldError
from threshold.core.model.vocabulary import (
    CORE_CONSENT,
    CORE_STEPS,
    CORE_SUMMARIES,
    PLACEHOLDERS,
    QUESTION_IDS,
)

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


def read_data_file(path: Path) -> dict[str, Any]:
    """Read one TOML or JSON data file; raise DataError naming the file on failure."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(str(path), [FieldError("", f"cannot read: {exc}")]) from None
    try:
        loaded = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise DataError(
            str(path), [FieldError("", f"not valid {path.suffix[1:].upper()}: {exc}")]
        ) from None
    if not isinstance(loaded, dict):
        raise DataError(str(path), [FieldError("", "expected an object at the top level")])
    plain: dict[str, Any] = _plain(loaded)
    return plain


def _plain(value: Any) -> Any:
    """TOML dates become ISO strings, so the JSON Schema sees JSON types only."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _fragment_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # lazy: ~250 ms, not when the cache holds

    partial = copy.deepcopy(schema("authority"))
    partial.pop("required", None)
    return Draft202012Validator(partial)


def merge(parts: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge data files: lists are joined, tables merged; a key given twice is an error."""
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for source, data in parts:
        for key, value in data.items():
            if key not in merged:
                merged[key] = copy.deepcopy(value)
                owner[key] = source
            elif isinstance(value, list) and isinstance(merged[key], list):
                merged[key].extend(copy.deepcopy(value))
            elif isinstance(value, dict) and isinstance(merged[key], dict):
                for sub, sub_value in value.items():
                    if sub in merged[key]:
                        raise DataError(
                            source, [FieldError(f"{key}.{sub}", f"already given in {owner[key]}")]
                        )
                    merged[key][sub] = copy.deepcopy(sub_value)
            else:
                raise DataError(source, [FieldError(key, f"already given in {owner[key]}")])
    return merged


def _model_shape(data: dict[str, Any]) -> dict[str, Any]:
    shaped = copy.deepcopy(data)
    for contact in shaped.get("contacts", []):
        hours = contact.get("hours", {})
        if "days" in hours:
            hours["days"] = [DAY_NAMES.index(day) for day in hours["days"]]
    return shaped


def check_references(data: dict[str, Any]) -> list[FieldError]:
    """Check what a schema cannot: citations name known documents, ids are unique,
    levels 1-4 are all present, the policy document exists, and question hints
    name the web tool's questions."""
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
    for key in ("documents", "contacts"):
        seen: set[str] = set()
        for index, item in enumerate(data.get(key, [])):
            if item["id"] in seen:
                errors.append(FieldError(f"{key}[{index}].id", f"duplicate id {item['id']!r}"))
            seen.add(item["id"])
    numbers = sorted(level["number"] for level in data.get("levels", []))
    if numbers != [1, 2, 3, 4]:
        errors.append(
            FieldError("levels", f"expected levels 1, 2, 3 and 4 once each; got {numbers}")
        )
    steps = set(data.get("steps", {}))
    for route, ids in data.get("extra_steps", {}).items():
        for index, step_id in enumerate(ids):
            if step_id not in steps:
                errors.append(
                    FieldError(f"extra_steps.{route}[{index}]", f"unknown step {step_id!r}")
                )

    for question_id in sorted(set(data.get("question_hints", {})) - set(QUESTION_IDS)):
        errors.append(
            FieldError(
                f"question_hints.{question_id}",
                "unknown question; expected one of: " + ", ".join(QUESTION_IDS),
            )
        )
    errors.extend(_check_vocabulary(data))
    return errors


def _check_vocabulary(data: dict[str, Any]) -> list[FieldError]:
    """Every id the core engine uses is defined, and every placeholder is known."""

    errors = []
    for key, needed in (
        ("steps", CORE_STEPS),
        ("consent", CORE_CONSENT),
        ("route_summaries", CORE_SUMMARIES),
    ):
        for missing in sorted(needed - set(data.get(key, {}))):
            errors.append(FieldError(f"{key}.{missing}", "missing; the core engine uses it"))
    texts = [
        (f"steps.{k}.{f}", v[f])
        for k, v in data.get("steps", {}).items()
        for f in ("action", "reason")
    ]
    texts += [(f"route_summaries.{k}", v) for k, v in data.get("route_summaries", {}).items()]
    for path, text in texts:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            errors.append(FieldError(path, f"bad placeholder: {exc}"))
            continue
        for name in sorted(names - PLACEHOLDERS):
            errors.append(
                FieldError(
                    path,
                    f"unknown placeholder {{{name}}}; expected one of: "
                    + ", ".join(sorted(PLACEHOLDERS)),
                )
            )
    return errors


def _validation_key(paths: list[Path]) -> str:
    """The inputs that decide validity: the files, the schema and the checking code."""

    sources = [p.read_bytes() for p in paths]
    checks = [Path(m).read_bytes() for m in (__file__, vocabulary.__file__)]
    return cache.digest(*sources, json.dumps(schema("authority"), sort_keys=True), *checks)


def load_authority(paths: Iterable[Path]) -> Authority:
    """Load an authority from its data files (in order), validated and structured.

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    paths = list(paths)
    parts = [(str(path), read_data_file(path)) for path in paths]
    label = " + ".join(str(p) for p in paths)
    key = "valid-authority-" + _validation_key(paths)
    if cache.read(key) is True:  # these exact files already passed every check below
        merged = merge(parts)
    else:
        fragment = _fragment_validator()
        for source, data in parts:
            errors = field_errors(fragment.iter_errors(data))
            if errors:
                raise DataError(source, errors)
        merged = merge(parts)
        errors = field_errors(validator("authority").iter_errors(merged)) or check_references(
            merged
        )
        if errors:
            raise DataError(label, errors)
        cache.write(key, True)
    try:
        return converter.structure(_model_shape(merged), Authority)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these first
        raise DataError(label, [FieldError("", m) for m in cattrs.transform_error(exc)]) from None
