"""Appendix 2 threshold indicators: every one encoded, counted per level against the
seed independently of the data, each at its cited line, shared by both authorities."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from threshold.core.analysis.indicator_search import normalise, resolve_domain, select
from threshold.core.io.indicators import structure_indicators
from threshold.core.model.errors import AuthorityError, DataError
from threshold.core.model.indicators import IndicatorSet
from threshold.core.plugins.registry import Registry
from threshold.plugins.ddscp import INDICATORS_DATA, indicators
from threshold.testing import make_plugin as plugin

SEED = "002_1e42af3873256e9b.txt"
FOOTER = "Derby and Derbyshire Safeguarding Children Partnership"


def seed_lines(seeds: Path) -> list[str]:
    return (seeds / SEED).read_text("utf-8").splitlines()


def appendix_2(lines: list[str]) -> tuple[int, int]:
    """First and last line numbers (1-based) of Appendix 2, found by its headings."""
    start = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("APPENDIX 2"))
    end = next(
        i for i, line in enumerate(lines, 1) if i > start and line.strip().startswith("Appendix 3")
    )
    return start, end - 1


def level_ranges(lines: list[str]) -> dict[int, tuple[int, int]]:
    """Line ranges of each level's part of the table, from the "Level N" headings."""
    start, end = appendix_2(lines)
    heads = [
        (int(match.group(1)), i)
        for i, line in enumerate(lines, 1)
        if start <= i <= end and (match := re.match(r"Level ([1-4]) \u2013", line.strip()))
    ]
    assert [n for n, _ in heads] == [1, 2, 3, 4]
    bounds = [i for _, i in heads] + [end + 1]
    return {n: (bounds[k], bounds[k + 1] - 1) for k, (n, _) in enumerate(heads)}


def squeeze(text: str) -> str:
    """Letters and digits only: a word the extraction broke at a hyphen ("self-image"
    printed as "selfimage") still matches."""
    return normalise(text).replace(" ", "").replace("'", "")


def text_span(lines: list[str], first: int, text: str) -> list[int]:
    """The seed lines (1-based) that hold ``text``, starting at line ``first``."""
    wanted = squeeze(text)
    joined = ""
    for number in range(first, first + 12):
        joined += squeeze(lines[number - 1])
        if joined == wanted:
            return list(range(first, number + 1))
        if not wanted.startswith(joined):
            break
    return []


def data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(INDICATORS_DATA.read_text("utf-8"))
    return loaded


# ----------------------------------------------------------------------------- the seed


def test_counts_per_level_match_the_bullets_in_the_seed(seeds: Path) -> None:
    """Count the bullet glyphs of each level's part of Appendix 2 in the seed, and
    compare with the number of indicators the data has at that level."""
    lines = seed_lines(seeds)
    bullets = {
        level: sum(1 for line in lines[first - 1 : last] if line.strip() == "•")
        for level, (first, last) in level_ranges(lines).items()
    }
    encoded = Counter(i.level for i in indicators().indicators)
    assert dict(encoded) == bullets
    assert sum(bullets.values()) == len(indicators().indicators) == 217
    assert bullets == {1: 31, 2: 72, 3: 43, 4: 71}


def test_every_indicator_is_at_its_cited_line_and_every_item_is_encoded_once(
    seeds: Path,
) -> None:
    """Each indicator's words start at its cited line; every text line of the
    table (not a heading, bullet, footer or level description) belongs to exactly
    one indicator, so none is missing and none is encoded twice."""
    lines = seed_lines(seeds)
    owner: dict[int, str] = {}
    for indicator in indicators().indicators:
        assert indicator.citation.seed == SEED
        span = text_span(lines, indicator.citation.line, indicator.text)
        assert span, f"{indicator.id}: text not found at line {indicator.citation.line}"
        for number in span:
            assert number not in owner, f"line {number}: {owner[number]} and {indicator.id}"
            owner[number] = indicator.id

    data_set = indicators()
    headings = {normalise(d.name) for d in data_set.domains}
    headings |= {"basic care ensuring safety and", "protection", "education and learning"}
    structural = set()
    start, end = appendix_2(lines)
    structural |= set(range(start, data_set.levels[0].citation.line - 1))  # title and guidance
    for level in data_set.levels:
        head = next(
            i for i in range(start, end + 1) if lines[i - 1].strip() == level.heading.strip()
        )
        described = text_span(lines, level.citation.line, level.description)
        assert described, f"level {level.number}: description not at its cited line"
        structural |= {head, *described}
    for number in range(start, end + 1):
        line = lines[number - 1].strip()
        if not line or line == "•" or line == FOOTER or normalise(line) in headings:
            structural.add(number)
    text_lines = set(range(start, end + 1)) - structural
    assert text_lines - set(owner) == set(), "text in Appendix 2 that no indicator holds"
    assert set(owner) - text_lines == set()


def test_guidance_and_level_notes_are_the_documents_own_words(seeds: Path) -> None:
    lines = seed_lines(seeds)
    data_set = indicators()
    quoted = [data_set.guidance, *data_set.level_notes.values()]
    assert 3 in data_set.level_notes
    for cited in quoted:
        window = normalise(" ".join(lines[cited.citation.line - 1 : cited.citation.line + 6]))
        assert normalise(cited.text) in window, cited.text
    assert "guide and not a pre-determined level of response" in data_set.guidance.text
    assert "A number of these indicators" in data_set.level_notes[3].text


def test_every_section_heading_is_in_the_seed(seeds: Path) -> None:
    text = normalise((seeds / SEED).read_text("utf-8"))
    data_set = indicators()
    citations = [i.citation for i in data_set.indicators]
    citations += [level.citation for level in data_set.levels]
    for citation in {c.section for c in citations}:
        for part in citation.split(": "):
            assert normalise(part) in text, f"{part!r} not in the seed"


def test_domains_are_the_documents_nine(seeds: Path) -> None:
    names = [normalise(d.name) for d in indicators().domains]
    assert names == [
        "health",
        "emotional behavioural development",
        "identity and self esteem",
        "family and social relationships",
        "education and learning",
        "basic care ensuring safety and protection",
        "housing work and income",
        "social and community integration",
        "specific issues",
    ]
    text = normalise((seeds / SEED).read_text("utf-8"))
    assert all(name in text for name in names)
    assert {i.domain for i in indicators().indicators} == {d.id for d in indicators().domains}


def test_uncertain_placements_say_why_and_what_else() -> None:
    uncertain = [i for i in indicators().indicators if i.uncertain is not None]
    assert uncertain
    for indicator in uncertain:
        assert indicator.uncertain is not None
        assert len(indicator.uncertain.reason) > 40, indicator.id
        assert indicator.uncertain.other_levels or indicator.uncertain.other_domains, indicator.id
        assert indicator.level not in indicator.uncertain.other_levels
        assert indicator.domain not in indicator.uncertain.other_domains
    # the two items printed in the Level 3 part but read as Level 4 items say so
    moved = [i for i in uncertain if i.citation.line < 1646 and i.level == 4]
    assert len(moved) == 2 and all(i.uncertain and 3 in i.uncertain.other_levels for i in moved)


def test_urgent_indicators_raise_the_urgent_flag() -> None:
    flagged = {i.id: i.urgent_flag for i in indicators().indicators if i.urgent_flag}
    texts = {i.id: i.text for i in indicators().indicators}
    assert any(
        "Bruising in non-mobile" in texts[k]
        for k, v in flagged.items()
        if v == "non_mobile_baby_bruising"
    )
    assert any(
        "significant harm" in texts[k] for k, v in flagged.items() if v == "significant_harm"
    )
    assert all(indicators().indicator(k).level == 4 for k in flagged)


# ----------------------------------------------------------------------------- finding


def test_search_level_and_domain() -> None:
    data_set = indicators()
    assert [i.id for i in select(data_set, search="BRUISING babies")] == ["L4-health-12"]
    assert len(select(data_set, level=3)) == 43
    housing = resolve_domain(data_set, "housing")
    assert housing.id == "housing_work_income"
    assert resolve_domain(data_set, "Basic care, ensuring safety and protection").id == "basic_care"
    assert all(i.domain == "housing_work_income" for i in select(data_set, domain=housing))
    assert select(data_set, search="was not brought")[0].id == "L2-health-05"  # curly quotes
    with pytest.raises(KeyError, match="family_social, social_community"):
        resolve_domain(data_set, "social")
    with pytest.raises(KeyError, match="expected one of: health"):
        resolve_domain(data_set, "nothing like it")


# ----------------------------------------------------------------------------- loading


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (
            lambda d: d["indicators"][1].update(id=d["indicators"][0]["id"]),
            "indicators[1].id",
            "duplicate id",
        ),
        (
            lambda d: d["indicators"][0].update(domain="nowhere"),
            "indicators[0].domain",
            "expected one of",
        ),
        (lambda d: d["indicators"][0].update(level=2), "indicators[0].id", "its level and domain"),
        (lambda d: d["indicators"][0].update(level=5), "indicators[0].level", "from 1 to 4"),
        (
            lambda d: d["indicators"][0].pop("citation"),
            "indicators[0].citation",
            "missing; it is required",
        ),
        (
            lambda d: d["indicators"][0].update(colour="red"),
            "indicators[0].colour",
            "unknown field",
        ),
    ],
)
def test_bad_indicator_data_names_the_field(
    change: Callable[[dict[str, Any]], object], field: str, expected: str
) -> None:
    broken = copy.deepcopy(data())
    change(broken)
    with pytest.raises(DataError) as info:
        structure_indicators(broken, "indicators.json")
    assert any(e.path == field and expected in e.message for e in info.value.errors), str(
        info.value
    )


# ----------------------------------------------------------------------------- registry


def registers(indicator_set: IndicatorSet) -> Callable[..., None]:
    def threshold_register_indicators(register: Callable[[IndicatorSet], None]) -> None:
        register(indicator_set)

    return threshold_register_indicators


def test_one_shared_set_found_through_each_authoritys_policy_document(registry: Registry) -> None:
    assert registry.problems() == []
    assert [s.document.id for s in registry.indicator_sets()] == ["ddscp-2022"]
    for authority_id in ("derbyshire", "derby_city"):
        found = registry.indicators_for(authority_id)
        assert found.document.id == registry.get(authority_id).authority.policy_document
        assert found is indicators()


def test_an_equal_set_from_another_plugin_is_not_a_duplicate() -> None:
    same = structure_indicators(data(), "copy")
    registry = Registry.load(
        [("copycat", plugin("copycat", threshold_register_indicators=registers(same)))]
    )
    assert registry.problems() == []
    assert registry.indicators_for("derbyshire") == same


def test_a_different_set_for_the_same_document_is_a_conflict_naming_the_plugins() -> None:
    changed = data()
    changed["indicators"][0]["text"] = "Something else"
    other = structure_indicators(changed, "changed")
    registry = Registry.load(
        [("rival", plugin("rival", threshold_register_indicators=registers(other)))]
    )
    problems = dict(registry.problems())
    assert "rival" in problems["indicators for ddscp-2022"]
    assert "derbyshire" in problems["indicators for ddscp-2022"]
    with pytest.raises(AuthorityError, match="register different threshold indicators"):
        registry.indicators_for("derbyshire")
    # routing does not depend on the indicators: the authority still works
    from threshold.core.engine.api import route

    assert route({"immediate_danger": True}, "derbyshire", registry=registry).route == "emergency"


def test_a_raising_indicator_hook_is_reported_and_routing_keeps_working() -> None:
    def boom(register: Callable[[IndicatorSet], None]) -> None:
        raise RuntimeError("file missing")

    registry = Registry.load([("boom", plugin("boom", threshold_register_indicators=boom))])
    assert ("boom (indicators)", "RuntimeError: file missing") in registry.problems()
    assert registry.authority_ids() == ["derby_city", "derbyshire"]
    assert registry.indicators_for("derby_city") is indicators()


def test_a_non_indicator_set_is_refused() -> None:
    bad = plugin("bad", threshold_register_indicators=lambda register: register({"not": "a set"}))
    registry = Registry.load([("bad", bad)])
    assert ("bad (indicators)", "TypeError: register() expects an IndicatorSet, got dict") in (
        registry.problems()
    )
