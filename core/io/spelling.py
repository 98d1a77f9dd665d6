"""One normalisation of names typed by people and intake systems.

``immediate_danger``, ``immediateDanger``, ``IMMEDIATE_DANGER``, ``immediate-danger``
and ``Immediate Danger`` are one name spelled five ways. :func:`spelling_key` gives
them one key, so the urgent flags are recognised under any spelling (for the
urgent part of an error: the case itself is still refused), an unknown field is
matched to the field it spells, and an authority id typed ``Exampleshire`` or
``example-shire`` is matched to the installed id it resembles.
"""

from __future__ import annotations

import re
import unicodedata

#: Names longer than this are not names (a key of free text); they spell nothing.
MAX_NAME = 100


def spelling_key(name: str) -> str:
    """Return the key of ``name`` under any spelling: Unicode compatibility forms
    folded (NFKC), case folded, and everything but letters and digits removed
    (underscores, hyphens, spaces, dots). ``""`` for a name longer than
    :data:`MAX_NAME` characters."""
    if len(name) > MAX_NAME:
        return ""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


#: What may be quoted back from input in a message: a short, safe identifier.
#: Anything else (free text that could hold personal data) is never repeated.
SAFE_ID = re.compile(r"[a-z0-9_-]{1,40}")


def shown_identifier(value: object) -> str | None:
    """Return ``value`` when it may be quoted in a message (it matches
    ``[a-z0-9_-]{1,40}``), else None."""
    if isinstance(value, str) and SAFE_ID.fullmatch(value):
        return value
    return None
