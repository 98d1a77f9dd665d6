"""The urgent advice that goes with an error, so bad input never hides who to ring.

When the input raised an urgent flag (immediate danger, significant harm, bruising
on a non-mobile baby), every error about it (one line on stderr, an error record
in a batch, an HTTP error) still says to ring 999 or the child protection line.
The flags are read on a best-effort basis from input that may be invalid: under
any spelling of the field's name (:func:`threshold.core.spelling.spelling_key`:
``immediateDanger``, ``IMMEDIATE_DANGER``, ``Immediate Danger``), in nested
objects, in every copy of a duplicated key, and even from text that is not JSON
at all; anything other than a clear "no" counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

from threshold.core.spelling import spelling_key

if TYPE_CHECKING:
    from threshold.core.registry import Registry

NATIONAL_URGENT = "If a child is in immediate danger, ring 999."

#: The case fields that make a case urgent, whatever else is wrong with it.
URGENT_FIELDS = ("immediate_danger", "significant_harm", "non_mobile_baby_bruising")
_BY_KEY = {spelling_key(name): name for name in URGENT_FIELDS}
_CHILD_PROTECTION = frozenset({"significant_harm", "non_mobile_baby_bruising"})

_NO = {"", "false", "no", "n", "0", "none", "null"}
#: An urgent field's name in text, under any spelling (words joined by up to three
#: separators, any case), then ":" or "=" and its value (possibly cut off). Every
#: match is checked with :func:`spelling_key`, so the text and the parsed data
#: agree on what spells an urgent field.
_FLAG_IN_TEXT = re.compile(
    "("
    + "|".join(r"[\W_]{0,3}".join(name.split("_")) for name in URGENT_FIELDS)
    + r""")["']?\s*[:=]\s*("[^"\n]{0,200}"?|'[^'\n]{0,200}'?|[^\s,;}\])]{0,200})""",
    re.IGNORECASE,
)


def urgent_field(name: object) -> str | None:
    """Return the urgent case field that ``name`` spells (``"immediateDanger"`` ->
    ``"immediate_danger"``), or None."""
    return _BY_KEY.get(spelling_key(name)) if isinstance(name, str) else None


def text_says_yes(text: str, *, quoted: bool) -> bool:
    """Whether a value given as text is anything other than a clear "no" (false,
    no, n, 0, none, null, or a quoted empty string); an unquoted empty value (the
    text is cut off before it) is not a "no"."""
    if not quoted and not text:
        return True  # no value at all (the text is cut off): not a "no"
    word = text.strip().lower()
    if word in _NO:
        return False
    try:
        return float(word) != 0
    except ValueError:
        return True


def _says_yes(value: object) -> bool:
    """Whether a parsed value is anything other than a clear "no" (null, false, 0,
    "", "no", ...): a value of the wrong type still counts."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return text_says_yes(value, quoted=True)
    if isinstance(value, int | float):
        return value != 0
    return True


def _raised_in_text(text: str) -> set[str]:
    raised = set()
    # compatibility forms folded first (fullwidth letters), as spelling_key does
    for match in _FLAG_IN_TEXT.finditer(unicodedata.normalize("NFKC", text)):
        field = urgent_field(match.group(1))
        value = match.group(2)
        quoted = value[:1] in ("'", '"')
        if field is not None and text_says_yes(value.strip("\"'"), quoted=quoted):
            raised.add(field)
    return raised


def _raised_in_data(data: object) -> set[str]:
    """The urgent fields raised anywhere in parsed data (nested objects and lists
    included; a structure that contains itself is read once)."""
    raised: set[str] = set()
    stack = [data]
    visited: set[int] = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, Mapping | list | tuple) or id(item) in visited:
            continue
        visited.add(id(item))
        if isinstance(item, Mapping):
            for key, value in item.items():
                field = urgent_field(key)
                if field is not None and _says_yes(value):
                    raised.add(field)
                stack.append(value)
        else:
            stack.extend(item)
    return raised


def flags(raw: object) -> tuple[bool, bool]:
    """Return (immediate_danger, child_protection) as raised by ``raw``: parsed
    input (a case or a referral's answers, valid or not, nested or not) or the
    text of input that could not be parsed."""
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", "replace")
    raised = _raised_in_text(raw) if isinstance(raw, str) else _raised_in_data(raw)
    return "immediate_danger" in raised, bool(raised & _CHILD_PROTECTION)


def urgent_advice(
    raw: object,
    authority_id: str | None,
    registry: Registry | None = None,
    *,
    seen: tuple[bool, bool] = (False, False),
) -> str | None:
    """Return the urgent advice for input ``raw`` ("immediate danger was reported:
    ring 999 now; ..."), or None when it raised no urgent flag. ``seen`` adds the
    flags already read elsewhere (from the text of input that could not be parsed).
    With a working ``authority_id`` (or an unknown one that resembles installed
    ids), the child protection advice names that authority's line."""
    danger, child_protection = flags(raw)
    danger, child_protection = danger or seen[0], child_protection or seen[1]
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
    """Return the authority's child protection line(s) as words, or None if unknown.

    An id that is not installed but resembles installed ones (``Derbyshire``,
    ``derby-city``) gives their lines, each named by its authority id, so the
    urgent advice is not lost to a mistyped id.
    """
    if authority_id is None:
        return None
    from threshold.core.errors import ThresholdError, UnknownAuthorityError
    from threshold.core.registry import default_registry

    registry = registry or default_registry()
    try:
        return _lines(registry, authority_id)
    except UnknownAuthorityError:
        pass
    except ThresholdError:
        return None
    lines = []
    for other in registry.resembling(authority_id):
        try:
            found = _lines(registry, other)
        except ThresholdError:  # pragma: no cover - resembling() lists usable ids only
            continue
        if found:
            lines.append(f"{found} (if the child's authority is {other})")
    return " or ".join(lines) or None


def _lines(registry: Registry, authority_id: str) -> str | None:
    from threshold.core.engine import contact_label
    from threshold.core.models import Purpose

    authority = registry.get(authority_id).authority
    lines = authority.contacts_for(Purpose.CHILD_PROTECTION)
    return " or ".join(contact_label(c) for c in lines) or None
