"""A comparison of authorities as data: contacts by purpose, scenario rows and
every combination, with numbered footnotes (``schemas/compare.schema.json``)."""

from __future__ import annotations

from typing import Any

import attrs

from threshold.core.analysis.grouping import RowCondition
from threshold.core.model.converter import to_dict
from threshold.core.model.enums import Purpose
from threshold.core.model.plain import OMIT_IF_DEFAULT

FORMAT = "threshold.compare/1"

NOT_STATED = "not stated"

#: An authority's outcome where the combination's facts cannot be put to it: a
#: question it does not ask, an answer it does not offer, a band it has no level in.
NOT_COMPARABLE = "not-comparable"

#: Contact purposes in the order they are compared, with their titles.
PURPOSE_TITLES = {
    Purpose.EMERGENCY: "Emergency",
    Purpose.CHILD_PROTECTION: "Urgent / child protection",
    Purpose.PUBLIC: "Members of the public",
    Purpose.PROFESSIONAL_ADVICE: "Professional advice",
    Purpose.OUT_OF_HOURS_ADVICE: "Out of hours advice",
    Purpose.ONLINE_REFERRAL: "Online referral / request for support",
    Purpose.FOLLOW_UP: "Written follow-up",
    Purpose.INBOX: "Inbox",
    Purpose.MEETING: "Meeting",
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
        version: The version of its data compared, when one was asked for
            (``id`` is then ``id@version``), and its content hash.
    """

    id: str
    name: str
    plugin: str
    plugin_version: str
    policy_document: str
    policy_document_date: str
    data_reviewed: str
    data_review_due: str
    version: str | None = attrs.field(default=None, metadata={OMIT_IF_DEFAULT: True})
    version_hash: str | None = attrs.field(default=None, metadata={OMIT_IF_DEFAULT: True})


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

    Authorities are aligned by route *kind* (emergency, child-protection, referral,
    early-help, ...): two authorities' routes of one kind are different routes
    when their ids differ. Where a band holds several of an authority's levels
    that route differently, the routes are joined ("a or b").

    Attributes:
        route: Route id in the authority's data, "no-route" when the plugin gave
            none, or "not-comparable" when the facts cannot be put to it.
        eha_required: True when the route needs something done first (any
            prerequisite; kept for compatibility).
        follow_up_hours: Hours within which to follow up in writing, or None.
        silent: True when the route rests on a source that is silent.
        kind: The route's kind ("" when there is no route).
        prerequisites: Ids of what the route needs done first, from the pack.
        comparable: False when the combination's facts cannot be put to the authority.
        detail: Only when versions of one authority are compared: the first contact,
            the hours of each contact advised, the steps and the consent duties, as
            (what, value) pairs.
    """

    route: str
    eha_required: bool
    follow_up_hours: int | None
    silent: bool
    kind: str = ""
    prerequisites: tuple[str, ...] = ()
    comparable: bool = True
    detail: tuple[tuple[str, str], ...] = attrs.field(default=(), metadata={OMIT_IF_DEFAULT: True})


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
        kinds_differ: True when the kinds of the routes differ (not only the routes).
        changes: Only when versions of one authority are compared: what changes
            from the first column to the others, one line a change.
    """

    number: int
    urgent: bool
    conditions: tuple[RowCondition, ...]
    example: int
    example_text: str
    outcomes: tuple[ShownOutcome, ...]
    differs: bool
    combinations: tuple[int, ...]
    kinds_differ: bool = False
    changes: tuple[str, ...] = attrs.field(default=(), metadata={OMIT_IF_DEFAULT: True})


@attrs.frozen
class CombinationRow:
    """One combination with each authority's outcome: every one is in the CSV and JSON.

    Attributes:
        index: Index in the matrix.
        case: The field values.
        row: Number of the scenario row that covers it.
        outcomes: Each authority's outcome (route, kind, prerequisites, follow-up,
            silent), in column order.
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
        fields: The route-changing case fields, in precedence order; ``band`` (the
            level's comparison band) stands for ``level`` when the authorities' levels
            differ.
        total_combinations: Combinations per authority (before any filter).
        total_rows: Scenario rows (before any filter).
        urgent_same: True when every urgent row (an urgent fact raised) has the same
            outcome in every authority.
        contacts: Contacts by purpose.
        rows: The scenario matrix grouped into readable rows.
        combinations: Every combination (or every differing one).
        footnotes: The sources cited, numbered.
        disclaimer: Decision support, not a substitute for judgement.
        checks: For each version asked for by name or folder, the problems the
            completeness and safety checks find, or that every check holds.
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
    checks: tuple[str, ...] = attrs.field(default=(), metadata={OMIT_IF_DEFAULT: True})

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON-ready data matching ``schemas/compare.schema.json``."""

        data: dict[str, Any] = to_dict(self)
        return data
