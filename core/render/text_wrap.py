"""Text wrapped to a terminal's width, list lines with a hanging indent."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

#: Narrower than this, text is wrapped at this width anyway (words are never broken).
MIN_WIDTH = 40
#: Stands for a space that must not break (inside a phone number) while wrapping.
_KEEP = "\ue000"
#: A list line's marker: the hanging indent of its wrapped lines lines up after it.
_MARKER = re.compile(r"^(\s*)(\d+\.\s+|[-!]\s+)?")


def wrap(text: str, width: int, keep: Iterable[str] = ()) -> str:
    """Wrap each line of ``text`` to ``width`` columns (at least :data:`MIN_WIDTH`):
    a list line's wrapped lines line up after its marker, an indented line's under
    its indent; words are never broken, nor the phrases in ``keep`` (phone numbers)."""
    width = max(width, MIN_WIDTH)
    phrases = sorted({p for p in keep if " " in p}, key=len, reverse=True)
    out: list[str] = []
    for line in text.split("\n"):
        for phrase in phrases:
            line = line.replace(phrase, phrase.replace(" ", _KEEP))
        match = _MARKER.match(line)
        assert match is not None  # the pattern matches every line
        hang = " " * len(match.group(0))
        wrapped = textwrap.wrap(
            line,
            width=width,
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
            drop_whitespace=True,
        )
        out.extend(wrapped or [""])
    return "\n".join(out).replace(_KEEP, " ")
