"""A policy's levels of need and its questions: the case fields beyond the urgent part."""

from __future__ import annotations

from typing import Any

import attrs

from threshold.core.model.enums import Band, QuestionType
from threshold.core.model.sources import Citation


@attrs.frozen
class Level:
    """A level of need, as the policy document names it.

    Attributes:
        number: Its value in a case (``level``).
        name: Name as the document gives it.
        summary: One-paragraph summary from the document.
        band: Its comparison band (universal, emerging, intensive, specialist).
        citations: Where the name and summary come from.
    """

    number: int
    name: str
    summary: str
    band: Band
    citations: tuple[Citation, ...]


@attrs.frozen
class Choice:
    """One answer to a choice question: its value, its label, its words in a sentence."""

    value: str
    label: str
    words: str | None = None


@attrs.frozen
class Question:
    """A question of the policy: a case field beyond the core's urgent part.

    Attributes:
        id: The case field that holds the answer.
        type: ``boolean``, ``choice`` or ``level`` (the authority's levels).
        title: The question as the web tool asks it.
        words: The field in a list of conditions ("assessment").
        help: One line for the command line's help and the case schema.
        citations: Where the question comes from.
        choices: A choice question's answers.
        nullable: The question may be left unanswered (None).
        default: The answer when none is given.
        short: The web tool's id for it (default: ``id``).
        option: Its command-line option (default: ``--id`` with hyphens).
        public_title: The question as a member of the public is asked it.
        yes: A boolean's "yes" as the web tool offers it.
        no: A boolean's "no", or a nullable choice's "none", as the web tool offers it.
        role: ``consent`` when the answer is the guidance's consent status.
        urgent: ``child-protection`` when a true answer makes a case a child
            protection concern (its flag is read even from invalid input).
        harm_option: The web tool offers a true answer as a choice of the core's
            significant-harm question, with this label.
        web: False when the web tool never asks it.
        matrix: False when the comparison matrix leaves it at its default.
    """

    id: str
    type: QuestionType
    title: str
    words: str
    help: str
    citations: tuple[Citation, ...]
    choices: tuple[Choice, ...] = ()
    nullable: bool = False
    default: Any = None
    short: str | None = None
    option: str | None = None
    public_title: str | None = None
    yes: str | None = None
    no: str | None = None
    role: str | None = None
    urgent: str | None = None
    harm_option: str | None = None
    web: bool = True
    matrix: bool = True

    @property
    def web_id(self) -> str:
        """The id the web tool uses."""
        return self.short or self.id

    @property
    def cli_option(self) -> str:
        """The command-line option."""
        return self.option or "--" + self.id.replace("_", "-")
