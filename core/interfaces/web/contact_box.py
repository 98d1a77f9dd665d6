"""The guidance page's "Ring now" / "Contact first" box: the engine's first contact,
the others after it, and the closed lines the first one stands in for.

The engine lists a closed contact after an alternative that is open
(:mod:`threshold.core.engine.contacts`); the box says a line is "listed first
because" another is closed only when that other would otherwise have come first:
when its purpose ranks before the first line's, or, for one purpose, the data
lists it first. A duty service that answers outside a front door's hours is
listed after the front door, so while the front door is open nothing is said
about the duty service being closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from threshold.core.model.authority import Authority
from threshold.core.model.enums import PURPOSE_RANK, Purpose


def _usual_place(authority: Authority, contact: Mapping[str, Any]) -> tuple[int, int]:
    """Where a contact comes among its alternatives while all are open: by its
    purpose, then in data order."""
    ids = [c.id for c in authority.contacts]
    index = ids.index(contact["id"]) if contact["id"] in ids else len(ids)
    return PURPOSE_RANK[Purpose(contact["purpose"])], index


def contact_box(authority: Authority, contacts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The box's contacts (the guidance's ``contacts`` as JSON data, in its order):
    ``first`` (or None), ``others``, and ``instead``: the closed contacts whose
    alternative is the first one and that would otherwise come before it."""
    if not contacts:
        return {"first": None, "others": [], "instead": []}
    first, *others = contacts
    place = _usual_place(authority, first)
    instead = [
        c
        for c in others
        if c.get("alternative") == first["id"] and _usual_place(authority, c) < place
    ]
    return {"first": first, "others": others, "instead": instead}
