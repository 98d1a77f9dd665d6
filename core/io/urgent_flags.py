"""The urgent flags of raw input, read so that bad input never hides who to ring.

The flags are read on a best-effort basis from input that may be invalid: under
any spelling of the field's name (:func:`threshold.core.io.spelling.spelling_key`:
``immediateDanger``, ``IMMEDIATE_DANGER``, ``Immediate Danger``), in nested
objects, in every copy of a duplicated key, and even from text that is not JSON
at all; anything other than a clear "no" counts. The advice that goes with them
is :mod:`threshold.core.engine.urgent`."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

from threshold.core.io.spelling import spelling_key
from threshold.core.model.fields import CORE_FIELDS

#: The case fields that make a case urgent, whatever else is wrong with it, and
#: which kind of urgent: ``danger`` (999) or ``child-protection``. The core's own
#: are always here; an authority's urgent questions are added when its data is
#: compiled (:func:`learn`), so every installed authority's are read.
_URGENT: dict[str, str] = {f.name: f.urgent for f in CORE_FIELDS if f.urgent}

_NO = {"", "false", "no", "n", "0", "none", "null"}


def learn(name: str, kind: str) -> None:
    """Read field ``name`` as urgent from now on (an authority's urgent question:
    ``kind`` is ``child-protection``)."""
    if _URGENT.get(name) != kind:
        _URGENT[name] = kind
        _patterns.cache_clear()


@functools.cache
def _patterns() -> tuple[dict[str, str], re.Pattern[str]]:
    """The urgent fields by spelling key, and the pattern that finds one in text:
    its name under any spelling (words joined by up to three separators, any
    case), then ":" or "=" and its value (possibly cut off). Every match is checked
    with :func:`spelling_key`, so the text and the parsed data agree."""
    by_key = {spelling_key(name): name for name in _URGENT}
    pattern = re.compile(
        "("
        + "|".join(r"[\W_]{0,3}".join(name.split("_")) for name in sorted(_URGENT))
        + r""")["']?\s*[:=]\s*("[^"\n]{0,200}"?|'[^'\n]{0,200}'?|[^\s,;}\])]{0,200})""",
        re.IGNORECASE,
    )
    return by_key, pattern


def urgent_field(name: object) -> str | None:
    """Return the urgent case field that ``name`` spells (``"immediateDanger"`` ->
    ``"immediate_danger"``), or None."""
    return _patterns()[0].get(spelling_key(name)) if isinstance(name, str) else None


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
    for match in _patterns()[1].finditer(unicodedata.normalize("NFKC", text)):
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
    kinds = {_URGENT[name] for name in raised}
    return "danger" in kinds, "child-protection" in kinds
