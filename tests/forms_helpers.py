"""Helpers shared by the form tests: the example referrals and schema error items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema

REFERRALS = Path(__file__).resolve().parent / "referrals"
AUTHORITY_OF = {
    "derbyshire-request-for-support": "derbyshire",
    "derbyshire-child-protection-follow-up": "derbyshire",
    "derby-city-online-referral": "derby_city",
    "derby-city-vcm-submission": "derby_city",
}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def broken_referrals() -> Iterator[tuple[str, Path, str]]:
    """(form id, file, the item it must fail on) for every broken example."""
    for form_id in sorted(AUTHORITY_OF):
        for path in sorted((REFERRALS / form_id / "broken").glob("*.json")):
            yield form_id, path, path.stem.split("--")[0]


def schema_error_items(error: jsonschema.ValidationError) -> set[str]:
    """The answer items a JSON Schema error is about."""
    if error.absolute_path:
        return {str(error.absolute_path[0])}
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "required":
        return {name for name in error.validator_value if name not in instance}
    if error.validator == "not" and isinstance(error.validator_value, dict):
        return set(error.validator_value.get("required", []))
    if error.validator == "additionalProperties":
        return set(instance) - set(error.schema.get("properties", {}))
    raise AssertionError(f"unexpected schema error: {error.message}")
