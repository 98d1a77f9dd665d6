"""threshold compare: contacts and routes side by side, every combination accounted
for, the differences marked with their sources, in every format and in Chromium."""

from __future__ import annotations

import csv
import html
import io
import json
import types
from collections.abc import Callable
from functools import cache
from typing import Any

import attrs
import pytest
from jsonschema import Draft202012Validator

from tests.conftest import Result, axe_serious_violations, screenshot
from threshold.core.analysis.compare import compare
from threshold.core.analysis.compare_model import Comparison
from threshold.core.analysis.matrix import Matrix, matrix_of, value_text
from threshold.core.engine.api import route
from threshold.core.io.schemas import schema
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins.hookspecs import hookimpl
from threshold.core.plugins.registry import Registry
from threshold.core.render.compare import FORMATS, render_comparison

Run = Callable[..., Result]
PAIR = ("derbyshire", "derby_city")
REFERRAL_SECTION = (
    "5. Next steps: How to make a referral to Local Authority Children's Services, "
    "including Social Care"
)


@cache
def matrix() -> Matrix:
    """Derbyshire's matrix: the pair has the same questions and levels, so the
    comparison's combinations are Derbyshire's, in the same order."""
    return matrix_of(Registry.load().get("derbyshire").authority)


@cache
def full() -> Comparison:
    return compare(Registry.load(), PAIR)


@cache
def differences() -> Comparison:
    return compare(Registry.load(), PAIR, differences_only=True)


def row_for(comparison: Comparison, **values: Any) -> Any:
    index = next(c.index for c in matrix().combinations() if c.as_dict() | values == c.as_dict())
    return next(r for r in comparison.rows if index in r.combinations)


# ----------------------------------------------------------------------------- grouping


def test_every_combination_is_in_exactly_one_row_and_the_row_says_which() -> None:
    comparison = full()
    size = matrix().size
    assert comparison.total_combinations == size
    assert comparison.fields == matrix().names
    covered = [i for row in comparison.rows for i in row.combinations]
    assert sorted(covered) == list(range(size))
    cases = list(matrix().combinations())
    for row in comparison.rows:
        # the conditions describe exactly the combinations of the row
        def matches(index: int, row: Any = row) -> bool:
            values = cases[index].as_dict()
            return all(value_text(c.field, values[c.field]) in c.values for c in row.conditions)

        assert {i for i in range(size) if matches(i)} == set(row.combinations), row.number
        # and every combination in a row has the same outcome in every authority
        outcomes = {comparison.combinations[i].outcomes for i in row.combinations}
        assert len(outcomes) == 1, row.number
    assert len(comparison.rows) < 20  # readable: thousands of combinations, a handful of rows


def test_outcomes_are_the_routes_the_engine_gives(registry: Registry) -> None:
    comparison = full()
    for combination in comparison.combinations[::37]:
        case = matrix().parsed()[combination.index]
        for authority_id, outcome in zip(PAIR, combination.outcomes, strict=True):
            guidance = route(case, authority_id, registry=registry)
            assert outcome.route == guidance.route
            assert outcome.kind == guidance.kind
            assert outcome.prerequisites == guidance.prerequisites
            assert outcome.eha_required == guidance.eha_required
            assert outcome.comparable


def test_urgent_precedence_is_shown_once_and_is_the_same_everywhere() -> None:
    urgent = [r for r in full().rows if r.urgent]
    texts = [[c.text() for c in r.conditions] for r in urgent]
    assert texts[0] == ["immediate danger: yes", "referrer: professional"]
    assert {o.outcome.route for r in urgent for o in r.outcomes} == {
        "emergency",
        "child-protection",
    }
    size = matrix().size
    assert sum(len(r.combinations) for r in urgent) == size - size // 8
    for row in urgent:
        public = "referrer: public" in [c.text() for c in row.conditions]
        # professionals: the same everywhere; the public: Derby City's sources are silent
        assert row.differs is public
    for row in (r for r in urgent if "immediate danger: yes" in [c.text() for c in r.conditions]):
        assert all(o.first_contact == "Emergency services on 999" for o in row.outcomes)


def test_the_eha_versus_vcm_difference_at_level_3_with_citations() -> None:
    row = row_for(
        differences(),
        level=3,
        early_help_assessment="completed",
        immediate_danger=False,
        significant_harm=False,
        non_mobile_baby_bruising=False,
    )
    assert row.differs
    shire, city = row.outcomes
    assert shire.outcome.route == "request-for-support" and shire.outcome.eha_required
    assert city.outcome.route == "vulnerable-childrens-meeting"
    # both are referrals: the same kind, different routes
    assert shire.outcome.kind == city.outcome.kind == "referral" and not row.kinds_differ
    sections = {n.number: n.section for n in differences().footnotes}
    assert REFERRAL_SECTION in {sections[n] for n in city.footnotes}
    assert REFERRAL_SECTION in {sections[n] for n in shire.footnotes}
    assert "level: 3 or 4" in [c.text() for c in row.conditions]


def test_differences_only_keeps_what_differs() -> None:
    comparison = differences()
    assert comparison.rows and all(r.differs for r in comparison.rows)
    assert comparison.contacts and all(c.differs for c in comparison.contacts)
    assert all(c.differs for c in comparison.combinations)
    assert len(comparison.combinations) == sum(len(r.combinations) for r in comparison.rows)
    assert "emergency" not in {c.purpose for c in comparison.contacts}  # 999 is the same
    urgent = [r for r in comparison.rows if r.urgent]
    assert urgent and all("referrer: public" in [c.text() for c in r.conditions] for r in urgent)
    numbers = {
        c.purpose: [[x.number for x in cell] for cell in c.cells] for c in comparison.contacts
    }
    assert numbers["child-protection"] == [["01629 533190"], ["01332 641172"]]
    assert numbers["public"] == [["01629 533190"], []]  # Derby City: the sources are silent
    used = {n for c in comparison.contacts for cell in c.cells for x in cell for n in x.footnotes}
    used |= {n for r in comparison.rows for o in r.outcomes for n in o.footnotes}
    assert used == {n.number for n in comparison.footnotes}  # only the sources shown


def test_not_stated_where_a_source_is_silent() -> None:
    by_purpose = {c.purpose: c for c in full().contacts}
    city_online = by_purpose["online-referral"].cells[1][0]
    assert city_online.number == "not stated"
    professional = {x.days for cell in by_purpose["professional-advice"].cells for x in cell}
    assert professional == {"Monday to Friday", "not stated"}
    assert by_purpose["inbox"].cells == ((), ())


# ----------------------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_differences_with_sources(fmt: str) -> None:
    out = render_comparison(differences(), fmt)
    if fmt == "html":
        out = html.unescape(out)
    assert "01629 533190" in out and "01332 641172" in out
    assert "vulnerable-childrens-meeting" in out or "Vulnerable Children's Meeting" in out
    assert "request-for-support" in out or "Request for support" in out
    assert "002_1e42af3873256e9b.txt" in out and "000_a5fc045fa72bb93c.txt" in out
    assert "How to make a referral to Local Authority" in out


def test_text_marks_the_differences_and_says_the_urgent_rule_once() -> None:
    out = render_comparison(full(), "text")
    assert out.count("<- DIFFERS") == sum(r.differs for r in full().rows) + sum(
        c.differs for c in full().contacts
    )
    assert (
        out.count("immediate danger: yes; referrer: professional (whatever the other facts)") == 1
    )
    assert out.count("immediate danger: yes; referrer: public (whatever the other facts)") == 1
    assert "NOT URGENT (no immediate danger, no significant harm" in out
    assert "professional judgement" in out
    assert "September 2022" in out  # policy document date in the header


def test_markdown_tables() -> None:
    out = render_comparison(full(), "markdown")
    assert out.startswith("# Comparing Derbyshire County Council and Derby City Council")
    assert "| Purpose | Derbyshire County Council | Derby City Council | Differs |" in out
    assert "## Sources" in out


def test_csv_has_every_combination_with_its_sources() -> None:
    rows = list(csv.DictReader(io.StringIO(render_comparison(full(), "csv"))))
    scenarios = [r for r in rows if r["table"] == "scenario"]
    assert len(scenarios) == matrix().size
    sources = {r["id"]: r["source"] for r in rows if r["table"] == "source"}
    first = scenarios[0]
    assert set(matrix().names) <= set(first)
    vcm = [r for r in scenarios if r["derby_city route"] == "vulnerable-childrens-meeting"]
    assert len(vcm) == 32 and all(r["differs"] == "yes" for r in vcm)
    cited = [sources[n] for n in vcm[0]["derby_city sources"].split("; ")]
    assert any(REFERRAL_SECTION in text for text in cited)
    public = next(r for r in rows if r["table"] == "contact" and r["id"] == "public")
    assert public["derby_city number"] == "not stated"
    only = list(csv.DictReader(io.StringIO(render_comparison(differences(), "csv"))))
    assert {r["differs"] for r in only if r["table"] != "source"} == {"yes"}


def test_json_matches_its_schema_and_holds_every_combination() -> None:
    data = json.loads(render_comparison(full(), "json"))
    validator = Draft202012Validator(
        schema("compare"), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, errors[0].message
    assert len(data["combinations"]) == matrix().size
    assert data["authorities"][0]["policy_document_date"] == "September 2022"
    # route ids are the authorities' own (issue 13): the schema checks their shape
    data["rows"][0]["outcomes"][0]["outcome"]["route"] = "Some where"
    assert not validator.is_valid(data)


def test_html_is_self_contained_and_escaped() -> None:
    out = render_comparison(full(), "html")
    assert out.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in out
    assert 'href="tel:01332641172"' in out
    assert out.count('<tr class="differs">') == sum(r.differs for r in full().rows) + sum(
        c.differs for c in full().contacts
    )


def test_html_page_in_chromium(page: Any) -> None:
    comparison = differences()
    page.set_content(render_comparison(comparison, "html"))
    assert page.locator("h1").inner_text() == (
        "Comparing Derbyshire County Council and Derby City Council"
    )
    highlighted = page.locator("tr.differs")
    assert highlighted.count() == len(comparison.rows) + len(comparison.contacts)
    # highlighted rows look different from the rest, and say so in words too
    background = highlighted.first.locator("td").first.evaluate(
        "cell => getComputedStyle(cell).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert highlighted.first.locator(".mark").inner_text() == "Differs"
    # footnotes link to their sources
    first_link = page.locator("sup a").first
    target = first_link.get_attribute("href")
    assert target and page.locator(target).count() == 1
    assert "September 2022" in page.locator("header").inner_text()
    assert axe_serious_violations(page) == []
    assert screenshot(page, "compare-derbyshire-derby_city-differences").stat().st_size > 10_000
    page.emulate_media(media="print")
    assert page.locator("tr.differs").count() == highlighted.count()


def test_full_html_page_in_chromium(page: Any) -> None:
    page.set_content(render_comparison(full(), "html"))
    assert page.locator("#rows-urgent").count() == 1
    assert axe_serious_violations(page) == []
    assert screenshot(page, "compare-derbyshire-derby_city").stat().st_size > 10_000


# ----------------------------------------------------------------------------- more authorities


def third(rule: Callable[[Authority, Case], RouteChoice | None]) -> Registry:
    shire = Registry.load().get("derbyshire").authority
    other = attrs.evolve(shire, id="thirdshire", name="Thirdshire")

    def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
        register(other)

    def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
        return rule(authority, case) if authority.id == "thirdshire" else None

    module = types.ModuleType("thirdshire")
    for function in (threshold_register_authorities, threshold_route_rule):
        setattr(module, function.__name__, hookimpl(function))
    return Registry.load([("thirdshire", module)])


def test_three_authorities_and_a_broken_rule_are_shown_not_crashed() -> None:
    def like_derbyshire_but_broken_at_4(authority: Authority, case: Case) -> RouteChoice | None:
        if case.level == 4:
            raise ZeroDivisionError("bug")
        return None  # the decision table decides, as it does for Derbyshire

    registry = third(like_derbyshire_but_broken_at_4)
    comparison = compare(registry, ("derbyshire", "derby_city", "thirdshire"))
    assert [a.id for a in comparison.authorities] == ["derbyshire", "derby_city", "thirdshire"]
    broken = [r for r in comparison.rows if r.outcomes[2].outcome.route == "no-route"]
    assert broken and all(r.differs for r in broken)
    assert "ZeroDivisionError" in broken[0].outcomes[2].summary
    assert all(
        [c.text() for c in r.conditions if c.field == "level"] == ["level: 4"] for r in broken
    )
    text = render_comparison(comparison, "text")
    assert "Thirdshire" in text and "No route: the plugin failed" in text


# ----------------------------------------------------------------------------- CLI


def test_compare_cli(run_cli: Run) -> None:
    result = run_cli("compare", "derbyshire", "derby_city", "--differences-only")
    assert result.code == 0, result.err
    assert result.out.startswith("COMPARE: DERBYSHIRE COUNTY COUNCIL | DERBY CITY COUNCIL")
    assert "Vulnerable Children's Meeting" in result.out
    as_json = run_cli("compare", "derbyshire", "derby_city", "--format", "json").json()
    assert len(as_json["combinations"]) == matrix().size


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["derbyshire"], "AUTHORITY: got 1; expected two or more authority ids"),
        (["derbyshire", "derbyshire"], "AUTHORITY: an authority is named twice"),
        (["derbyshire", "atlantis"], "AUTHORITY: unknown authority 'atlantis'"),
        (["derbyshire", "derby_city", "--format", "pdf"], "--format: not valid; expected one of:"),
    ],
)
def test_compare_cli_bad_input(run_cli: Run, args: list[str], expected: str) -> None:
    result = run_cli("compare", *args)
    assert result.code == 2
    assert expected in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


# ----------------------------------------------------------------------------- a third pack

TRIO = ("derbyshire", "derby_city", "exampleshire")


def _row(comparison: Comparison, **values: Any) -> Any:
    """The row covering the combination with ``values`` (and defaults elsewhere)."""
    index = next(
        c.index
        for c in comparison.combinations
        if all(c.case[name] == value for name, value in values.items())
    )
    return next(r for r in comparison.rows if index in r.combinations)


NOT_URGENT = {"immediate_danger": False, "significant_harm": False}


def test_a_third_authority_is_aligned_by_band_and_kind(exampleshire_registry: Registry) -> None:
    comparison = compare(exampleshire_registry, TRIO)
    # five levels against four: compared by band, not by level number
    assert "band" in comparison.fields and "level" not in comparison.fields
    aligned = _row(
        comparison,
        **NOT_URGENT,
        non_mobile_baby_bruising=False,
        referrer="professional",
        band="emerging",
        early_help_assessment="none",
        sudden_escalation=False,
        setting=None,
    )
    shire, city, example = (shown.outcome for shown in aligned.outcomes)
    # one kind, different routes: Exampleshire's two emerging levels route differently
    assert shire.kind == city.kind == example.kind == "early-help"
    assert not aligned.kinds_differ and aligned.differs
    assert shire.route == "early-help"
    assert example.route == "single-agency or early-help-request"
    assert "level band: emerging" in [c.text() for c in aligned.conditions]
    # a referral in both, but not the same route
    referral = _row(
        comparison,
        **NOT_URGENT,
        non_mobile_baby_bruising=False,
        referrer="professional",
        band="intensive",
        early_help_assessment="none",
        sudden_escalation=False,
        setting=None,
    )
    assert [o.outcome.kind for o in referral.outcomes][1:] == ["referral", "referral"]
    assert [o.outcome.route for o in referral.outcomes][1:] == ["online-referral", "child-in-need"]
    # Exampleshire asks nothing about an assessment done first: not comparable there
    eha = _row(
        comparison,
        **NOT_URGENT,
        non_mobile_baby_bruising=False,
        referrer="professional",
        band="intensive",
        early_help_assessment="completed",
    )
    assert eha.outcomes[0].outcome.route == "request-for-support"
    assert eha.outcomes[0].outcome.prerequisites == ("early-help-assessment",)
    assert not eha.outcomes[2].outcome.comparable
    assert eha.outcomes[2].outcome.route == "not-comparable"
    assert eha.outcomes[2].summary == (
        "Exampleshire County Council (fictional) does not ask about EHA."
    )
    # the core's precedence decides whatever the questions: comparable everywhere
    urgent = [r for r in comparison.rows if r.urgent and "immediate danger: yes" in conditions(r)]
    assert urgent and all(o.outcome.comparable for r in urgent for o in r.outcomes)
    assert {o.outcome.kind for r in urgent for o in r.outcomes} == {"emergency"}


def conditions(row: Any) -> list[str]:
    return [c.text() for c in row.conditions]


def test_compare_three_in_text_and_json_on_the_command_line(
    exampleshire_registry: Registry, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the process's registry is loaded once: here it is the one with Exampleshire
    from threshold.core.plugins import registry as registry_module

    monkeypatch.setattr(registry_module, "default_registry", lambda: exampleshire_registry)
    text = run_cli("compare", *TRIO)
    assert text.code == 0, text.err
    assert text.out.startswith(
        "COMPARE: DERBYSHIRE COUNTY COUNCIL | DERBY CITY COUNCIL | EXAMPLESHIRE COUNTY COUNCIL"
    )
    assert (
        "Exampleshire County Council (fictional): Support within your own agency (level 2) or "
        "Early help request (level 3) [early-help]" in text.out
    )
    assert (
        "Exampleshire County Council (fictional): not comparable: Exampleshire County Council "
        "(fictional) does not ask about EHA." in text.out
    )
    data = run_cli("compare", *TRIO, "--format", "json").json()
    validator = Draft202012Validator(schema("compare"))
    assert not list(validator.iter_errors(data))
    assert [a["id"] for a in data["authorities"]] == list(TRIO)
    fields = data["fields"]
    combination = next(
        c
        for c in data["combinations"]
        if c["case"]
        == {
            **dict.fromkeys(fields[:3], False),
            "referrer": "professional",
            "band": "emerging",
            "early_help_assessment": "none",
            "sudden_escalation": False,
            "setting": None,
            "consent": "not-sought",
        }
    )
    kinds = [o["kind"] for o in combination["outcomes"]]
    assert kinds == ["early-help", "early-help", "early-help"]
    assert combination["outcomes"][2]["route"] == "single-agency or early-help-request"
    blocked = next(
        c
        for c in data["combinations"]
        if c["case"]["early_help_assessment"] == "completed"
        and c["case"]["band"] == "intensive"
        and not any(c["case"][f] for f in fields[:3])
        and c["case"]["referrer"] == "professional"
    )
    assert [o["comparable"] for o in blocked["outcomes"]] == [True, True, False]
    assert blocked["outcomes"][2]["route"] == "not-comparable"
    for fmt in ("markdown", "html", "csv"):
        other = run_cli("compare", *TRIO, "--format", fmt)
        assert other.code == 0 and "Exampleshire" in other.out, fmt
