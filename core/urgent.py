"""The urgent advice that goes with an error, so bad input never hides who to ring.

When the input raised an urgent flag (immediate danger, significant harm, bruising
on a non-mobile baby), every error about it (one line on stderr, an error record
in a batch, an HTTP error) still says to ring 999 or the child protection line.
The flags are read on a best-effort basis from input that may be invalid, even
from a line that is not JSON at all; anything other than a clear "no" counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threshold.core.registry import Registry

NATIONAL_URGENT = "If a child is in immediate danger, ring 999."

_NO = {"", "false", "no", "n", "0", "none", "null"}
_FLAG_IN_TEXT = re.compile(
    r'"(immediate[_-]danger|significant[_-]harm|non[_-]mobile[_-]baby[_-]bruising)"\s*:\s*'
    r'(true|false|null|"[^"]*"|-?[0-9.eE+-]+|[\[{])'
)


def _raised_in_text(text: str) -> set[str]:
    raised = set()
    for match in _FLAG_IN_TEXT.finditer(text):
        value = match.group(2)
        if value in ("false", "null"):
            continue
        if value.startswith('"') and value.strip('"').strip().lower() in _NO:
            continue
        if value[0] in "-0123456789":
            try:
                if float(value) == 0:
                    continue
            except ValueError:
                pass
        raised.add(match.group(1).replace("-", "_"))  # a referral's item ids use hyphens
    return raised


def flags(raw: object) -> tuple[bool, bool]:
    """Return (immediate_danger, child_protection) as raised by ``raw``: a parsed
    case (a dict, valid or not) or the text of one that could not be parsed."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if isinstance(raw, str):
        raised = _raised_in_text(raw)
        return "immediate_danger" in raised, bool(
            raised & {"significant_harm", "non_mobile_baby_bruising"}
        )
    if isinstance(raw, Mapping):
        from threshold.core.convert import urgent_flags

        return urgent_flags(raw)
    return False, False


def urgent_advice(
    raw: object, authority_id: str | None, registry: Registry | None = None
) -> str | None:
    """Return the urgent advice for input ``raw`` ("immediate danger was reported:
    ring 999 now; ..."), or None when it raised no urgent flag. With a working
    ``authority_id``, the child protection advice names that authority's line."""
    danger, child_protection = flags(raw)
    hints = []
    if danger:
        hints.append("immediate danger was reported: ring 999 now")
    if child_protection:
        line = child_protection_line(authority_id, registry)
        hints.append(
            "significant harm was reported: "
            + (
                f"ring {line} now"
                if line
                else "ring your local authority's child protection line now"
            )
        )
    return "; ".join(hints) if hints else None


def child_protection_line(authority_id: str | None, registry: Registry | None = None) -> str | None:
    """Return the authority's child protection line(s) as words, or None if unknown."""
    if authority_id is None:
        return None
    from threshold.core.engine import contact_label
    from threshold.core.errors import ThresholdError
    from threshold.core.models import Purpose
    from threshold.core.registry import default_registry

    try:
        authority = (registry or default_registry()).get(authority_id).authority
    except ThresholdError:
        return None
    lines = authority.contacts_for(Purpose.CHILD_PROTECTION)
    return " or ".join(contact_label(c) for c in lines) or None
