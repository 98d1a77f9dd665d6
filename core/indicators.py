"""Threshold indicators of possible need: models, loading, and finding them.

The indicators belong to a threshold (policy) document, not to one authority:
the DDSCP document's Appendix 2 is shared by Derbyshire and Derby City. A plugin
registers an :class:`IndicatorSet` for a document id through the
``threshold_register_indicators`` hook, and an authority's indicators are found
through its ``policy_document``. Data files are validated against
``schemas/indicators.schema.json``, then checked for what a schema cannot check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import cattrs

from threshold.core.convert import converter
from threshold.core.errors import DataError, FieldError
from threshold.core.schemas import validate

#: The case fields an indicator can raise by itself (always the urgent route).
URGENT_FLAGS = ("immediate_danger", "significant_harm", "non_mobile_baby_bruising")


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


# ----------------------------------------------------------------------------- loading


def _check(data: dict[str, Any]) -> list[FieldError]:
    """What the schema cannot check: unique ids, known domains, ids that match
    their level and domain, levels 1-4 once each."""
    errors: list[FieldError] = []
    domains = [d["id"] for d in data["domains"]]
    if len(set(domains)) != len(domains):
        errors.append(FieldError("domains", "duplicate domain id"))
    numbers = sorted(level["number"] for level in data["levels"])
    if numbers != [1, 2, 3, 4]:
        errors.append(
            FieldError("levels", f"expected levels 1, 2, 3 and 4 once each; got {numbers}")
        )
    if not data["indicators"]:
        errors.append(FieldError("indicators", "expected at least one indicator"))
    seen: set[str] = set()
    for index, item in enumerate(data["indicators"]):
        path = f"indicators[{index}]"
        if item["id"] in seen:
            errors.append(FieldError(f"{path}.id", f"duplicate id {item['id']!r}"))
        seen.add(item["id"])
        if item["domain"] not in domains:
            errors.append(
                FieldError(f"{path}.domain", f"expected one of: {', '.join(sorted(domains))}")
            )
        elif not item["id"].startswith(f"L{item['level']}-{item['domain']}-"):
            errors.append(
                FieldError(
                    f"{path}.id",
                    f"expected it to start with L{item['level']}-{item['domain']}- "
                    "(its level and domain)",
                )
            )
        uncertain = item["uncertain"]
        if uncertain is not None:
            for other in uncertain["other_domains"]:
                if other not in domains:
                    errors.append(
                        FieldError(f"{path}.uncertain.other_domains", f"unknown domain {other!r}")
                    )
    return errors


def structure_indicators(data: object, source: str) -> IndicatorSet:
    """Validate ``data`` (loaded JSON) and return the indicator set.

    Raises:
        DataError: naming ``source``, the field and what is expected.
    """
    errors = validate("indicators", data)
    if not errors and isinstance(data, dict):
        errors = _check(data)
    if errors:
        raise DataError(source, errors)
    try:
        return converter.structure(data, IndicatorSet)
    except cattrs.BaseValidationError as exc:  # pragma: no cover - the schema catches these first
        raise DataError(source, [FieldError("", m) for m in cattrs.transform_error(exc)]) from None


def load_indicators(path: Path) -> IndicatorSet:
    """Load an indicator set from a JSON (or TOML) data file, validated.

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    from threshold.core.data import read_data_file

    return structure_indicators(read_data_file(path), str(path))


# ----------------------------------------------------------------------------- finding


def normalise(text: str) -> str:
    """Lower case, typographic quotes made plain, runs of other characters one space."""
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"[^a-z0-9']+", " ", text.lower()).strip()


def resolve_domain(indicators: IndicatorSet, text: str) -> Domain:
    """Find a domain by id, by name, or by a part of its name that only it has.

    Raises:
        KeyError: with a message listing what is expected.
    """
    wanted = normalise(text)
    for domain in indicators.domains:
        if wanted in (normalise(domain.id), normalise(domain.name)):
            return domain
    matches = [d for d in indicators.domains if wanted and wanted in normalise(d.name)]
    if len(matches) == 1:
        return matches[0]
    choices = ", ".join(d.id for d in indicators.domains)
    if matches:
        raise KeyError(
            "more than one domain matches; expected one of: " + ", ".join(d.id for d in matches)
        )
    raise KeyError(f"no such domain; expected one of: {choices}")


def select(
    indicators: IndicatorSet,
    *,
    level: int | None = None,
    domain: Domain | None = None,
    search: str | None = None,
) -> tuple[Indicator, ...]:
    """The indicators at ``level``, in ``domain``, in which every word of ``search``
    begins a word (or the id), case and punctuation ignored, in the document's order."""
    terms = [t.strip("'") for t in normalise(search).split()] if search else []
    found = []
    for indicator in indicators.indicators:
        if level is not None and indicator.level != level:
            continue
        if domain is not None and indicator.domain != domain.id:
            continue
        words = [w.strip("'") for w in normalise(indicator.text).split()]
        words.append(indicator.id.lower())
        if all(any(word.startswith(term) for word in words) for term in terms):
            found.append(indicator)
    return tuple(found)


def by_level_and_domain(
    indicators: IndicatorSet, chosen: Iterable[Indicator]
) -> list[tuple[int, list[tuple[Domain, list[Indicator]]]]]:
    """Group ``chosen`` by level, then domain, in the document's domain order."""
    chosen = list(chosen)
    grouped = []
    for level in sorted({i.level for i in chosen}):
        domains = []
        for domain in indicators.domains:
            items = [i for i in chosen if i.level == level and i.domain == domain.id]
            if items:
                domains.append((domain, items))
        grouped.append((level, domains))
    return grouped
