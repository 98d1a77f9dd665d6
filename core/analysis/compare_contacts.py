"""A comparison's contacts: each purpose with every authority's contacts side by
side (number, hours, days, bank holidays), and the sources numbered once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from threshold.core.analysis.compare_model import (
    NOT_STATED,
    PURPOSE_TITLES,
    ContactCell,
    ContactRow,
    Footnote,
)
from threshold.core.engine.wording import cite_all
from threshold.core.model.authority import Authority, Contact, OpeningHours
from threshold.core.model.clock import DAY_NAMES
from threshold.core.model.enums import BankHolidays, HoursKind
from threshold.core.model.guidance import CitationOut


class Footnotes:
    """Numbers sources once, in order of first use."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, str], Footnote] = {}

    def add(self, citations: Iterable[CitationOut]) -> tuple[int, ...]:
        """The numbers of ``citations``, each numbered on first use."""
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
        """Every footnote, in number order."""
        return tuple(self.numbers.values())


# ----------------------------------------------------------------------------- contacts


def days_text(hours: OpeningHours, authority: Authority | None = None) -> str:
    """The days a contact is open, in words, or "not stated"."""
    if hours.kind is HoursKind.ALWAYS:
        return "every day"
    if hours.kind is HoursKind.OUTSIDE:
        return f"whenever {_name_of(authority, hours.of)} is closed"
    if hours.kind is HoursKind.UNSTATED or not hours.windows:
        return NOT_STATED
    if any(w.days is None for w in hours.windows):
        return NOT_STATED
    days = sorted({d for w in hours.windows for d in w.days or ()})
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def bank_holidays_text(hours: OpeningHours, authority: Authority | None = None) -> str:
    """How a contact behaves on bank holidays, as the source states it (a duty
    service outside another contact's hours is open when that one is closed)."""
    if hours.kind is HoursKind.ALWAYS or hours.bank_holidays is BankHolidays.OPEN:
        return "open"
    if hours.kind is HoursKind.OUTSIDE and authority is not None:
        other = next((c for c in authority.contacts if c.id == hours.of), None)
        if other is not None and other.hours.bank_holidays is BankHolidays.CLOSED:
            return "open"
    if hours.bank_holidays is BankHolidays.CLOSED:
        return "closed"
    return NOT_STATED


def _name_of(authority: Authority | None, contact_id: str | None) -> str:
    """A contact's name by id (the id where it is not found)."""
    if authority is not None:
        for contact in authority.contacts:
            if contact.id == contact_id:
                return contact.name
    return contact_id or "another contact"


def _contact_cell(authority: Authority, contact: Contact, notes: Footnotes) -> ContactCell:

    return ContactCell(
        name=contact.name,
        number=contact.phone or contact.email or contact.url or NOT_STATED,
        hours=contact.hours.text,
        days=days_text(contact.hours, authority),
        bank_holidays=bank_holidays_text(contact.hours, authority),
        note=contact.note,
        footnotes=notes.add(cite_all(authority, contact.citations)),
    )


def contact_rows(authorities: Sequence[Authority], notes: Footnotes) -> list[ContactRow]:
    """Each purpose with every authority's contacts of it, in column order."""
    rows = []
    for purpose, title in PURPOSE_TITLES.items():
        cells = tuple(
            tuple(_contact_cell(a, c, notes) for c in a.contacts_for(purpose)) for a in authorities
        )
        facts = {tuple(c.facts() for c in cell) for cell in cells}
        rows.append(ContactRow(purpose.value, title, cells, differs=len(facts) > 1))
    return rows
