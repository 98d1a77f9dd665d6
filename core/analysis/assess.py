"""Summarise selected threshold indicators: by level and domain, which level they
point towards, in the document's own words, and the urgent advice first.

An assessment is decision support. It never decides a level (the indicators are
a guide, not a checklist), never replaces the practitioner's judgement, and
never lowers an urgent route: urgent flags in the input, or an indicator that
raises one by itself (bruising on a non-mobile baby), put 999 or the child
protection line first, in the words of the routing engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from threshold.core.analysis.indicator_search import by_level_and_domain
from threshold.core.engine.api import route
from threshold.core.engine.wording import DISCLAIMER
from threshold.core.io.parse import parse_case
from threshold.core.io.schemas import describe_value, validate
from threshold.core.model.case import Case
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.fields import case_fields
from threshold.core.model.guidance import CitationOut
from threshold.core.model.indicators import (
    CitedText,
    Indicator,
    IndicatorDocument,
    IndicatorSet,
)
from threshold.core.plugins.registry import Registry

FORMAT = "threshold.assess/1"

#: The urgent flags an assessment may carry (``schemas/assess.schema.json``), in words.
_FLAG_WORDS = {
    "immediate_danger": "immediate danger",
    "significant_harm": "significant harm",
    "non_mobile_baby_bruising": "bruising on a non-mobile baby",
}


@attrs.frozen
class AssessInput:
    """What to assess: indicator ids and any urgent flags. No personal data.

    Attributes mirror ``schemas/assess.schema.json``.
    """

    indicators: tuple[str, ...]
    immediate_danger: bool = False
    significant_harm: bool = False
    non_mobile_baby_bruising: bool = False


@attrs.frozen
class Advice:
    """Advice for one authority, from its routing data, with its sources.

    Attributes:
        authority: Authority name.
        text: What to do.
        citations: Where it comes from.
    """

    authority: str
    text: str
    citations: tuple[CitationOut, ...]


@attrs.frozen
class DomainCount:
    """How many selected indicators are in one domain at one level."""

    domain: str
    name: str
    count: int


@attrs.frozen
class LevelSummary:
    """The selected indicators at one level, by domain.

    Attributes:
        level: 1 to 4.
        heading: The level's heading in the indicator table.
        count: How many selected indicators are listed under it.
        domains: Counts by domain, in the document's order.
    """

    level: int
    heading: str
    count: int
    domains: tuple[DomainCount, ...]


@attrs.frozen
class Assessment:
    """A summary of selected indicators, urgent advice first.

    Attributes:
        format: Version of the JSON shape.
        document: The threshold document the indicators come from.
        urgent: Why the urgent advice applies (empty when nothing urgent).
        urgent_advice: Ring 999 / the child protection line, per authority.
        indicators: The selected indicators, in the document's order.
        levels: Counts by level and domain.
        points_towards: The highest level the selected indicators are listed under.
        points_towards_heading: That level's heading in the document.
        pointer: Which level they point towards, and how to read that, in words.
        guidance: The document's words: the indicators are a guide, not a checklist.
        level_note: The document's note on level 3, when level 3 indicators are selected.
        level_4_advice: For level 4 indicators (when nothing urgent is raised): the child
            protection referral by phone, where significant harm is suspected.
        uncertain: Notes on selected indicators whose level or domain is uncertain.
        disclaimer: Decision support, never a substitute for judgement.
    """

    format: str
    document: IndicatorDocument
    urgent: tuple[str, ...]
    urgent_advice: tuple[Advice, ...]
    indicators: tuple[Indicator, ...]
    levels: tuple[LevelSummary, ...]
    points_towards: int
    points_towards_heading: str
    pointer: str
    guidance: CitedText
    level_note: CitedText | None
    level_4_advice: tuple[Advice, ...]
    uncertain: tuple[str, ...]
    disclaimer: str


def parse_assess_input(data: object, indicators: IndicatorSet) -> AssessInput:
    """Validate ``data`` against ``schemas/assess.schema.json`` and the indicator ids.

    Raises:
        CaseError: one FieldError per problem, naming the field and what is expected.
    """
    if not isinstance(data, Mapping):
        raise CaseError(
            [
                FieldError(
                    "assess",
                    f"got {describe_value(data)}; expected a JSON object such as "
                    '{"indicators": ["L3-health-01"]}',
                )
            ]
        )
    errors = validate("assess", data)
    if errors:
        raise CaseError(errors)
    known = set(indicators.ids())
    errors = [
        FieldError(
            f"indicators[{index}]",
            f"unknown indicator id {value!r}; expected an id listed by `threshold indicators`",
        )
        for index, value in enumerate(data["indicators"])
        if value not in known
    ]
    if errors:
        raise CaseError(errors)
    return AssessInput(
        indicators=tuple(data["indicators"]),
        immediate_danger=bool(data.get("immediate_danger", False)),
        significant_harm=bool(data.get("significant_harm", False)),
        non_mobile_baby_bruising=bool(data.get("non_mobile_baby_bruising", False)),
    )


def _authorities_for(registry: Registry, indicators: IndicatorSet, chosen: str | None) -> list[str]:
    if chosen is not None:
        return [chosen]
    return [
        r.authority.id
        for r in registry.registered()
        if r.authority.policy_document == indicators.document.id
    ]


def _urgent_advice(
    registry: Registry, authority_ids: Sequence[str], flags: dict[str, bool]
) -> tuple[Advice, ...]:
    advice = []
    for authority_id in authority_ids:
        authority = registry.get(authority_id).authority
        names = {field.name for field in case_fields(authority)}
        raised = {name: True for name, value in flags.items() if value}
        # an urgent flag the authority does not ask about is read as significant harm:
        # an assessment never lowers an urgent route
        if any(name not in names for name in raised):
            raised["significant_harm"] = True
        case = parse_case({k: v for k, v in raised.items() if k in names}, authority)
        guidance = route(case, authority_id, registry=registry)
        advice.append(
            Advice(guidance.authority.name, guidance.summary, guidance.steps[0].citations)
        )
    return tuple(advice)


def _level_4_advice(registry: Registry, authority_ids: Sequence[str]) -> tuple[Advice, ...]:
    advice = []
    for authority_id in authority_ids:
        guidance = route(Case(significant_harm=True), authority_id, registry=registry)
        step = next(s for s in guidance.steps if s.id == "call-child-protection-line")
        advice.append(
            Advice(guidance.authority.name, f"{step.reason} {step.action}", step.citations)
        )
    return tuple(advice)


def _pointer(chosen: Sequence[Indicator], indicators: IndicatorSet) -> str:
    counts = {level: sum(1 for i in chosen if i.level == level) for level in (1, 2, 3, 4)}
    listed = ", ".join(f"level {level} ({n})" for level, n in counts.items() if n)
    highest = max(i.level for i in chosen)
    heading = indicators.level(highest).heading
    text = (
        f"The selected indicators are listed under {listed}. The highest level they are "
        f"listed under is {heading}: they point towards level {highest}, as an indication "
        "of the likely level of need, not a decision."
    )
    if highest == 3:
        n = counts[3]
        text += (
            f" You selected {n} level 3 indicator{'s' if n != 1 else ''}; the document says "
            "a number of level 3 indicators would need to be present to indicate need at "
            "level 3, and does not say how many."
        )
    return text


def assess(
    registry: Registry,
    indicators: IndicatorSet,
    selected: AssessInput,
    *,
    authority_id: str | None = None,
) -> Assessment:
    """Summarise ``selected`` against ``indicators``.

    ``authority_id`` names whose urgent lines to give; without it, every installed
    authority that follows the indicators' document is listed.

    Raises:
        AuthorityError: the authority is unknown or its plugin broken.
    """
    chosen = tuple(i for i in indicators.indicators if i.id in set(selected.indicators))
    authority_ids = _authorities_for(registry, indicators, authority_id)

    flags = {
        "immediate_danger": selected.immediate_danger,
        "significant_harm": selected.significant_harm,
        "non_mobile_baby_bruising": selected.non_mobile_baby_bruising,
    }
    urgent = [f"You reported {_FLAG_WORDS[name]}." for name, raised in flags.items() if raised]
    for indicator in chosen:
        if indicator.urgent_flag in _FLAG_WORDS and not flags[indicator.urgent_flag]:
            flags[indicator.urgent_flag] = True
            words = _FLAG_WORDS[indicator.urgent_flag]
            urgent.append(f"Indicator {indicator.id} ({indicator.text}) is {words}.")
    urgent_advice = _urgent_advice(registry, authority_ids, flags) if urgent else ()

    levels = tuple(
        LevelSummary(
            level=level,
            heading=indicators.level(level).heading,
            count=sum(len(items) for _, items in domains),
            domains=tuple(DomainCount(d.id, d.name, len(items)) for d, items in domains),
        )
        for level, domains in by_level_and_domain(indicators, chosen)
    )
    highest = max(i.level for i in chosen)
    return Assessment(
        format=FORMAT,
        document=indicators.document,
        urgent=tuple(urgent),
        urgent_advice=urgent_advice,
        indicators=chosen,
        levels=levels,
        points_towards=highest,
        points_towards_heading=indicators.level(highest).heading,
        pointer=_pointer(chosen, indicators),
        guidance=indicators.guidance,
        level_note=indicators.level_notes.get(3) if any(i.level == 3 for i in chosen) else None,
        level_4_advice=(
            _level_4_advice(registry, authority_ids) if highest == 4 and not urgent else ()
        ),
        uncertain=_uncertain_notes(chosen, indicators),
        disclaimer=DISCLAIMER,
    )


def _uncertain_notes(chosen: Sequence[Indicator], indicators: IndicatorSet) -> tuple[str, ...]:
    """A note for each selected indicator whose level or domain is uncertain."""
    notes = []
    for indicator in chosen:
        if indicator.uncertain is None:
            continue
        others = []
        if indicator.uncertain.other_levels:
            others.append("level " + " or ".join(str(n) for n in indicator.uncertain.other_levels))
        if indicator.uncertain.other_domains:
            others.append(
                " or ".join(indicators.domain(d).name for d in indicator.uncertain.other_domains)
            )
        notes.append(
            f"{indicator.id}: its place in the flattened table is uncertain; it may belong "
            f"to {', '.join(others)}. {indicator.uncertain.reason[0].upper()}"
            f"{indicator.uncertain.reason[1:]}."
        )
    return tuple(notes)
