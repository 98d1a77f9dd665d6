"""Threshold indicators of possible need, as data.

The indicators belong to a threshold (policy) document, not to one authority:
one partnership's document may be shared by several authorities. A plugin
registers an :class:`IndicatorSet` for a document id through the
``threshold_register_indicators`` hook, and an authority's indicators are found
through its ``policy_document``."""

from __future__ import annotations

import attrs


@attrs.frozen
class SourceLine:
    """Where an indicator's words are: seed file, section headings and line.

    Attributes:
        seed: File name of the source text in ``shared/seeds``.
        section: The document's headings, joined by ": ".
        line: Line of the seed file the words start on.
    """

    seed: str
    section: str
    line: int


@attrs.frozen
class CitedText:
    """Words of the document, quoted, with where they are.

    Attributes:
        text: The words as the document prints them.
        citation: Where they are.
    """

    text: str
    citation: SourceLine


@attrs.frozen
class IndicatorDocument:
    """The document an indicator set comes from.

    Attributes:
        id: The policy document id authorities cite (``Authority.policy_document``).
        seed: File name of the source text.
        title: The document's title.
        date_text: The date as the document states it.
        date: The date (ISO), or None where the document gives none.
    """

    id: str
    seed: str
    title: str
    date_text: str
    date: str | None = None


@attrs.frozen
class IndicatorLevel:
    """A level as the indicator table heads it, with its description.

    Attributes:
        number: 1 to 4.
        heading: The heading as printed ("Level 3", a dash, "Intensive").
        description: The paragraph under the heading, in the document's words.
        citation: Where it is.
    """

    number: int
    heading: str
    description: str
    citation: SourceLine


@attrs.frozen
class Domain:
    """A domain (row heading) of the indicator table.

    Attributes:
        id: Stable id (``basic_care``).
        name: The heading as the document names it.
    """

    id: str
    name: str


@attrs.frozen
class Uncertainty:
    """Why an indicator's level or domain could not be placed with certainty.

    Attributes:
        reason: What the flattened source shows, in words.
        other_levels: Other levels the source allows.
        other_domains: Ids of other domains the source allows.
    """

    reason: str
    other_levels: tuple[int, ...] = ()
    other_domains: tuple[str, ...] = ()


@attrs.frozen
class Indicator:
    """One threshold indicator of possible need.

    Attributes:
        id: Stable id: level, domain id and number (``L3-health-01``).
        level: The level it is listed under, 1 to 4.
        domain: Id of its domain.
        text: Its words, as printed (lines joined).
        citation: Where it is printed.
        uncertain: None when level and domain are certain; otherwise why not.
        urgent_flag: The urgent case field it raises by itself, if any
            (``non_mobile_baby_bruising`` for bruising on a non-mobile baby).
    """

    id: str
    level: int
    domain: str
    text: str
    citation: SourceLine
    uncertain: Uncertainty | None
    urgent_flag: str | None = None


@attrs.frozen
class IndicatorSet:
    """The threshold indicators of one document.

    Attributes:
        document: The document.
        guidance: The document's words on how to use the indicators.
        level_notes: The document's notes on one level, by level number.
        levels: The four levels as the table heads them.
        domains: The domains, in the document's order.
        indicators: Every indicator, in the document's order.
    """

    document: IndicatorDocument
    guidance: CitedText
    level_notes: dict[int, CitedText]
    levels: tuple[IndicatorLevel, ...]
    domains: tuple[Domain, ...]
    indicators: tuple[Indicator, ...]

    def domain(self, domain_id: str) -> Domain:
        """Return the domain with this id (KeyError if none)."""
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def level(self, number: int) -> IndicatorLevel:
        """Return level ``number`` (KeyError if none)."""
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(number)

    def indicator(self, indicator_id: str) -> Indicator:
        """Return the indicator with this id (KeyError if none)."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def ids(self) -> tuple[str, ...]:
        """Every indicator id, in order."""
        return tuple(i.id for i in self.indicators)
