"""Cases for tests: an authority's case from keyword values, as an intake system
would send them (``case_of(authority, level=3, consent="given")``)."""

from __future__ import annotations

from typing import Any

from threshold.core.io.parse import parse_case
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case


def case_of(authority: Authority, **values: Any) -> Case:
    """The case of ``authority`` with these values (the others at their defaults)."""
    return parse_case(values, authority)
