"""threshold indicators and threshold assess: searchable, cited, in the document's
own words, urgent advice first, never a substitute for judgement."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import Result
from threshold.core.analysis.assess import assess, parse_assess_input
from threshold.core.io.schemas import schema
from threshold.core.model.errors import CaseError
from threshold.core.plugins.registry import Registry
from threshold.plugins.ddscp import indicators

Run = Callable[..., Result]
ID_LINE = re.compile(r"^    (L[1-4]-[a-z_]+-\d\d)\b", re.M)
GUIDE = "The indicators are a guide and not a pre-determined level of response."
NUMBER_NOTE = "A number of these indicators would need to be present"


# ----------------------------------------------------------------------------- indicators


def test_indicators_lists_every_one_with_its_source(run_cli: Run) -> None:
    result = run_cli("indicators")
    assert result.code == 0, result.err
    listed = ID_LINE.findall(result.out)
    assert sorted(listed) == sorted(indicators().ids()) and len(set(listed)) == 217
    assert (
        len(re.findall(r"\.txt, \"Appendix 2: [^\"]+: Level [^\"]+\", line \d+", result.out)) == 217
    )
    assert GUIDE in result.out and "professional judgement" in result.out
    uncertain = sum(1 for i in indicators().indicators if i.uncertain)
    assert result.out.count("(?)") == uncertain + 1  # each, and the key


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--level", "3"], {i.id for i in indicators().indicators if i.level == 3}),
        (["--domain", "Specific issues"], {f"L4-specific_issues-0{n}" for n in range(1, 8)}),
        (
            ["--domain", "housing", "--level", "1"],
            {"L1-housing_work_income-01", "L1-housing_work_income-02"},
        ),
        (["--search", "non-mobile BRUISING"], {"L4-health-12"}),
        (["--search", "peer on peer"], {"L3-emotional_behavioural-11", "L4-family_social-09"}),
        (
            ["--authority", "derby_city", "--search", "radicalis"],
            {"L3-emotional_behavioural-05", "L4-social_community-04"},
        ),
    ],
)
def test_indicators_filters(run_cli: Run, args: list[str], expected: set[str]) -> None:
    result = run_cli("indicators", *args)
    assert result.code == 0, result.err
    assert set(ID_LINE.findall(result.out)) == expected


def test_indicators_level_3_says_a_number_would_need_to_be_present(run_cli: Run) -> None:
    out = run_cli("indicators", "--level", "3").out
    assert NUMBER_NOTE in out and "(line 1482)" in out
    assert NUMBER_NOTE not in run_cli("indicators", "--level", "2").out


def test_indicators_json_and_markdown(run_cli: Run) -> None:
    data = run_cli("indicators", "--level", "4", "--format", "json").json()
    Draft202012Validator(schema("indicators")).validate(data)
    assert len(data["indicators"]) == 71 and {i["level"] for i in data["indicators"]} == {4}
    markdown = run_cli("indicators", "--domain", "health", "--format", "markdown").out
    assert markdown.startswith("# Threshold indicators of possible need")
    assert "| `L1-health-01` | Physically well |" in markdown


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--level", "5"], "--level: got 5; expected an integer from 1 to 4"),
        (
            ["--domain", "social"],
            "--domain: more than one domain matches; expected one of: family_social, "
            "social_community",
        ),
        (["--domain", "weather"], "--domain: no such domain; expected one of: health,"),
        (["--authority", "atlantis"], "--authority: unknown authority 'atlantis'"),
        (["--format", "html"], "--format: not valid; expected one of: text, markdown, json"),
    ],
)
def test_indicators_bad_input(run_cli: Run, args: list[str], expected: str) -> None:
    result = run_cli("indicators", *args)
    assert result.code == 2
    assert expected in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err


# ----------------------------------------------------------------------------- assess


def test_assess_by_level_and_domain_in_the_documents_words(run_cli: Run) -> None:
    result = run_cli(
        "assess",
        "--indicator",
        "L3-health-01",
        "--indicator",
        "L3-basic_care-02",
        "--indicator",
        "L2-health-05",
    )
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("THRESHOLD INDICATORS SELECTED: 3")
    assert (
        "Level 3 \u2013 Intensive: 2 (Health 1; Basic care, ensuring safety and protection 1)"
        in out
    )
    assert "Level 2 \u2013 Emerging Needs: 1 (Health 1)" in out
    assert "POINTS TOWARDS: level 3 (Level 3 \u2013 Intensive)" in out
    assert NUMBER_NOTE in out and GUIDE in out
    assert "You selected 2 level 3 indicators" in out and "does not say how many" in out
    assert "does not decide the level of need" in out and "never replaces" in out
    assert "URGENT" not in out


def test_assess_never_lowers_an_urgent_route(run_cli: Run) -> None:
    out = run_cli("assess", "--indicator", "L1-health-01", "--immediate-danger").out
    assert out.startswith("URGENT FIRST\n  You reported immediate danger.")
    assert out.index("ring 999 now") < out.index("POINTS TOWARDS: level 1")
    city = run_cli(
        "assess", "--indicator", "L2-health-01", "--significant-harm", "--authority", "derby_city"
    ).out
    assert "ring Derby City Initial Response Team on 01332 641172 now" in city.split("THRESHOLD")[0]
    assert "Call Derbyshire" not in city


def test_an_indicator_that_is_urgent_by_itself_comes_first(run_cli: Run) -> None:
    out = run_cli("assess", "--indicator", "L4-health-12").out
    head = out.split("THRESHOLD INDICATORS SELECTED")[0]
    assert "L4-health-12" in head and "bruising on a non-mobile baby" in head
    assert "01629 533190" in head and "01332 641172" in head  # every authority of the document
    assert "Threshold indicators never lower an urgent route" in head


def test_level_4_indicators_give_the_child_protection_line(run_cli: Run) -> None:
    out = run_cli("assess", "--indicator", "L4-education-01", "--authority", "derbyshire").out
    assert "LEVEL 4 INDICATORS: CHILD PROTECTION" in out
    assert "Where there is reasonable cause to suspect" in out
    assert "Ring Call Derbyshire (Starting Point) on 01629 533190 now" in out
    assert "URGENT FIRST" not in out


def test_uncertain_indicators_say_so(registry: Registry) -> None:
    data_set = registry.indicators_for("derbyshire")
    result = assess(
        registry, data_set, parse_assess_input({"indicators": ["L4-identity-02"]}, data_set)
    )
    assert result.uncertain and "may belong to level 3" in result.uncertain[0]


def test_assess_case_file_and_json(run_cli: Run, tmp_path: Path) -> None:
    case = tmp_path / "assess.json"
    case.write_text(json.dumps({"indicators": ["L3-health-03"], "significant_harm": True}))
    data = run_cli(
        "assess", "--case", str(case), "--authority", "derbyshire", "--format", "json"
    ).json()
    assert data["format"] == "threshold.assess/1"
    assert data["points_towards"] == 3 and data["urgent"] == ["You reported significant harm."]
    assert "01629 533190" in data["urgent_advice"][0]["text"]
    markdown = run_cli("assess", "--case", str(case), "--format", "markdown").out
    assert markdown.startswith("# Threshold indicators: summary\n\n## Urgent first")


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        ([], None, "--indicator: expected one or more indicator ids"),
        (
            ["--indicator", "L3-health-99"],
            None,
            "--indicator: not valid; expected an id listed by `threshold indicators`",
        ),
        (
            ["--indicator", "Jane Doe"],
            None,
            '--indicator: not valid; expected an indicator id such as "L3-health-01"',
        ),
        (
            ["--case", "-"],
            '{"indicators": []}',
            "indicators: got a list; expected a list of one or more",
        ),
        (["--case", "-"], '{"indicators": ["L3-health-01"], "level": 3}', "level: unknown field"),
        (["--case", "-"], "[1, 2]", "assess: got a list; expected a JSON object"),
        (["--case", "-", "--indicator", "L3-health-01"], "{}", "use either --case or --indicator"),
    ],
)
def test_assess_bad_input(run_cli: Run, args: list[str], stdin: str | None, expected: str) -> None:
    result = run_cli("assess", *args, stdin=stdin)
    assert result.code == 2
    assert expected in result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "Jane" not in result.err  # free text is never echoed


def test_a_bad_input_with_an_urgent_flag_still_says_who_to_ring(run_cli: Run) -> None:
    result = run_cli(
        "assess", "--case", "-", stdin='{"indicators": ["nope"], "immediate_danger": true}'
    )
    assert result.code == 2 and "ring 999 now" in result.err
    result = run_cli(
        "assess", "--indicator", "bad", "--significant-harm", "--authority", "derbyshire"
    )
    assert (
        result.code == 2
        and "ring Call Derbyshire (Starting Point) on 01629 533190 now" in result.err
    )


def test_assess_input_parsing() -> None:
    data_set = indicators()
    parsed = parse_assess_input(
        {"indicators": ["L1-health-01"], "immediate_danger": True}, data_set
    )
    assert parsed.immediate_danger and parsed.indicators == ("L1-health-01",)
    with pytest.raises(CaseError) as info:
        parse_assess_input({"indicators": ["L1-health-01", "L1-health-01"]}, data_set)
    assert info.value.errors[0].path == "indicators"
