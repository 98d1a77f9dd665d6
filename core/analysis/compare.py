"""Compare two or more authorities side by side: their contacts, and their routes
over the whole scenario matrix, with the source of every rule.

:func:`compare` builds a :class:`Comparison` (attrs data); renderers for text,
Markdown, HTML, CSV and JSON are in :mod:`threshold.core.render.compare`.

The scenario matrix (:mod:`threshold.core.analysis.matrix`) has 3,840 combinations per
authority. For a person to read it, combinations whose outcome is the same in
every authority are collapsed into rows: the matrix is split field by field in
precedence order (the urgent facts first), and values of a field that lead to
the same rows are merged ("level: 3 or 4"), so every row is a plain
combination of conditions and the urgent precedence is shown once. Every
combination, with each authority's outcome, stays in the CSV and JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from threshold.core.analysis.compare_model import (
    FORMAT,
    NOT_STATED,
    PURPOSE_TITLES,
    AuthorityColumn,
    CombinationRow,
    Comparison,
    ContactCell,
    ContactRow,
    Footnote,
    Outcome,
    ScenarioRow,
    ShownOutcome,
)
from threshold.core.analysis.grouping import conditions_of, group_rows
from threshold.core.analysis.matrix import (
    FIELD_NAMES,
    Combination,
    combinations,
    parsed,
    value_text,
)
from threshold.core.engine.api import route
from threshold.core.engine.wording import DISCLAIMER, cite_all, contact_label
from threshold.core.model.authority import Authority, Contact, OpeningHours
from threshold.core.model.case import Case
from threshold.core.model.clock import DAY_NAMES
from threshold.core.model.converter import case_to_dict
from threshold.core.model.enums import BankHolidays, HoursKind
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.fields import URGENT_FIELDS
from threshold.core.model.guidance import CitationOut, Guidance
from threshold.core.model.vocabulary import ROUTE_TITLES
from threshold.core.plugins.registry import Registry


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

    return ContactCell(
        name=contact.name,
        number=contact.phone or contact.url or NOT_STATED,
        hours=contact.hours.text,
        days=days_text(contact.hours),
        bank_holidays=bank_holidays_text(contact.hours),
        note=contact.note,
        footnotes=notes.add(cite_all(authority, contact.citations)),
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
    _check_ids(authority_ids)
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
        example = _example(indices)
        shown = tuple(
            _shown(answers[a][example], authorities[a], notes, outcomes[a][example])
            for a in range(len(authorities))
        )
        rows.append(_scenario_row(number, sorted(indices), example, shown, keys, cases))
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


def _check_ids(authority_ids: Sequence[str]) -> None:
    """Raise CaseError unless two or more authorities are named, each once."""
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


def _scenario_row(
    number: int,
    indices: list[int],
    example: int,
    shown: tuple[ShownOutcome, ...],
    keys: Sequence[tuple[Outcome, ...]],
    cases: Sequence[Combination],
) -> ScenarioRow:
    """One scenario row: its conditions, its example in words, each authority's outcome."""
    conditions = conditions_of(indices, [c.values for c in cases])
    example_values = cases[example].as_dict()
    example_text = ", ".join(
        f"{c.title}: {value_text(c.field, example_values[c.field])}"
        for c in conditions
        if len(c.values) > 1
    )
    return ScenarioRow(
        number=number,
        urgent=any(cases[indices[0]].as_dict()[f] for f in URGENT_FIELDS),
        conditions=tuple(conditions),
        example=example,
        example_text=example_text,
        outcomes=shown,
        differs=len(set(keys[example])) > 1,
        combinations=tuple(indices),
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
