"""Referral forms as data: one model (attrs, frozen).

A form is an ordered list of sections; a section is an ordered list of items; a
group item holds items of its own. Every item has a stable id, unique in its
form, used unchanged as the JSON Pointer segment of its answer (``/consent``),
the HTML ``id``/``name`` and the FHIR ``linkId``.

Conditions are data: ``{"all" | "any": [{"item", "op", "value"}]}``. The one
evaluator of them is :mod:`threshold.core.forms.evaluate`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

import attrs

Answer = str | bool | dict[str, Any]
Answers = Mapping[str, Any]


class ItemType(StrEnum):
    """The kind of an item, which decides the shape of its answer."""

    TEXT = "text"
    LONG_TEXT = "long-text"
    DATE = "date"
    YES_NO = "yes-no"
    CHOICE = "choice"
    ATTACHMENT = "attachment"
    GROUP = "group"
    DISPLAY = "display"


#: Item types that take no answer.
NOT_QUESTIONS = frozenset({ItemType.GROUP, ItemType.DISPLAY})


class Op(StrEnum):
    """How a condition tests an earlier answer.

    ``equals``, ``not-equals`` and ``in`` are true only when the item is
    answered; ``answered`` and ``not-answered`` test presence alone.
    """

    EQUALS = "equals"
    NOT_EQUALS = "not-equals"
    IN = "in"
    ANSWERED = "answered"
    NOT_ANSWERED = "not-answered"


class Mode(StrEnum):
    """Whether all tests of a condition must hold, or any one."""

    ALL = "all"
    ANY = "any"


@attrs.frozen
class Test:
    """One test of a condition.

    Attributes:
        item: Id of an earlier question.
        op: The operator.
        value: A string (text, date or choice value) or boolean (yes/no) for
            ``equals``/``not-equals``; a tuple of strings for ``in``; None for
            ``answered``/``not-answered``.
    """

    item: str
    op: Op
    value: str | bool | tuple[str, ...] | None = None


@attrs.frozen
class FormCondition:
    """A condition: ``mode`` (all or any) over one or more tests."""

    mode: Mode
    tests: tuple[Test, ...]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> FormCondition:
        """A form condition from its data shape ``{"all" | "any": [tests]}``."""
        (mode, tests), *_rest = data.items()
        return cls(
            Mode(mode),
            tuple(
                Test(
                    test["item"],
                    Op(test["op"]),
                    tuple(test["value"])
                    if isinstance(test.get("value"), list)
                    else test.get("value"),
                )
                for test in tests
            ),
        )

    def to_data(self) -> dict[str, Any]:
        """The condition in its data shape ``{"all" | "any": [tests]}``."""
        tests = []
        for test in self.tests:
            out: dict[str, Any] = {"item": test.item, "op": test.op.value}
            if test.value is not None:
                out["value"] = list(test.value) if isinstance(test.value, tuple) else test.value
            tests.append(out)
        return {self.mode.value: tests}


@attrs.frozen
class SourceRef:
    """Where a part of a form comes from: a seed file and a section heading in it.

    Attributes:
        seed: File name of the source text in ``shared/seeds``.
        section: The section or heading, as the document words it.
        quote: A short quotation, where useful.
    """

    seed: str
    section: str
    quote: str | None = None


@attrs.frozen
class Choice:
    """One option of a choice item: a stable value and the words shown for it."""

    value: str
    label: str
    hint: str | None = None


@attrs.frozen
class PrefillRule:
    """Another way a case fills an item in, tried when the item's own ``prefill``
    fact gives no valid answer: when every fact of ``when`` has its value (facts as
    :func:`threshold.core.forms.prefill.case_facts` gives them, from the fields the
    user gave), the item is filled in with ``answer``.

    Attributes:
        when: (fact, value) pairs; all must hold.
        answer: The answer it gives (a choice value, or true or false).
    """

    when: tuple[tuple[str, str | bool], ...]
    answer: str | bool

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PrefillRule:
        """A prefill rule from its data shape ``{"when": {fact: value}, "answer": value}``."""
        return cls(tuple(data["when"].items()), data["answer"])

    def to_data(self) -> dict[str, Any]:
        """This rule as data (the inverse of :meth:`from_data`)."""
        return {"when": dict(self.when), "answer": self.answer}


@attrs.frozen
class Item:
    """One item of a form.

    Attributes:
        id: Stable id, unique in the form: JSON Pointer segment, HTML id/name, FHIR linkId.
        type: The kind of item.
        label: The question, or the text of a display item, or a group's heading.
        hint: Help shown under the label.
        required: True when a shown item must be answered.
        choices: The options of a choice item, in order.
        shown_when: Shown only when this condition holds (None: always, when its
            section and group are shown).
        items: A group's items.
        prefill: Name of the case fact that fills this item in (see
            :func:`threshold.core.forms.prefill.case_facts`), or None.
        prefill_otherwise: Rules tried in order when ``prefill`` gives no valid
            answer (the first that holds fills the item in).
        cite: The seed sections that call for this item.
        source: ``"common-practice"`` when the seeds do not name the item and it is
            asked because multi-agency referral forms in England commonly ask it.
    """

    id: str
    type: ItemType
    label: str
    hint: str | None = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    shown_when: FormCondition | None = None
    items: tuple[Item, ...] = ()
    prefill: str | None = None
    prefill_otherwise: tuple[PrefillRule, ...] = ()
    cite: tuple[SourceRef, ...] = ()
    source: str | None = None

    @property
    def is_question(self) -> bool:
        """True when the item takes an answer (not a group or display text)."""
        return self.type not in NOT_QUESTIONS

    def choice(self, value: object) -> Choice | None:
        """Return the choice with this value, or None."""
        for choice in self.choices:
            if choice.value == value:
                return choice
        return None


@attrs.frozen
class Section:
    """A titled part of a form.

    Attributes:
        id: Stable id, unique in the form (FHIR linkId and HTML id of the section).
        title: Heading.
        items: Items in order.
        intro: Text shown under the heading.
        shown_when: Shown only when this condition holds.
        cite: Seed sections that call for this section.
        source: ``"common-practice"`` when the seeds do not name it.
    """

    id: str
    title: str
    items: tuple[Item, ...]
    intro: str | None = None
    shown_when: FormCondition | None = None
    cite: tuple[SourceRef, ...] = ()
    source: str | None = None


@attrs.frozen
class Form:
    """A referral form of one authority.

    Attributes:
        id: Stable id, unique in the authority.
        authority: Id of the authority the form belongs to.
        title: Title.
        summary: What the form is for and when to use it.
        routes: Route ids (``threshold route``) this form is the written form for.
        sections: Sections in order.
        cite: Seed sections that call for the form.
    """

    id: str
    authority: str
    title: str
    summary: str
    routes: tuple[str, ...]
    sections: tuple[Section, ...]
    cite: tuple[SourceRef, ...] = ()

    def items(self) -> Iterator[Item]:
        """Every item, groups' items included, in form order."""
        for section in self.sections:
            yield from _walk(section.items)

    def questions(self) -> Iterator[Item]:
        """Every item that takes an answer, in form order."""
        return (item for item in self.items() if item.is_question)

    def item(self, item_id: str) -> Item:
        """Return the item with this id (KeyError if none)."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def _walk(items: tuple[Item, ...]) -> Iterator[Item]:
    for item in items:
        yield item
        yield from _walk(item.items)
