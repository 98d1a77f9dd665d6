"""What the engine gives for one case (guidance) and what an authority's Python
rule answers (a route choice, the escape hatch beside its decision table).
Structured from JSON by the one converter (:mod:`threshold.core.model.converter`);
``to_dict`` gives the same data without cattrs (:mod:`threshold.core.model.plain`)."""

from __future__ import annotations

import attrs

from threshold.core.model.case import Case
from threshold.core.model.enums import Purpose
from threshold.core.model.plain import OMIT_IF_DEFAULT, plain_data


@attrs.frozen
class VersionRef:
    """The dated version of the authority's data a guidance was given with.

    Attributes:
        name: The version's name (``id@name`` selects it again).
        hash: The content hash of its validated data (32 hex digits).
        in_force_from: Its first day in force (ISO), or None: since always.
        in_force_until: Its last day in force (ISO), or None: until replaced.
    """

    name: str
    hash: str
    in_force_from: str | None
    in_force_until: str | None


@attrs.frozen
class SourceInfo:
    """Where a guidance came from: plugin, policy document, data review dates and the
    version of the data (left out only for an authority made in code, not loaded)."""

    plugin: str
    plugin_version: str
    document: str
    document_date: str | None
    data_reviewed: str
    data_review_due: str
    version: VersionRef | None = attrs.field(default=None, metadata={OMIT_IF_DEFAULT: True})


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
    email: str | None = None
    phone_option: str | None = None


@attrs.frozen
class FollowUp:
    """A duty to follow up, within so many hours, and how."""

    within_hours: int | None
    how: str


@attrs.frozen
class ConsentAdvice:
    """What consent the route needs, what to do, and what to record.

    ``required`` is None where the sources do not say whether consent is needed.
    """

    status: str | None
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
class GuidanceWarning:
    """A warning: something the sources do not say, or a caveat the user must see."""

    code: str
    message: str


@attrs.frozen
class DecisionStep:
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
            JSON of every other field (see :func:`threshold.core.engine.decision.decision_id`).
        at: The time the guidance is for (ISO 8601 with offset).
        recorded_at: When the record was made (UTC, ISO 8601, microseconds).
        engine: The threshold package and version ("threshold 0.1.0").
        authority: The authority.
        source: Plugin and version, policy document and date, data review dates.
        route: The route advised.
        level: The level of need given, or None.
        eha_required: Whether the route has a prerequisite (an assessment the pack
            requires first); kept for the JSON contract.
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
    route: str
    level: int | None
    eha_required: bool
    steps: tuple[DecisionStep, ...]
    contacts: tuple[str, ...]
    case: Case
    deciding_fields: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the record as JSON-ready data matching ``schemas/record.schema.json``."""
        data: dict[str, object] = plain_data(self)
        return data


@attrs.frozen
class Guidance:
    """The engine's answer for one case: route, contacts, steps, consent, citations.

    ``format`` versions the JSON shape (``schemas/guidance.schema.json``).
    ``route`` is the route's id in the authority's data, ``route_title`` its title
    and ``kind`` its kind (emergency, child-protection, referral, early-help,
    universal, advice, public); ``prerequisites`` are the ids of what the route needs
    done first (``eha_required`` is kept for compatibility: true when there is
    any). ``record`` is the decision record, only when one was asked for (it is
    left out of the JSON when None).
    """

    format: str
    at: str
    source: SourceInfo
    authority: AuthorityRef
    level: int | None
    level_name: str | None
    route: str
    summary: str
    eha_required: bool
    contacts: tuple[ContactAdvice, ...]
    urgent_contacts: tuple[ContactAdvice, ...]
    follow_up: FollowUp | None
    consent: ConsentAdvice
    steps: tuple[StepOut, ...]
    record_keeping: tuple[str, ...]
    citations: tuple[CitationOut, ...]
    warnings: tuple[GuidanceWarning, ...]
    disclaimer: str
    route_title: str = ""
    kind: str = ""
    prerequisites: tuple[str, ...] = ()
    record: DecisionRecord | None = attrs.field(default=None, metadata={OMIT_IF_DEFAULT: True})

    def to_dict(self) -> dict[str, object]:
        """Return the guidance as JSON-ready data matching ``schemas/guidance.schema.json``."""
        data: dict[str, object] = plain_data(self)
        return data


@attrs.frozen
class RouteChoice:
    """What an authority's Python rule answers, where its decision table cannot say
    it (the escape hatch): a route of its data, as a table row would give it.

    Attributes:
        route: The id of a route in the authority's data.
        variant: A name the route's parts can test (``when = {variant = ...}``).
        values: Values for placeholders in the route's texts, such as ``why``.
    """

    route: str
    variant: str | None = None
    values: dict[str, str] = attrs.field(factory=dict)
