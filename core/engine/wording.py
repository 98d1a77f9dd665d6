"""The words of guidance: contacts as they read in a sentence, the placeholders of
steps and summaries, citations as printed, why each contact is given, and the
warnings its hours call for."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from threshold.core.model.authority import Authority, Contact
from threshold.core.model.enums import (
    PURPOSE_RANK,
    BankHolidays,
    HoursKind,
    Purpose,
)
from threshold.core.model.guidance import (
    CitationOut,
    GuidanceWarning,
)
from threshold.core.model.sources import Citation
from threshold.core.model.vocabulary import PLACEHOLDER_PURPOSE

DISCLAIMER = (
    "This is decision support. It supports, and never replaces, your professional "
    "judgement and your safeguarding lead. If a child is in immediate danger, ring 999."
)


def contact_label(contact: Contact) -> str:
    """A contact as it reads in a sentence: "First Response on 0115 496 0100",
    "the safeguarding form (safeguarding@exampleshire.example)"."""
    if contact.phone:
        option = f" ({contact.phone_option})" if contact.phone_option else ""
        return f"{contact.name} on {contact.phone}{option}"
    if contact.email:
        return f"the {contact.name} ({contact.email})"
    if contact.url:
        return f"the {contact.name} ({contact.url})"
    return f"the {contact.name}"


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:  # unknown names are caught when data loads
        return "{" + key + "}"


def contact_placeholders(authority: Authority) -> dict[str, str]:
    """The contact placeholders ({child_protection_line}, ...) filled with the
    authority's own contacts of that purpose, as they read in a sentence."""
    values = {}
    for name, purpose in PLACEHOLDER_PURPOSE.items():
        found = authority.contacts_for(purpose)
        values[name] = (
            " or ".join(contact_label(c) for c in found) if found else "(not stated in the sources)"
        )
    return values


def fill_values(authority: Authority, facts: Mapping[str, Any], extra: Mapping[str, str]) -> _Fill:
    """The values of a text's placeholders: the authority's contacts by purpose, the
    level, and the values a rule row gives (``{why}``)."""
    values = _Fill(contact_placeholders(authority))
    level = facts.get("level")
    values["level"] = str(level) if level is not None else "not given"
    values.update(extra)
    return values


def _cite(authority: Authority, citation: Citation) -> CitationOut:
    document = authority.document(citation.document)
    return CitationOut(
        seed=document.seed,
        section=citation.section,
        document=document.title,
        document_date=document.date,
        quote=citation.quote,
    )


_CITES: dict[int, tuple[object, Authority, tuple[CitationOut, ...]]] = {}


def cite_all(authority: Authority, citations: tuple[Citation, ...]) -> tuple[CitationOut, ...]:
    """The citations as printed; made once per citations tuple of the authority's data."""
    hit = _CITES.get(id(citations))
    if hit is not None and hit[0] is citations and hit[1] is authority:
        return hit[2]
    made = tuple(_cite(authority, c) for c in citations)
    if len(_CITES) >= CACHE_LIMIT:
        _CITES.clear()
    _CITES[id(citations)] = (citations, authority, made)  # the references keep the id
    return made


def hours_warnings(contact: Contact) -> list[GuidanceWarning]:
    """What a contact's hours leave unsaid: not stated, days not stated, bank holidays."""
    hours = contact.hours
    who = f"{contact.name} ({contact.phone})" if contact.phone else contact.name
    found = []
    if hours.kind is HoursKind.UNSTATED and (
        Purpose.CHILD_PROTECTION in contact.purposes or Purpose.PUBLIC in contact.purposes
    ):
        found.append(
            GuidanceWarning(
                "hours-not-stated",
                f"The sources do not state the hours of {who}; it is listed because they give "
                "it for this purpose. If you cannot get through and a child is in immediate "
                "danger, ring 999.",
            )
        )
    elif hours.kind is HoursKind.UNSTATED and contact.phone:
        found.append(
            GuidanceWarning("hours-not-stated", f"The sources do not state the hours of {who}.")
        )
    if hours.kind is HoursKind.WEEKLY and any(w.days is None for w in hours.windows):
        found.append(
            GuidanceWarning(
                "days-not-stated",
                f"The sources say {who} is available {hours.text.split(' (')[0]} but do not "
                "say on which days.",
            )
        )
    if hours.kind is HoursKind.WEEKLY and hours.bank_holidays is BankHolidays.UNSTATED:
        found.append(
            GuidanceWarning(
                "bank-holidays-not-stated",
                f"The sources do not say whether {who} is open on bank holidays.",
            )
        )
    return found


NOT_URGENT = PURPOSE_RANK[Purpose.PROFESSIONAL_ADVICE]

WHY = {
    Purpose.EMERGENCY: "Immediate danger to a child.",
    Purpose.CHILD_PROTECTION: "Child protection referrals by phone.",
    Purpose.PUBLIC: "Concerns from members of the public.",
    Purpose.PROFESSIONAL_ADVICE: "Advice from a social worker for professionals.",
    Purpose.OUT_OF_HOURS_ADVICE: "Advice from children's social care out of hours.",
    Purpose.ONLINE_REFERRAL: "Written referrals and requests for support.",
    Purpose.FOLLOW_UP: "The written follow-up of a phone referral.",
    Purpose.INBOX: "Written referrals.",
    Purpose.MEETING: "Where a completed assessment is sent.",
}


def dedupe(items: Iterable[str]) -> list[str]:
    """The items in order, each once."""
    return list(dict.fromkeys(items))


CACHE_LIMIT = 100_000


@functools.lru_cache(maxsize=4096)
def _unquoted(citation: CitationOut) -> CitationOut:
    return attrs.evolve(citation, quote=None)


def dedupe_citations(citations: Iterable[CitationOut]) -> tuple[CitationOut, ...]:
    """The citations in order, one per document and section, without quotes."""
    seen: dict[tuple[str, str], CitationOut] = {}
    for citation in citations:
        key = (citation.seed, citation.section)
        if key not in seen:
            seen[key] = _unquoted(citation)
    return tuple(seen.values())


def dedupe_warnings(warnings: Iterable[GuidanceWarning]) -> list[GuidanceWarning]:
    """The warnings in order, each once."""
    return list({(w.code, w.message): w for w in warnings}.values())
