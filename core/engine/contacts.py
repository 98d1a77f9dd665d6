"""Contact order. The route gives the contacts in the order the person needs them
(urgent lines first). Contacts for the same purpose are alternatives to each
other, and so are a professional advice line and the out-of-hours advice line
the sources give for the times it is closed. Among alternatives, one open now (or
whose hours the sources do not state) comes before one closed now. That part
depends on the time, so it is decided on every call, from what was prepared once
per case."""

from __future__ import annotations

import bisect
import datetime as dt

import attrs

from threshold.core.engine.hours import Lookup, bounds_of, day_and_minute, open_state
from threshold.core.engine.wording import (
    CACHE_LIMIT,
    WHY,
    cite_all,
    contact_label,
    contact_placeholders,
)
from threshold.core.model.authority import Authority, Contact, OpeningHours
from threshold.core.model.clock import describe_moment
from threshold.core.model.enums import (
    HoursKind,
    Purpose,
)
from threshold.core.model.guidance import (
    CitationOut,
    ContactAdvice,
)
from threshold.core.model.identity import per_object

_ROLE = {Purpose.OUT_OF_HOURS_ADVICE: Purpose.PROFESSIONAL_ADVICE}
#: At most this many contact orders, and contact advices, are kept (a year of days
#: for every route's contacts; a bound on memory when times are spread over years).
_KEPT = 20_000


def contact_role(purpose: Purpose) -> Purpose:
    """The role of a contact of this purpose: contacts with one role are alternatives
    (the out-of-hours advice line is the advice line's alternative outside its hours)."""
    return _ROLE.get(purpose, purpose)


@attrs.frozen(eq=False)  # compared and hashed by identity: a key of _CLOSED
class Slot:
    """A contact as prepared for a case: its advice without the time-dependent parts,
    its hours, its group (contacts of one role share the place of the first of them)
    and, for each alternative in its group in route order, the alternative's index
    and the sentence that names it."""

    template: ContactAdvice
    hours: OpeningHours
    group: int
    alternatives: tuple[tuple[int, str], ...]
    #: What to say when no alternative is open (the urgent lines still apply).
    no_alternative: str
    #: Finds another contact's hours, for hours outside another contact's.
    lookup: Lookup | None = None
    #: The template's fields before and after the time-dependent ones (open,
    #: next_open), to make the contact's advice at a time in one call.
    head: tuple[str, str, Purpose, str | None, str | None, str] = attrs.field(
        init=False, repr=False
    )
    tail: tuple[str, tuple[CitationOut, ...], str | None] = attrs.field(init=False, repr=False)
    #: The template's ways to reach the contact besides the phone: email, phone option.
    contact: tuple[str | None, str | None] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        t = self.template
        object.__setattr__(self, "head", (t.id, t.name, t.purpose, t.phone, t.url, t.hours))
        object.__setattr__(self, "tail", (t.why, t.citations, t.note))
        object.__setattr__(self, "contact", (t.email, t.phone_option))


def prepare_contacts(
    authority: Authority, listed: list[tuple[Contact, Purpose]]
) -> tuple[Slot, ...]:
    """Prepare the contacts a route lists (in route order, each with the purpose it
    is listed for) for :func:`contacts_at` (once per authority and list: the
    prepared contacts are shared by every guidance that lists them)."""
    held = _prepared(authority)
    key = tuple((contact, purpose) for contact, purpose in listed)
    try:
        found = held.get(key)
    except TypeError:  # a contact that cannot be hashed: prepared, not kept
        return _prepare(authority, listed)
    if found is None:
        found = held[key] = _prepare(authority, listed)
    return found


@per_object
def _prepared(_: Authority) -> dict[tuple[tuple[Contact, Purpose], ...], tuple[Slot, ...]]:
    """Prepared contacts of an authority, by the contacts listed with their purposes."""
    return {}


def _prepare(authority: Authority, listed: list[tuple[Contact, Purpose]]) -> tuple[Slot, ...]:
    contacts = [contact for contact, _ in listed]
    roles = [contact_role(purpose) for _, purpose in listed]
    lookup = _lookup(authority)
    urgent = contact_placeholders(authority)["child_protection_line"]
    has_urgent = bool(authority.contacts_for(Purpose.CHILD_PROTECTION))
    slots = []
    for index, contact in enumerate(contacts):
        group = roles.index(roles[index])
        alternatives = tuple(
            (other, _meanwhile(contacts[other]))
            for other in range(len(contacts))
            if other != index and roles[other] is roles[index]
        )
        if listed[index][1] in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION) or not has_urgent:
            fallback = (
                "No other contact in the sources does this while it is closed; if a child is "
                "in immediate danger, ring 999."
            )
        else:
            fallback = (
                "No other contact in the sources does this while it is closed; if it becomes "
                f"urgent, ring {urgent}, or 999 if a child is in immediate danger."
            )
        template, hours = contact_template(authority, contact)
        slots.append(Slot(template, hours, group, alternatives, fallback, lookup))
    return tuple(slots)


@per_object
def _lookup(authority: Authority) -> Lookup:
    """Finds a contact's hours by id (for a duty service outside another's hours);
    one per authority, so the contacts' states are shared between its guidance."""

    def hours_of(contact_id: str) -> OpeningHours:
        return authority.contact(contact_id).hours

    return hours_of


def _meanwhile(alternative: Contact) -> str:
    why = WHY[alternative.purpose].rstrip(".")
    return (
        f"Meanwhile, the sources give {contact_label(alternative)} for {why[0].lower()}{why[1:]}."
    )


def _when_it_opens(hours: OpeningHours, opening: dt.datetime | None) -> str:
    if opening is not None:
        return f"Next known to open: {describe_moment(opening)}."
    unknown_days = [w for w in hours.windows if w.days is None]
    if hours.kind is HoursKind.WEEKLY and unknown_days:
        window = unknown_days[0]
        return (
            f"When it next opens is not known: it is open from {window.opens} to "
            f"{window.closes}, and the sources do not say on which days."
        )
    return f"When it next opens is not known from the sources (its hours: {hours.text})."


def contacts_at(slots: tuple[Slot, ...], when: dt.datetime) -> tuple[ContactAdvice, ...]:
    """The contacts at ``when``: whether each is open and when it next opens; any
    closed one after its alternatives that are not closed, saying when it opens
    and which alternative to use meanwhile.

    Between two of the minutes at which any of the contacts opens or closes, none of
    their states changes on one day (see :func:`threshold.core.engine.hours.open_state`),
    so the contacts are worked out once per such stretch of a day and shared."""
    moment = day_and_minute(when)
    if moment is None:
        return _contacts_now(slots, when)
    days = _days_of(slots)
    row = days.rows.get(moment[0])
    if row is None:
        if len(days.rows) >= _DAYS_KEPT:
            days.rows.clear()
        row = days.rows[moment[0]] = [None] * (len(days.bounds) + 1)
    stretch = bisect.bisect_right(days.bounds, moment[1])
    made = row[stretch]
    if made is None:
        made = row[stretch] = _contacts_now(slots, when)
    return made


@attrs.frozen(eq=False)
class _Days:
    """A prepared list of contacts, the minutes at which any of them opens or closes,
    and its contacts by day, one for each stretch of the day between those minutes."""

    slots: tuple[Slot, ...]
    bounds: tuple[int, ...]
    rows: dict[dt.date, list[tuple[ContactAdvice, ...] | None]] = attrs.field(factory=dict)


#: The :class:`_Days` of each prepared list of contacts, by its identity (a few dozen:
#: one per route's contacts); the stored list keeps its id from reuse.
_DAYS: dict[int, _Days] = {}
#: At most this many days are kept per list (a year of times and more).
_DAYS_KEPT = 400


def _days_of(slots: tuple[Slot, ...]) -> _Days:
    days = _DAYS.get(id(slots))
    if days is None or days.slots is not slots:
        bounds = {b for slot in slots for b in bounds_of(slot.hours, slot.lookup)}
        if len(_DAYS) >= _KEPT:
            _DAYS.clear()
        days = _DAYS[id(slots)] = _Days(slots, tuple(sorted(bounds)))
    return days


def _contacts_now(slots: tuple[Slot, ...], when: dt.datetime) -> tuple[ContactAdvice, ...]:
    """:func:`contacts_at`, worked out from each contact's state."""
    states = tuple(open_state(slot.hours, when, slot.lookup) for slot in slots)
    key = (slots, states)
    made = _ORDERED.get(key)
    if made is None:
        made = _ordered(slots, states)
        if len(_ORDERED) >= _KEPT:
            _ORDERED.clear()
        _ORDERED[key] = made
    return made


#: The contacts in order, by the prepared contacts and each one's state (open, next
#: opening): the same few orders recur for every case of a route.
_ORDERED: dict[
    tuple[tuple[Slot, ...], tuple[tuple[bool | None, str | None], ...]],
    tuple[ContactAdvice, ...],
] = {}


def _ordered(
    slots: tuple[Slot, ...], states: tuple[tuple[bool | None, str | None], ...]
) -> tuple[ContactAdvice, ...]:
    """The contacts in the order to use them, given each one's state."""
    found = [_at(slot, state) for slot, state in zip(slots, states, strict=True)]
    for advice in found:
        if advice.open is False:
            break
    else:  # nothing closed: the route's order stands
        return tuple(found)
    order = sorted(range(len(slots)), key=lambda i: (slots[i].group, found[i].open is False, i))
    ordered = []
    for index in order:
        slot, advice = slots[index], found[index]
        if advice.open is not False:
            ordered.append(advice)
            continue
        alternative = next((a for a in slot.alternatives if found[a[0]].open is not False), None)
        key = (slot, advice.next_open, alternative[0] if alternative else -1)
        sentence = _CLOSED.get(key)
        if sentence is None:
            opening = dt.datetime.fromisoformat(advice.next_open) if advice.next_open else None
            meanwhile = alternative[1] if alternative else slot.no_alternative
            sentence = f"{_when_it_opens(slot.hours, opening)} {meanwhile}"
            if len(_CLOSED) >= CACHE_LIMIT:
                _CLOSED.clear()
            _CLOSED[key] = sentence
        other = slots[alternative[0]].template.id if alternative else None
        ordered.append(
            ContactAdvice(
                *slot.head, False, advice.next_open, *slot.tail, other, sentence, *slot.contact
            )
        )
    return tuple(ordered)


def _at(slot: Slot, state: tuple[bool | None, str | None]) -> ContactAdvice:
    """The contact with whether it is open and when it next opens (``state``)."""
    opened, text = state
    key = (slot, opened, text)
    advice = _ADVICE.get(key)
    if advice is None:
        advice = ContactAdvice(*slot.head, opened, text, *slot.tail, None, None, *slot.contact)
        if len(_ADVICE) >= _KEPT:
            _ADVICE.clear()
        _ADVICE[key] = advice
    return advice


#: A contact's advice by (contact, open, next opening): it is frozen, and the same
#: few recur for every call (a line is open, or closed until its next opening).
_ADVICE: dict[tuple[Slot, bool | None, str | None], ContactAdvice] = {}


#: The sentence for a closed contact, by (contact, next opening, alternative index):
#: the same few sentences recur for every call while a line is closed.
_CLOSED: dict[tuple[Slot, str | None, int], str] = {}


def contact_template(authority: Authority, contact: Contact) -> tuple[ContactAdvice, OpeningHours]:
    """A contact's advice without the parts that depend on the time, and its hours."""
    template = ContactAdvice(
        id=contact.id,
        name=contact.name,
        purpose=contact.purpose,
        phone=contact.phone,
        url=contact.url,
        hours=contact.hours.text,
        open=None,
        next_open=None,
        why=WHY[contact.purpose],
        citations=cite_all(authority, contact.citations),
        note=contact.note,
        email=contact.email,
        phone_option=contact.phone_option,
    )
    return template, contact.hours
