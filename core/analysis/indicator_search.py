"""Finding threshold indicators: by level, by domain, by words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from threshold.core.model.indicators import Domain, Indicator, IndicatorSet


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
