"""Threshold indicators and assessments as text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

import attrs

from threshold.core.analysis.assess import Assessment
from threshold.core.analysis.indicator_search import by_level_and_domain
from threshold.core.engine.wording import DISCLAIMER
from threshold.core.model.converter import to_dict
from threshold.core.model.indicators import Indicator, IndicatorSet
from threshold.core.model.vocabulary import INDICATOR_FORMATS
from threshold.core.render.environment import render

FORMATS = INDICATOR_FORMATS


def render_indicators(
    indicators: IndicatorSet, chosen: Sequence[Indicator], filters: str, fmt: str
) -> str:
    """Return the ``chosen`` indicators of ``indicators`` in format ``fmt``.

    JSON has the shape of the data (``schemas/indicators.schema.json``), with only
    the chosen indicators. ``filters`` describes the selection in words.
    """
    if fmt == "json":
        data = to_dict(attrs.evolve(indicators, indicators=tuple(chosen)))
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    template = {"text": "indicators.txt.j2", "markdown": "indicators.md.j2"}[fmt]
    return render(
        template,
        s=indicators,
        grouped=by_level_and_domain(indicators, chosen),
        total=len(indicators.indicators),
        shown=len(chosen),
        filters=filters,
        disclaimer=DISCLAIMER,
    )


def render_assessment(assessment: Assessment, fmt: str) -> str:
    """Return ``assessment`` in format ``fmt`` (urgent advice first)."""
    if fmt == "json":
        return json.dumps(to_dict(assessment), indent=2, ensure_ascii=False) + "\n"
    template = {"text": "assess.txt.j2", "markdown": "assess.md.j2"}[fmt]
    return render(template, a=assessment)
