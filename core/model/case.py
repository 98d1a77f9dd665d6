"""The case: the facts of a concern that decide its route (no personal data).

Every authority's case has the same urgent part (immediate danger, significant
harm, who is raising the concern, when); the rest are the answers to the
authority's own questions, read as attributes (``case.level``).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import attrs

from threshold.core.model.enums import Referrer


def plain(value: Any) -> Any:
    """An answer as the data writes it: an enum member (``Consent.REFUSED``, from
    code written before policy packs) becomes its value (``"refused"``)."""
    return value.value if isinstance(value, Enum) else value


@attrs.frozen(init=False)
class Case:
    """The facts of a concern that decide its route. It holds no personal data.

    Attributes:
        immediate_danger: The child is in immediate danger.
        significant_harm: The child is suffering, or likely to suffer, significant harm.
        referrer: Who is raising the concern.
        at: When (an aware datetime; Europe/London when the input had no offset),
            or None for now.
        answers: The answers to the authority's questions, in question order,
            defaults filled in.
    """

    immediate_danger: bool = False
    significant_harm: bool = False
    referrer: Referrer = Referrer.PROFESSIONAL
    at: dt.datetime | None = None
    answers: tuple[tuple[str, Any], ...] = ()

    def __init__(
        self,
        immediate_danger: bool = False,
        significant_harm: bool = False,
        referrer: Referrer = Referrer.PROFESSIONAL,
        at: dt.datetime | None = None,
        answers: tuple[tuple[str, Any], ...] = (),
        **more: Any,
    ) -> None:
        """A case; answers may also be given by their question ids as keywords
        (``Case(level=4, consent="refused")``, as before policy packs), after
        ``answers``. They are checked against the authority when it is routed."""
        if more:
            answers = (*answers, *((name, plain(value)) for name, value in more.items()))
        self.__attrs_init__(immediate_danger, significant_harm, referrer, at, answers)

    def __getattr__(self, name: str) -> Any:
        """An answer by its question's id (``case.level``)."""
        if not name.startswith("_"):
            for key, value in object.__getattribute__(self, "answers"):
                if key == name:
                    return value
        raise AttributeError(name)

    def answer(self, name: str, default: Any = None) -> Any:
        """The answer to question ``name``, or ``default`` when the case has none."""
        for key, value in self.answers:
            if key == name:
                return value
        return default

    def facts(self) -> dict[str, Any]:
        """The case as the decision table reads it: every field but the time."""
        return {
            "immediate_danger": self.immediate_danger,
            "significant_harm": self.significant_harm,
            "referrer": self.referrer.value,
            **dict(self.answers),
        }

    def key(self) -> tuple[Any, ...]:
        """Every field but the time: what the reused part of a guidance depends on."""
        return (self.immediate_danger, self.significant_harm, self.referrer, self.answers)
