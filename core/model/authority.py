"""An authority as a plugin supplies it: documents, citations, contacts and their
hours, levels, step and consent texts. Data only, small frozen attrs classes."""

from __future__ import annotations

import attrs

from threshold.core.model.enums import BankHolidays, HoursKind, Purpose


@attrs.frozen
class Document:
    """A source document that the data cites.

    Attributes:
        id: Stable identifier used in citations.
        seed: File name of the source text in ``shared/seeds``.
        title: The document's title.
        publisher: Who publishes it.
        date: Date of the document (ISO), or None where the document gives none.
        date_text: The date as the document states it, or "not stated".
        url: Address of the original, where the source gives one.
    """

    id: str
    seed: str
    title: str
    publisher: str
    date_text: str
    date: str | None = None
    url: str | None = None


@attrs.frozen
class Citation:
    """Where a fact comes from: a document and a section heading in it.

    Attributes:
        document: Id of a :class:`Document` of the authority.
        section: The section or heading the fact is in.
        quote: A short quotation of the source, where useful.
    """

    document: str
    section: str
    quote: str | None = None


# ------------------------------------------------------------------- contacts


@attrs.frozen
class OpeningHours:
    """Opening hours of a contact point, in Europe/London local time.

    Attributes:
        kind: ``always``, ``weekly`` or ``unstated`` (the source gives no hours).
        text: The hours in words, as a person would read them.
        days: Weekday numbers (0 = Monday) when open, or None when the source
            does not state the days (``weekly`` only).
        opens: Opening time "HH:MM" (``weekly`` only).
        closes: Closing time "HH:MM" (``weekly`` only).
        bank_holidays: ``closed``, ``open`` or ``unstated``.
    """

    kind: HoursKind
    text: str
    days: tuple[int, ...] | None = None
    opens: str | None = None
    closes: str | None = None
    bank_holidays: BankHolidays = BankHolidays.UNSTATED


@attrs.frozen
class Contact:
    """A contact point: a phone line, an online system, an inbox or a meeting.

    Attributes:
        id: Stable id, unique within the authority.
        name: Name as the source gives it.
        purpose: What the contact is for.
        phone: Phone number as the source prints it, or None (online systems).
        url: Web address as the source prints it, or None.
        hours: Opening hours.
        citations: Where the number, purpose and hours come from.
        note: A caveat to show with the contact (for example a silent source).
    """

    id: str
    name: str
    purpose: Purpose
    hours: OpeningHours
    citations: tuple[Citation, ...]
    phone: str | None = None
    url: str | None = None
    note: str | None = None


# ------------------------------------------------------------------- levels, steps


@attrs.frozen
class Level:
    """A level of need (1 universal, 2 emerging needs, 3 intensive, 4 specialist).

    Attributes:
        number: 1 to 4.
        name: Name as the threshold document gives it.
        summary: One-paragraph summary from the threshold document.
        citations: Where the name and summary come from.
    """

    number: int
    name: str
    summary: str
    citations: tuple[Citation, ...]


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
class RecordKeepingDuties:
    """The record-keeping duties that apply to every route."""

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
class Authority:
    """A local authority as an authority plugin supplies it: data only.

    Attributes:
        id: Stable id, lower case with underscores (``derbyshire``).
        name: The authority's name.
        policy_document: Id of the threshold document it follows.
        applies_from: Date (ISO) the data applies from.
        reviewed: Date (ISO) the data was last checked against its sources.
        review_due: Date (ISO) the data must be checked again by.
        documents: The source documents cited.
        levels: Levels of need 1-4.
        contacts: Contact points.
        steps: Step texts by step id.
        route_summaries: One sentence per route id.
        consent: Consent guidance by situation id.
        record_keeping: Record-keeping duties for every route.
        silences: Where the sources are silent, by topic, in words.
        extra_steps: Extra step ids the authority adds to a route, by route id.
        question_hints: Hints for the web tool's questions, by question id
            (:data:`threshold.core.model.vocabulary.QUESTION_IDS`), with citations.
    """

    id: str
    name: str
    policy_document: str
    applies_from: str
    reviewed: str
    review_due: str
    documents: tuple[Document, ...]
    levels: tuple[Level, ...]
    contacts: tuple[Contact, ...]
    steps: dict[str, StepText]
    route_summaries: dict[str, str]
    consent: dict[str, ConsentText]
    record_keeping: RecordKeepingDuties
    silences: dict[str, str] = attrs.field(factory=dict)
    extra_steps: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    question_hints: dict[str, QuestionHint] = attrs.field(factory=dict)
    #: Contacts by purpose, made on first use (derived from ``contacts``).
    _by_purpose: dict[Purpose, tuple[Contact, ...]] | None = attrs.field(
        default=None, init=False, repr=False, eq=False
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
        """Return the contacts with this purpose, in data order."""
        by_purpose = self._by_purpose
        if by_purpose is None:
            by_purpose = {p: tuple(c for c in self.contacts if c.purpose is p) for p in Purpose}
            object.__setattr__(self, "_by_purpose", by_purpose)
        return by_purpose[purpose]

    def level(self, number: int) -> Level:
        """Return level ``number`` (KeyError if missing)."""
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)
