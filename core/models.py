"""The core data model: small frozen attrs classes, one job each.

Everything an authority plugin supplies (levels, contacts, steps, documents) and
everything the engine returns (guidance) is one of these classes. They are
structured from and unstructured to JSON by the one converter in
:mod:`threshold.core.convert`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

# --------------------------------------------------------------------------- enums


class Route(StrEnum):
    """The routes a concern can take; the engine gives exactly one per case."""

    EMERGENCY = "emergency"
    CHILD_PROTECTION = "child-protection"
    REQUEST_FOR_SUPPORT = "request-for-support"
    EARLY_HELP_FIRST = "early-help-first"
    VULNERABLE_CHILDRENS_MEETING = "vulnerable-childrens-meeting"
    ONLINE_REFERRAL = "online-referral"
    EARLY_HELP = "early-help"
    UNIVERSAL = "universal"
    PUBLIC_CONTACT = "public-contact"
    ADVICE = "advice"


class EarlyHelpAssessment(StrEnum):
    """Status of the Early Help Assessment (EHA) for the case."""

    COMPLETED = "completed"
    NONE = "none"
    DECLINED = "declined"


class Consent(StrEnum):
    """Consent to share information and refer."""

    GIVEN = "given"
    REFUSED = "refused"
    NOT_SOUGHT = "not-sought"
    UNSAFE_TO_SEEK = "unsafe-to-seek"


class Referrer(StrEnum):
    """Who is raising the concern."""

    PROFESSIONAL = "professional"
    PUBLIC = "public"


class Setting(StrEnum):
    """A practitioner's setting, where it changes the advice."""

    TIME_LIMITED = "time-limited"


class Purpose(StrEnum):
    """What a contact point is for; also its urgency rank (listed most urgent first)."""

    EMERGENCY = "emergency"
    CHILD_PROTECTION = "child-protection"
    PUBLIC = "public"
    PROFESSIONAL_ADVICE = "professional-advice"
    OUT_OF_HOURS_ADVICE = "out-of-hours-advice"
    ONLINE_REFERRAL = "online-referral"
    INBOX = "inbox"
    MEETING = "meeting"


PURPOSE_RANK = {purpose: rank for rank, purpose in enumerate(Purpose)}


class BankHolidays(StrEnum):
    """How a contact behaves on England's bank holidays, as the source states it."""

    CLOSED = "closed"
    OPEN = "open"
    UNSTATED = "unstated"


class HoursKind(StrEnum):
    """What the source says about a contact's hours."""

    ALWAYS = "always"  # 24 hours a day, every day
    WEEKLY = "weekly"  # a daily time window, on stated days or days not stated
    UNSTATED = "unstated"  # the source gives no hours


# ------------------------------------------------------------------- sources


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
class RecordKeeping:
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
            (:data:`threshold.core.wizard.QUESTION_IDS`), with citations.
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
    record_keeping: RecordKeeping
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


# ------------------------------------------------------------------- case


@attrs.frozen
class Case:
    """The facts of a concern that decide its route. It holds no personal data.

    Attributes mirror ``schemas/case.schema.json``; see that file for meanings.
    ``at`` is an aware datetime (Europe/London when the input had no offset).
    """

    level: int | None = None
    immediate_danger: bool = False
    significant_harm: bool = False
    non_mobile_baby_bruising: bool = False
    early_help_assessment: EarlyHelpAssessment = EarlyHelpAssessment.NONE
    sudden_escalation: bool = False
    consent: Consent = Consent.NOT_SOUGHT
    referrer: Referrer = Referrer.PROFESSIONAL
    setting: Setting | None = None
    unborn: bool = False
    advice: bool = False
    at: dt.datetime | None = None

    @property
    def child_protection(self) -> bool:
        """True when the case is a child-protection concern (significant harm or
        bruising on a non-mobile baby)."""
        return self.significant_harm or self.non_mobile_baby_bruising


# ------------------------------------------------------------------- guidance


@attrs.frozen
class SourceInfo:
    """Where a guidance came from: plugin, policy document and data review dates."""

    plugin: str
    plugin_version: str
    document: str
    document_date: str | None
    data_reviewed: str
    data_review_due: str


@attrs.frozen
class AuthorityRef:
    """The authority a guidance is for."""

    id: str
    name: str


@attrs.frozen
class CitationOut:
    """A citation as printed: seed file, section heading, document title and date."""

    seed: str
    section: str
    document: str
    document_date: str | None
    quote: str | None = None


@attrs.frozen
class ContactAdvice:
    """A contact as advised for this case, with whether it is open at the case time.

    ``alternative`` and ``when_closed`` are set only when the contact is closed at
    the case time: the id of the contact the sources give for the same purpose that
    is not closed then (listed before this one), or None when they give none; and
    one sentence saying when it next opens (or that the sources do not say) and
    what to use meanwhile.
    """

    id: str
    name: str
    purpose: Purpose
    phone: str | None
    url: str | None
    hours: str
    open: bool | None
    next_open: str | None
    why: str
    citations: tuple[CitationOut, ...]
    note: str | None = None
    alternative: str | None = None
    when_closed: str | None = None


@attrs.frozen
class FollowUp:
    """A duty to follow up, within so many hours, and how."""

    within_hours: int
    how: str


@attrs.frozen
class ConsentAdvice:
    """What consent the route needs, what to do, and what to record.

    ``required`` is None where the sources do not say whether consent is needed.
    """

    status: Consent
    required: bool | None
    guidance: tuple[str, ...]
    record: tuple[str, ...]
    citations: tuple[CitationOut, ...]


@attrs.frozen
class StepOut:
    """One step of the guidance, in order, with its reason and citations."""

    order: int
    id: str
    action: str
    reason: str
    citations: tuple[CitationOut, ...]


@attrs.frozen
class Warning:
    """A warning: something the sources do not say, or a caveat the user must see."""

    code: str
    message: str


@attrs.frozen
class RecordStep:
    """One step as a decision record lists it.

    Attributes:
        order: Its place in the guidance, from 1.
        id: The step id in the authority's data.
        action: What to do, as the guidance says it.
    """

    order: int
    id: str
    action: str


@attrs.frozen
class DecisionRecord:
    """A record of one decision, for the practitioner's case records. No personal data.

    Attributes mirror ``schemas/record.schema.json``:

    Attributes:
        format: ``threshold.record/1``.
        id: The decision id: the first 32 hex digits of the SHA-256 of the canonical
            JSON of every other field (see :func:`threshold.core.record.decision_id`).
        at: The time the guidance is for (ISO 8601 with offset).
        recorded_at: When the record was made (UTC, ISO 8601, microseconds).
        engine: The threshold package and version ("threshold 0.1.0").
        authority: The authority.
        source: Plugin and version, policy document and date, data review dates.
        route: The route advised.
        level: The level of need given, or None.
        eha_required: Whether the route needs a completed Early Help Assessment.
        steps: The steps advised, in order.
        contacts: Ids of the contacts advised, in the guidance's order.
        case: The case as routed (defaults filled in, ``at`` set).
        deciding_fields: The case fields for which any other allowed value would
            have given a different route.
    """

    format: str
    id: str
    at: str
    recorded_at: str
    engine: str
    authority: AuthorityRef
    source: SourceInfo
    route: Route
    level: int | None
    eha_required: bool
    steps: tuple[RecordStep, ...]
    contacts: tuple[str, ...]
    case: Case
    deciding_fields: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the record as JSON-ready data matching ``schemas/record.schema.json``."""
        from threshold.core.convert import to_dict

        data: dict[str, object] = to_dict(self)
        return data


@attrs.frozen
class Guidance:
    """The engine's answer for one case: route, contacts, steps, consent, citations.

    ``format`` versions the JSON shape (``schemas/guidance.schema.json``).
    ``record`` is the decision record, only when one was asked for (it is left out
    of the JSON when None).
    """

    format: str
    at: str
    source: SourceInfo
    authority: AuthorityRef
    level: int | None
    level_name: str | None
    route: Route
    summary: str
    eha_required: bool
    contacts: tuple[ContactAdvice, ...]
    urgent_contacts: tuple[ContactAdvice, ...]
    follow_up: FollowUp | None
    consent: ConsentAdvice
    steps: tuple[StepOut, ...]
    record_keeping: tuple[str, ...]
    citations: tuple[CitationOut, ...]
    warnings: tuple[Warning, ...]
    disclaimer: str
    record: DecisionRecord | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the guidance as JSON-ready data matching ``schemas/guidance.schema.json``."""
        from threshold.core.convert import to_dict

        data: dict[str, object] = to_dict(self)
        return data


@attrs.frozen
class RouteChoice:
    """An authority rule's answer for a non-urgent referral (level 3-4, or the public).

    Attributes:
        route: The route.
        eha_required: True when the route cannot go ahead without a completed
            (or updated) Early Help Assessment.
        steps: Step ids from the authority's data, in order.
        contacts: Contact ids from the authority's data, most urgent first.
        summary: Key in the authority's ``route_summaries`` (default: the route id).
        summary_values: Values for placeholders in the summary, such as ``why``.
        warnings: Caveats to show, such as a judgement the practitioner must make.
    """

    route: Route
    eha_required: bool
    steps: tuple[str, ...]
    contacts: tuple[str, ...] = ()
    summary: str | None = None
    summary_values: dict[str, str] = attrs.field(factory=dict)
    warnings: tuple[Warning, ...] = ()
