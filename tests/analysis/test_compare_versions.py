"""`threshold compare` between versions of one authority (issue 16): "what changes
if we adopt this?". The fictional second version of the DDSCP data changes the
Derbyshire advice line's hours and one row of Derbyshire's table; the comparison
shows every scenario whose route, first contact, hours, steps or consent duties
change, grouped into rows, and checks each version as `threshold check --rules` does."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from tests.conftest import Result
from tests.versioned import DRAFT, versioned_registry
from threshold.core.analysis.compare import compare
from threshold.core.analysis.compare_model import Comparison
from threshold.core.io.schemas import format_validator
from threshold.core.render.compare import render_comparison

ROUTE_CHANGE = "route: request-for-support → early-help-first"
HOURS_CHANGE = (
    "hours of Starting Point Consultation and Advice line (professional advice and "
    "consultation line): 10am to 4pm, Monday to Friday → 9am to 5pm, Monday to Friday"
)


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return compare(versioned_registry(), ["derbyshire@2022-09", "derbyshire@2030-04"])


def test_every_changed_scenario_is_a_row_that_says_what_changes(comparison: Comparison) -> None:
    differing = [row for row in comparison.rows if row.differs]
    assert differing and all(row.changes for row in differing)
    assert not any(row.changes for row in comparison.rows if not row.differs)
    assert not any(row.urgent for row in differing)  # 999 and child protection: unchanged
    routed = [row for row in differing if ROUTE_CHANGE in row.changes]
    for row in routed:  # only level 3 with a declined assessment and no sudden escalation
        for index in row.combinations:
            case = comparison.combinations[index].case
            assert (case["level"], case["early_help_assessment"]) == (3, "declined")
            assert case["sudden_escalation"] is False and case["referrer"] == "professional"
    assert sum(len(row.combinations) for row in routed) == 8
    hours = [row for row in differing if HOURS_CHANGE in row.changes]
    assert "advice" in [r.outcomes[0].outcome.route for r in hours]  # no level given
    assert len(differing) < 25  # grouped into readable rows, not 3,840 lines


def test_each_combination_that_changes_is_marked(comparison: Comparison) -> None:
    changed = [c for c in comparison.combinations if c.differs]
    assert len(changed) == sum(len(r.combinations) for r in comparison.rows if r.differs)
    first, second = changed[0].outcomes
    assert first.detail and second.detail and first.detail != second.detail


def test_the_versions_are_named_and_checked(comparison: Comparison) -> None:
    assert [a.id for a in comparison.authorities] == ["derbyshire@2022-09", "derbyshire@2030-04"]
    assert [a.version for a in comparison.authorities] == ["2022-09", "2030-04"]
    assert comparison.checks == (
        "derbyshire@2022-09: every completeness and safety check holds",
        "derbyshire@2030-04: every completeness and safety check holds",
    )


def test_a_draft_folder_compares_as_the_installed_version(comparison: Comparison) -> None:
    drafted = compare(versioned_registry(), ["derbyshire@2022-09", f"derbyshire@{DRAFT}"])
    assert [r.changes for r in drafted.rows] == [r.changes for r in comparison.rows]
    assert drafted.authorities[1].version_hash == comparison.authorities[1].version_hash


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "csv", "json"])
def test_every_format_shows_the_changes(comparison: Comparison, fmt: str) -> None:
    shown = render_comparison(comparison, fmt)
    if fmt == "json":
        data = json.loads(shown)
        assert not list(format_validator("compare").iter_errors(data))
        assert any(ROUTE_CHANGE in row.get("changes", []) for row in data["rows"])
    elif fmt == "csv":
        lines = list(csv.reader(io.StringIO(shown)))
        assert lines[0][-1] == "changes"
        assert any(ROUTE_CHANGE in line[-1] for line in lines if line[0] == "scenario")
    else:
        assert "2030-04" in shown and "9am to 5pm, Monday to Friday" in shown
        assert ("Changes: " if fmt == "html" else "changes: ") in shown
        assert ROUTE_CHANGE in shown


def test_the_command_compares_an_installed_version_with_a_draft_folder(
    run_cli: Callable[..., Result],
) -> None:
    result = run_cli(
        "compare",
        "derbyshire@2022-09",
        f"derbyshire@{DRAFT}",
        "--differences-only",
        "--format",
        "json",
    )
    assert result.code == 0, result.err
    data = result.json()
    assert [a["version"] for a in data["authorities"]] == ["2022-09", "2030-04"]
    assert any(ROUTE_CHANGE in row["changes"] for row in data["rows"])


def test_an_unknown_version_is_a_one_line_error(run_cli: Callable[..., Result]) -> None:
    result = run_cli("compare", "derbyshire@2022-09", "derbyshire@draft")
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert line.endswith(
        "AUTHORITY: unknown version 'draft' of derbyshire; expected one of: 2022-09"
    )
    missing = run_cli("compare", "derbyshire", "derbyshire@./no/such/folder")
    assert missing.code == 2 and "no such folder" in missing.err
    assert "Traceback" not in result.err + missing.err
