"""Compare two or more authorities side by side: their contacts, and their routes
over the whole scenario matrix, with the source of every rule.

:func:`compare` builds a :class:`Comparison` (attrs data); renderers for text,
Markdown, HTML, CSV and JSON are in :mod:`threshold.core.compare_render`.

The scenario matrix (:mod:`threshold.core.matrix`) has 3,840 combinations per
authority. For a person to read it, combinations whose outcome is the same in
every authority are collapsed into rows: the matrix is split field by field in
precedence order (the urgent facts first), and values of a field that lead to
the same rows are merged ("level: 3 or 4"), so every row is a plain
combination of conditions and the urgent precedence is shown once. Every
combination, with each authority's outcome, stays in the CSV and JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from threshold.core.api import route
from threshold.core.engine import DISCLAIMER, contact_label
from threshold.core.errors import CaseError, FieldError
from threshold.core.grouping import Condition, conditions_of, group_rows
from threshold.core.hours import DAY_NAMES
from threshold.core.matrix import (
    FIELD_NAMES,
    URGENT_FIELDS,
    combinations,
    parsed,
    value_text,
)
from threshold.core.models import (
    Authority,
    BankHolidays,
    CitationOut,
    Contact,
    Guidance,
    HoursKind,
    OpeningHours,
    Purpose,
)
from threshold.core.registry import Registry
from threshold.core.render import ROUTE_TITLES

FORMAT = "threshold.compare/1"

NOT_STATED = "not stated"

#: Contact purposes in the order they are compared, with their titles.
PURPOSE_TITLES = {
    Purpose.EMERGENCY: "Emergency",
    Purpose.CHILD_PROTECTION: "Urgent / child protection",
    Purpose.PUBLIC: "Members of the public",
    Purpose.PROFESSIONAL_ADVICE: "Professional advice",
    Purpose.OUT_OF_HOURS_ADVICE: "Out of hours advice",
    Purpose.ONLINE_REFERRAL: "Online referral / request for support",
    Purpose.INBOX: "Inbox",
    Purpose.MEETING: "Meeting where an EHA is sent",
}


# ----------------------------------------------------------------------------- model


@attrs.frozen
class Footnote:
    """A source cited by the comparison, numbered once for the whole comparison.

    Attributes:
        number: Its number, from 1, in order of first use.
        seed: File name of the source text.
        section: The section heading.
        document: The document's title.
        document_date: The document's date (ISO), or None where it gives none.
    """

    number: int
    seed: str
    section: str
    document: str
    document_date: str | None


@attrs.frozen
class AuthorityColumn:
    """An authority compared, with its plugin, policy document and data dates.

    Attributes:
        id: Authority id.
        name: Authority name.
        plugin: The plugin (distribution) that supplies it.
        plugin_version: The plugin's version.
        policy_document: Title of its threshold document.
        policy_document_date: The document's date as it states it.
        data_reviewed: Date the data was last checked against its sources.
        data_review_due: Date the data must be checked again by.
    """

    id: str
    name: str
    plugin: str
    plugin_version: str
    policy_document: str
    policy_document_date: str
    data_reviewed: str
    data_review_due: str


@attrs.frozen
class ContactCell:
    """One contact of one authority, as compared.

    Attributes:
        name: Name as the source gives it.
        number: Phone number, or web address, or "not stated".
        hours: The hours in words.
        days: The days it is open, or "not stated".
        bank_holidays: "open", "closed" or "not stated".
        note: A caveat from the data, if any.
        footnotes: Numbers of the footnotes citing it.
    """

    name: str
    number: str
    hours: str
    days: str
    bank_holidays: str
    note: str | None
    footnotes: tuple[int, ...]

    def facts(self) -> tuple[str, str, str, str]:
        """What is compared: number, hours, days and bank holidays (not the citation)."""
        return (self.number, self.hours, self.days, self.bank_holidays)


@attrs.frozen
class ContactRow:
    """One purpose, with each authority's contacts side by side.

    Attributes:
        purpose: The purpose id.
        title: The purpose in words.
        cells: For each authority (in column order), its contacts of this purpose;
            empty where its sources state none.
        differs: True when the authorities' contacts differ.
    """

    purpose: str
    title: str
    cells: tuple[tuple[ContactCell, ...], ...]
    differs: bool


@attrs.frozen
class Outcome:
    """What one authority does for one combination: what is compared.

    Attributes:
        route: Route id, or "no-route" when the plugin gave none.
        eha_required: True when the route needs an Early Help Assessment first.
        follow_up_hours: Hours within which to follow up in writing, or None.
        silent: True when the route rests on a source that is silent.
    """

    route: str
    eha_required: bool
    follow_up_hours: int | None
    silent: bool


@attrs.frozen
class ShownOutcome:
    """An authority's outcome for a scenario row, with the words to show.

    Attributes:
        outcome: What is compared.
        title: The route in words.
        summary: The route summary, for the row's example combination.
        first_contact: The first contact named (name and number), or None.
        notes: Where the sources are silent about this route, in words.
        footnotes: Numbers of the footnotes citing the route's steps.
    """

    outcome: Outcome
    title: str
    summary: str
    first_contact: str | None
    notes: tuple[str, ...]
    footnotes: tuple[int, ...]


@attrs.frozen
class ScenarioRow:
    """A set of combinations with the same outcome in every authority.

    Attributes:
        number: Row number, from 1, in precedence order.
        urgent: True for rows where an urgent fact is raised.
        conditions: The fields that define the row (a field not listed may take
            any value).
        example: The combination whose words are shown (index in the matrix).
        example_text: Where the row covers several values of a field, the values
            of its example ("level: 3"), so its words are read as an example.
        outcomes: Each authority's outcome with its words, in column order.
        differs: True when the authorities' outcomes differ.
        combinations: Indices (in the matrix) of the combinations the row covers.
    """

    number: int
    urgent: bool
    conditions: tuple[Condition, ...]
    example: int
    example_text: str
    outcomes: tuple[ShownOutcome, ...]
    differs: bool
    combinations: tuple[int, ...]


@attrs.frozen
class CombinationRow:
    """One combination with each authority's outcome: every one is in the CSV and JSON.

    Attributes:
        index: Index in the matrix.
        case: The field values.
        row: Number of the scenario row that covers it.
        outcomes: Each authority's outcome (route, EHA, follow-up, silent), in
            column order.
        differs: True when the authorities' outcomes differ.
    """

    index: int
    case: dict[str, Any]
    row: int
    outcomes: tuple[Outcome, ...]
    differs: bool


@attrs.frozen
class Comparison:
    """Authorities side by side: contacts by purpose and the scenario matrix.

    Attributes:
        format: Version of the JSON shape (``schemas/compare.schema.json``).
        authorities: The authorities, in column order.
        differences_only: True when only what differs is kept.
        fields: The route-changing case fields, in precedence order.
        total_combinations: Combinations per authority (before any filter).
        total_rows: Scenario rows (before any filter).
        urgent_same: True when every urgent row (immediate danger, significant harm,
            bruising on a non-mobile baby) has the same outcome in every authority.
        contacts: Contacts by purpose.
        rows: The scenario matrix grouped into readable rows.
        combinations: Every combination (or every differing one).
        footnotes: The sources cited, numbered.
        disclaimer: Decision support, not a substitute for judgement.
    """

    format: str
    authorities: tuple[AuthorityColumn, ...]
    differences_only: bool
    fields: tuple[str, ...]
    total_combinations: int
    total_rows: int
    urgent_same: bool
    contacts: tuple[ContactRow, ...]
    rows: tuple[ScenarioRow, ...]
    combinations: tuple[CombinationRow, ...]
    footnotes: tuple[Footnote, ...]
    disclaimer: str

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data matching ``schemas/compare.schema.json``."""
        from threshold.core.convert import to_dict

        data: dict[str, Any] = to_dict(self)
        return data


# ----------------------------------------------------------------------------- footnotes


class _Footnotes:
    """Numbers sources once, in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], Footnote] = {}

    def add(self, citations: Iterable[CitationOut]) -> tuple[int, ...]:
        numbers = []
        for citation in citations:
            key = (citation.seed, citation.section)
            if key not in self.numbers:
                self.numbers[key] = Footnote(
                    len(self.numbers) + 1,
                    citation.seed,
                    citation.section,
                    citation.document,
                    citation.document_date,
                )
            numbers.append(self.numbers[key].number)
        return tuple(dict.fromkeys(numbers))

    def all(self) -> tuple[Footnote, ...]:
        return tuple(self.numbers.values())


# ----------------------------------------------------------------------------- contacts


def days_text(hours: OpeningHours) -> str:
    """The days a contact is open, in words, or "not stated"."""
    if hours.kind is HoursKind.ALWAYS:
        return "every day"
    if hours.kind is HoursKind.UNSTATED or hours.days is None:
        return NOT_STATED
    days = sorted(hours.days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def bank_holidays_text(hours: OpeningHours) -> str:
    """How a contact behaves on bank holidays, as the source states it."""
    if hours.kind is HoursKind.ALWAYS or hours.bank_holidays is BankHolidays.OPEN:
        return "open"
    if hours.bank_holidays is BankHolidays.CLOSED:
        return "closed"
    return NOT_STATED


def _contact_cell(authority: Authority, contact: Contact, notes: _Footnotes) -> ContactCell:
    from threshold.core.engine import _cites

    return ContactCell(
        name=contact.name,
        number=contact.phone or contact.url or NOT_STATED,
        hours=contact.hours.text,
        days=days_text(contact.hours),
        bank_holidays=bank_holidays_text(contact.hours),
        note=contact.note,
        footnotes=notes.add(_cites(authority, contact.citations)),
    )


def _contact_rows(authorities: Sequence[Authority], notes: _Footnotes) -> list[ContactRow]:
    rows = []
    for purpose, title in PURPOSE_TITLES.items():
        cells = tuple(
            tuple(_contact_cell(a, c, notes) for c in a.contacts_for(purpose)) for a in authorities
        )
        facts = {tuple(c.facts() for c in cell) for cell in cells}
        rows.append(ContactRow(purpose.value, title, cells, differs=len(facts) > 1))
    return rows


# ----------------------------------------------------------------------------- scenarios


def _outcome(answer: Guidance | Exception) -> Outcome:
    if not isinstance(answer, Guidance):
        return Outcome("no-route", False, None, False)
    return Outcome(
        route=answer.route.value,
        eha_required=answer.eha_required,
        follow_up_hours=answer.follow_up.within_hours if answer.follow_up else None,
        silent=any(w.code == "source-silent" for w in answer.warnings),
    )


def _route_all(registry: Registry, authority_id: str) -> list[Guidance | Exception]:
    answers: list[Guidance | Exception] = []
    for case in parsed():
        try:
            answers.append(route(case, authority_id, registry=registry))
        except Exception as exc:  # a broken plugin is shown, never a crash
            answers.append(exc)
    return answers


def _example(indices: Sequence[int]) -> int:
    """The combination of a row closest to the case defaults (its words are shown)."""
    from threshold.core.convert import case_to_dict
    from threshold.core.models import Case

    defaults = case_to_dict(Case())
    cases = list(combinations())

    def distance(index: int) -> tuple[int, int]:
        values = cases[index].as_dict()
        return (sum(1 for k, v in values.items() if defaults.get(k) != v), index)

    return min(indices, key=distance)


def _shown(
    answer: Guidance | Exception, authority: Authority, notes: _Footnotes, outcome: Outcome
) -> ShownOutcome:
    if not isinstance(answer, Guidance):
        first_line = (str(answer).strip().splitlines() or [""])[0]
        return ShownOutcome(
            outcome,
            "No route: the plugin failed",
            first_line or type(answer).__name__,
            None,
            (),
            (),
        )
    label = None
    if answer.contacts:
        first = answer.contacts[0]
        contact = next((c for c in authority.contacts if c.id == first.id), None)
        label = contact_label(contact) if contact is not None else first.name
    return ShownOutcome(
        outcome=outcome,
        title=ROUTE_TITLES.get(answer.route.value, answer.route.value),
        summary=answer.summary,
        first_contact=label,
        notes=tuple(w.message for w in answer.warnings if w.code == "source-silent"),
        footnotes=notes.add(c for step in answer.steps for c in step.citations),
    )


# ----------------------------------------------------------------------------- build


def _column(registry: Registry, authority_id: str) -> AuthorityColumn:
    registered = registry.get(authority_id)
    authority = registered.authority
    policy = authority.document(authority.policy_document)
    return AuthorityColumn(
        id=authority.id,
        name=authority.name,
        plugin=registered.plugin.distribution or registered.plugin.name,
        plugin_version=registered.plugin.version or "unknown",
        policy_document=policy.title,
        policy_document_date=policy.date_text,
        data_reviewed=authority.reviewed,
        data_review_due=authority.review_due,
    )


def compare(
    registry: Registry, authority_ids: Sequence[str], *, differences_only: bool = False
) -> Comparison:
    """Compare the authorities ``authority_ids`` (two or more, in column order).

    Raises:
        CaseError: fewer than two authorities, or one named twice (the field is
            "authorities").
        AuthorityError: an authority is unknown, conflicted or its plugin broken.
    """
    if len(authority_ids) < 2:
        raise CaseError(
            [
                FieldError(
                    "authorities", f"got {len(authority_ids)}; expected two or more authority ids"
                )
            ]
        )
    if len(set(authority_ids)) != len(authority_ids):
        raise CaseError(
            [FieldError("authorities", "an authority is named twice; expected each once")]
        )
    columns = tuple(_column(registry, a) for a in authority_ids)
    authorities = [registry.get(a).authority for a in authority_ids]
    notes = _Footnotes()
    contacts = _contact_rows(authorities, notes)

    answers = [_route_all(registry, a) for a in authority_ids]
    outcomes = [[_outcome(answer) for answer in row] for row in answers]
    cases = list(combinations())
    values = [c.values for c in cases]
    keys = [tuple(o[i] for o in outcomes) for i in range(len(cases))]
    grouped = group_rows(list(range(len(cases))), values, keys)

    rows: list[ScenarioRow] = []
    row_of: dict[int, int] = {}
    for number, indices in enumerate(grouped, start=1):
        indices = sorted(indices)
        example = _example(indices)
        shown = tuple(
            _shown(answers[a][example], authorities[a], notes, outcomes[a][example])
            for a in range(len(authorities))
        )
        conditions = conditions_of(indices, values)
        example_values = cases[example].as_dict()
        example_text = ", ".join(
            f"{c.title}: {value_text(c.field, example_values[c.field])}"
            for c in conditions
            if len(c.values) > 1
        )
        rows.append(
            ScenarioRow(
                number=number,
                urgent=any(cases[indices[0]].as_dict()[f] for f in URGENT_FIELDS),
                conditions=tuple(conditions),
                example=example,
                example_text=example_text,
                outcomes=shown,
                differs=len(set(keys[example])) > 1,
                combinations=tuple(indices),
            )
        )
        row_of.update(dict.fromkeys(indices, number))
    every = [
        CombinationRow(
            index=c.index,
            case=c.as_dict(),
            row=row_of[c.index],
            outcomes=tuple(o[c.index] for o in outcomes),
            differs=len(set(keys[c.index])) > 1,
        )
        for c in cases
    ]
    kept_contacts = [r for r in contacts if r.differs or not differences_only]
    kept_rows = [r for r in rows if r.differs or not differences_only]
    kept_contacts, kept_rows, footnotes = _renumber(kept_contacts, kept_rows, notes.all())
    return Comparison(
        format=FORMAT,
        authorities=columns,
        differences_only=differences_only,
        fields=FIELD_NAMES,
        total_combinations=len(cases),
        total_rows=len(rows),
        urgent_same=not any(r.differs for r in rows if r.urgent),
        contacts=tuple(kept_contacts),
        rows=tuple(kept_rows),
        combinations=tuple(c for c in every if c.differs or not differences_only),
        footnotes=footnotes,
        disclaimer=DISCLAIMER,
    )


def _renumber(
    contacts: list[ContactRow], rows: list[ScenarioRow], footnotes: tuple[Footnote, ...]
) -> tuple[list[ContactRow], list[ScenarioRow], tuple[Footnote, ...]]:
    """Number the footnotes that are used, in reading order (contacts, then rows);
    each cell lists its own in ascending order."""
    used = [n for r in contacts for cell in r.cells for x in cell for n in x.footnotes]
    used += [n for r in rows for o in r.outcomes for n in o.footnotes]
    new = {old: number for number, old in enumerate(dict.fromkeys(used), start=1)}

    def renumber(numbers: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(new[n] for n in numbers))

    contacts = [
        attrs.evolve(
            r,
            cells=tuple(
                tuple(attrs.evolve(x, footnotes=renumber(x.footnotes)) for x in cell)
                for cell in r.cells
            ),
        )
        for r in contacts
    ]
    rows = [
        attrs.evolve(
            r,
            outcomes=tuple(attrs.evolve(o, footnotes=renumber(o.footnotes)) for o in r.outcomes),
        )
        for r in rows
    ]
    by_old = {f.number: f for f in footnotes}
    kept = tuple(
        attrs.evolve(by_old[old], number=number)
        for old, number in sorted(new.items(), key=lambda item: item[1])
    )
    return contacts, rows, kept
