"""An authority as its policy pack and its own data declare it: documents and
citations, levels (each with a comparison band), questions, contacts and their
hours, the texts of steps, summaries, consent and warnings, and the routes and
decision table (compiled, :mod:`threshold.core.model.tables`). Data only, small
frozen attrs classes; the core's own vocabulary is in :mod:`.enums`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs

from threshold.core.model.enums import BankHolidays, HoursKind, Kind, Purpose
from threshold.core.model.questions import Level, Question
from threshold.core.model.sources import Citation, Document
from threshold.core.model.tables import Part, Row

# ------------------------------------------------------------------- contacts


@attrs.frozen
class Window:
    """One weekly opening window, in Europe/London local time.

    Attributes:
        days: Weekday numbers (0 = Monday), or None where the source does not say.
        opens: Opening time "HH:MM".
        closes: Closing time "HH:MM" ("24:00": the end of the day).
    """

    days: tuple[int, ...] | None
    opens: str
    closes: str


@attrs.frozen
class OpeningHours:
    """Opening hours of a contact point, in Europe/London local time.

    Attributes:
        kind: ``always``, ``weekly``, ``unstated`` (the source gives no hours) or
            ``outside`` (whenever the contact ``of`` is closed: a duty service).
        text: The hours in words, as a person would read them.
        windows: ``weekly``: the opening windows.
        of: ``outside``: the id of the contact whose closed times these are.
        bank_holidays: ``closed``, ``open`` or ``unstated``.
    """

    kind: HoursKind
    text: str
    windows: tuple[Window, ...] = ()
    of: str | None = None
    bank_holidays: BankHolidays = BankHolidays.UNSTATED


@attrs.frozen
class Contact:
    """A contact point: a phone line, an email inbox, an online system or a meeting.

    Attributes:
        id: Stable id, unique within the authority.
        name: Name as the source gives it.
        purposes: What the contact is for; the first is how it is shown.
        hours: Opening hours.
        citations: Where the number, purpose and hours come from.
        phone: Phone number as the source prints it, or None.
        phone_option: The option to choose on the phone menu, where the source gives one.
        email: An email address, where the source gives one.
        url: Web address as the source prints it, or None.
        note: A caveat to show with the contact (for example a silent source).
        origin: Where it is written (``threshold_exampleshire/authority.toml:
            contacts[1]``), for messages; not compared.
    """

    id: str
    name: str
    purposes: tuple[Purpose, ...]
    hours: OpeningHours
    citations: tuple[Citation, ...]
    phone: str | None = None
    phone_option: str | None = None
    email: str | None = None
    url: str | None = None
    note: str | None = None
    origin: str = attrs.field(default="", eq=False)

    @property
    def purpose(self) -> Purpose:
        """The purpose it is shown with (the first)."""
        return self.purposes[0]


# ------------------------------------------------------------------- texts


@attrs.frozen
class StepText:
    """The words of one step of guidance, as data.

    Attributes:
        action: What to do, in plain English.
        reason: Why, in plain English.
        citations: Where the step comes from (at least one).
    """

    action: str
    reason: str
    citations: tuple[Citation, ...]


@attrs.frozen
class ConsentText:
    """Consent guidance for one situation, as data.

    Attributes:
        guidance: What to tell the practitioner.
        record: What they must record.
        citations: Where it comes from.
    """

    guidance: str
    record: tuple[str, ...]
    citations: tuple[Citation, ...]


@attrs.frozen
class WarningText:
    """A warning the rules can give: its code (``source-silent``, ...) and message."""

    code: str
    message: str
    citations: tuple[Citation, ...] = ()


@attrs.frozen
class Prerequisite:
    """Something a route needs done first (an assessment), with its citations."""

    name: str
    citations: tuple[Citation, ...]


@attrs.frozen
class RecordKeepingDuties:
    """The record-keeping duties of a practitioner, on every route."""

    always: str
    conversations: str
    citations: tuple[Citation, ...]


@attrs.frozen
class QuestionHint:
    """A hint for one of the web tool's questions, drawn from the sources.

    Attributes:
        text: The hint, in plain English, quoting the sources where it can.
        citations: Where it comes from (at least one).
    """

    text: str
    citations: tuple[Citation, ...]


@attrs.frozen
class RouteDef:
    """A route of the policy: its id, kind, title and compiled parts."""

    id: str
    kind: Kind
    title: str
    parts: tuple[Part, ...]


# ------------------------------------------------------------------- the authority


@attrs.frozen
class PackVersion:
    """One dated version of an authority's data (its policy pack and its own files).

    Attributes:
        name: The version's name (``2022-09``, ``draft``): what ``id@name`` selects.
        document_date: The policy document's own date (ISO), or None where it gives none.
        in_force_from: The first day (ISO) the version is in force, or None: since always
            (a plugin that declares no versions has one, undated).
        in_force_until: The last day (ISO) it is in force, or None: until replaced.
        note: What the sources say (or do not say) about these dates.
        hash: The content hash of the validated, merged data (32 hex digits),
            computed in one place (:func:`threshold.core.io.versions.content_hash`).
        files: The data files it was loaded from, in order.
    """

    name: str
    document_date: str | None
    in_force_from: str | None
    in_force_until: str | None
    note: str | None
    hash: str
    files: tuple[str, ...] = attrs.field(default=(), eq=False)
    #: The first and last days in force as dates (made once: routing compares them).
    _span: tuple[dt.date, dt.date] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        start = dt.date.fromisoformat(self.in_force_from) if self.in_force_from else dt.date.min
        end = dt.date.fromisoformat(self.in_force_until) if self.in_force_until else dt.date.max
        object.__setattr__(self, "_span", (start, end))

    def covers(self, day: dt.date) -> bool:
        """Whether the version is in force on ``day`` (the cheap test routing makes)."""
        return self._span[0] <= day <= self._span[1]

    def in_force_on(self, day: str) -> bool:
        """Whether the version is in force on ``day`` (ISO date)."""
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return self.in_force_until is None or day <= self.in_force_until


@attrs.frozen
class Authority:
    """An authority as its policy pack and its own data declare it, compiled.

    Attributes:
        id: Stable id, lower case with underscores (``derbyshire``).
        name: The authority's name.
        policy_document: Id of the threshold document it follows.
        applies_from: Date (ISO) the data applies from.
        reviewed: Date (ISO) the data was last checked against its sources.
        review_due: Date (ISO) the data must be checked again by.
        documents: The source documents cited.
        levels: The levels of need, in order.
        questions: The questions a case answers beyond the urgent part.
        contacts: Contact points.
        steps: Step texts by id.
        summaries: Summaries by id (one sentence per route, or per case of one).
        consent: Consent texts by id.
        warnings: Warning texts by id.
        prerequisites: What routes need done first, by id.
        record_keeping: Record-keeping duties.
        question_hints: Hints for the web tool's questions, by question id.
        routes: The routes by id.
        rules: The decision table, in order (the first matching row gives the route).
        additions: Parts applied after every route's own parts.
        pack: The id of the partnership's pack the data comes from, if any.
        version: The dated version of the data this is (None: made in code, not loaded).
    """

    id: str
    name: str
    policy_document: str
    applies_from: str
    reviewed: str
    review_due: str
    documents: tuple[Document, ...]
    levels: tuple[Level, ...]
    questions: tuple[Question, ...]
    contacts: tuple[Contact, ...]
    steps: Mapping[str, StepText]
    summaries: Mapping[str, str]
    consent: Mapping[str, ConsentText]
    warnings: Mapping[str, WarningText]
    prerequisites: Mapping[str, Prerequisite]
    record_keeping: RecordKeepingDuties
    question_hints: Mapping[str, QuestionHint]
    routes: Mapping[str, RouteDef]
    rules: tuple[Row, ...]
    additions: tuple[Part, ...] = ()
    pack: str | None = None
    version: PackVersion | None = None
    #: Contacts by purpose, made on first use (derived from ``contacts``).
    _by_purpose: dict[Purpose, tuple[Contact, ...]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def document(self, document_id: str) -> Document:
        """Return the document with this id (KeyError if the data has none)."""
        for document in self.documents:
            if document.id == document_id:
                return document
        raise KeyError(document_id)

    def contact(self, contact_id: str) -> Contact:
        """Return the contact with this id (KeyError if the data has none)."""
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        raise KeyError(contact_id)

    def contacts_for(self, purpose: Purpose) -> tuple[Contact, ...]:
        """Return the contacts that have this purpose, in data order."""
        found = self._by_purpose.get(purpose)
        if found is None:
            found = self._by_purpose[purpose] = tuple(
                c for c in self.contacts if purpose in c.purposes
            )
        return found

    def level(self, number: int) -> Level:
        """Return level ``number`` (KeyError if missing)."""
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)

    def question(self, question_id: str) -> Question:
        """Return the question with this id (KeyError if none)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def route_of(self, kind: Kind) -> RouteDef:
        """Return the route of an urgent kind (the data has exactly one of each)."""
        return next(r for r in self.routes.values() if r.kind is kind)

    def routes_of(self, kind: Kind) -> Iterator[RouteDef]:
        """The routes of this kind."""
        return (r for r in self.routes.values() if r.kind is kind)

    @property
    def consent_question(self) -> Question | None:
        """The question whose answer is the guidance's consent status, if any."""
        return next((q for q in self.questions if q.role == "consent"), None)
