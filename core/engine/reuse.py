"""Reuse of the time-independent part of a guidance, once per distinct case."""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from threshold.core.engine.contacts import Slot
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.fields import TIME_FIELD
from threshold.core.model.guidance import (
    Guidance,
)
from threshold.core.model.identity import per_object


@attrs.frozen
class StaticGuidance:
    """The time-independent part of a guidance, with each contact's hours."""

    guidance: Guidance
    contacts: tuple[Slot, ...]
    urgent_contacts: tuple[Slot, ...]
    review_due: dt.date
    #: The guidance's fields but those set on every call, to build it quickly.
    fields: dict[str, Any] = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        per_call = ("at", "contacts", "urgent_contacts", "warnings")
        fields = {
            f.name: getattr(self.guidance, f.name)
            for f in attrs.fields(Guidance)
            if f.name not in per_call
        }
        object.__setattr__(self, "fields", fields)


@per_object
def static_of(_: Authority) -> dict[tuple[object, ...], StaticGuidance]:
    """The reused parts of an authority's guidance, by (plugin, plugin version, and
    the case's :func:`case_key`) in one flat tuple: a batch keeps one per distinct
    case, so each costs as little as it can."""
    return {}


REUSE = [True]


@contextlib.contextmanager
def without_reuse() -> Iterator[None]:
    """Compute every guidance afresh inside this block (asking the authority's rule
    each time, and sharing no plan, rendering or contacts between cases): the
    completeness checks use it to catch a rule that is not a pure function of the
    case, and the tests to show that sharing changes nothing."""
    REUSE.append(False)
    try:
        yield
    finally:
        REUSE.pop()


#: The case field that is the time: the only one the reused part may not depend on.
#: For each case class (Case, or a subclass), a getter of its other fields.
_KEY_GETTERS: dict[type[Case], Callable[[Case], tuple[object, ...]]] = {}


def case_key(case: Case) -> tuple[object, ...]:
    """The reuse key of ``case``: its class and every one of its fields but ``at``,
    found from the class itself (``attrs.fields``), so a field added to Case is in it."""
    cls = type(case)
    getter = _KEY_GETTERS.get(cls)
    if getter is None:
        names = [f.name for f in attrs.fields(cls) if f.name != TIME_FIELD]
        getter = _KEY_GETTERS[cls] = operator.attrgetter(*names)
    return (cls, *getter(case))
