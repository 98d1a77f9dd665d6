"""Loading threshold indicators: data files validated against
``schemas/indicators.schema.json``, then checked for what a schema cannot check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cattrs

from threshold.core.io.loading import read_data_file
from threshold.core.io.schemas import validate
from threshold.core.model.converter import converter
from threshold.core.model.errors import DataError, FieldError
from threshold.core.model.indicators import IndicatorSet


def _check(data: dict[str, Any]) -> list[FieldError]:
    """What the schema cannot check: unique ids, known domains, ids that match
    their level and domain, levels 1-4 once each."""
    errors: list[FieldError] = []
    domains = [d["id"] for d in data["domains"]]
    if len(set(domains)) != len(domains):
        errors.append(FieldError("domains", "duplicate domain id"))
    numbers = sorted(level["number"] for level in data["levels"])
    if numbers != [1, 2, 3, 4]:
        errors.append(
            FieldError("levels", f"expected levels 1, 2, 3 and 4 once each; got {numbers}")
        )
    if not data["indicators"]:
        errors.append(FieldError("indicators", "expected at least one indicator"))
    seen: set[str] = set()
    for index, item in enumerate(data["indicators"]):
        path = f"indicators[{index}]"
        if item["id"] in seen:
            errors.append(FieldError(f"{path}.id", f"duplicate id {item['id']!r}"))
        seen.add(item["id"])
        if item["domain"] not in domains:
            errors.append(
                FieldError(f"{path}.domain", f"expected one of: {', '.join(sorted(domains))}")
            )
        elif not item["id"].startswith(f"L{item['level']}-{item['domain']}-"):
            errors.append(
                FieldError(
                    f"{path}.id",
                    f"expected it to start with L{item['level']}-{item['domain']}- "
                    "(its level and domain)",
                )
            )
        uncertain = item["uncertain"]
        if uncertain is not None:
            for other in uncertain["other_domains"]:
                if other not in domains:
                    errors.append(
                        FieldError(f"{path}.uncertain.other_domains", f"unknown domain {other!r}")
                    )
    return errors


def structure_indicators(data: object, source: str) -> IndicatorSet:
    """Validate ``data`` (loaded JSON) and return the indicator set.

    Raises:
        DataError: naming ``source``, the field and what is expected.
    """
    errors = validate("indicators", data)
    if not errors and isinstance(data, dict):
        errors = _check(data)
    if errors:
        raise DataError(source, errors)
    try:
        return converter.structure(data, IndicatorSet)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these first
        raise DataError(source, [FieldError("", m) for m in cattrs.transform_error(exc)]) from None


def load_indicators(path: Path) -> IndicatorSet:
    """Load an indicator set from a JSON (or TOML) data file, validated.

    Raises:
        DataError: naming the file, the field and what is expected.
    """

    return structure_indicators(read_data_file(path), str(path))
