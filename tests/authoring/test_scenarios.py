"""Scenario files: the built-in ones cover every route, and a failing scenario
explains itself (through `threshold test` and through pytest)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from threshold.core.authoring.scenario_files import check_scenario, iter_scenarios, load_scenarios
from threshold.core.model.errors import DataError
from threshold.core.plugins.registry import Registry

WRONG = """
authority = "derbyshire"
at = "2026-11-23T11:00"

[[scenario]]
name = "level 3 without an EHA (wrongly expected to go straight to a request)"
keywords = ["level-3"]
case = { level = 3 }

[scenario.expect]
route = "request-for-support"
eha_required = true
first_contact = "starting-point-request-for-support"
follow_up_hours = 0
"""


def test_builtin_scenarios_cover_every_route_of_both_authorities(registry: Registry) -> None:
    covered: dict[str, set[str]] = {}
    for scenario in iter_scenarios(REPO / "plugins", registry=registry):
        covered.setdefault(scenario.authority, set()).add(scenario.expect.route)
    routes = {a: set(registry.get(a).authority.routes) for a in ("derbyshire", "derby_city")}
    shared = {
        "emergency",
        "child-protection",
        "early-help",
        "universal",
        "public-contact",
        "advice",
    }
    assert routes["derbyshire"] == shared | {"request-for-support", "early-help-first"}
    assert routes["derby_city"] == shared | {"vulnerable-childrens-meeting", "online-referral"}
    assert covered == routes


def test_threshold_test_passes_the_builtin_files(run_cli: Callable[..., Any]) -> None:
    result = run_cli("test", str(REPO / "plugins"))
    assert result.code == 0
    total = len(list(iter_scenarios(REPO / "plugins")))
    assert total >= 41
    assert result.out.strip().splitlines()[-1] == f"{total} passed, 0 failed"


def test_a_failing_scenario_shows_steps_and_reasons(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "wrong.scenarios.toml"
    path.write_text(WRONG)
    result = run_cli("test", str(path))
    assert result.code == 1
    assert "route: expected 'request-for-support', got 'early-help-first'" in result.out
    assert "first_contact: expected 'starting-point-request-for-support'" in result.out
    assert "[ehf-complete-eha]" in result.out and "why: " in result.out
    assert result.out.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_keyword_filter(run_cli: Callable[..., Any]) -> None:
    result = run_cli("test", str(REPO / "plugins"), "-k", "early-help-first")
    assert result.out.strip().splitlines()[-1] == "5 passed, 0 failed"


def test_pytest_collects_scenario_files_and_explains_failures(tmp_path: Path) -> None:
    (tmp_path / "scenarios.toml").write_text(WRONG)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "scenario scenarios.toml[0] level 3 without an EHA" in proc.stdout
    assert "[ehf-complete-eha]" in proc.stdout
    assert "1 failed" in proc.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('authority = "derbyshire"\n', "scenario"),
        (
            'authority = "derbyshire"\n[[scenario]]\nname = "x"\ncase = {}\n'
            'expect = { route = "nowhere", eha_required = false, '
            'first_contact = "none", follow_up_hours = 0 }\n',
            "scenario[0].expect.route: unknown route 'nowhere' for derbyshire; expected one of: "
            "emergency, child-protection, ",
        ),
        (
            'authority = "derbyshire"\n[[scenario]]\nname = "x"\ncase = {}\n'
            'expect = { route = "advice", first_contact = "none", follow_up_hours = 0, '
            "first_contact_open = 1 }\n",
            "scenario[0].expect.first_contact_open",
        ),
    ],
)
def test_bad_scenario_file_names_the_field(
    tmp_path: Path, text: str, message: str, registry: Registry
) -> None:
    """The routes a scenario may expect are the authority's own (ids in its data)."""
    path = tmp_path / "scenarios.toml"
    path.write_text(text)
    with pytest.raises(DataError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_scenarios(path, registry)


OPEN = """
authority = "derbyshire"
at = "2026-11-28T21:00"  # a Saturday evening: the advice line is closed

[[scenario]]
name = "level 2, time-limited setting: the out-of-hours line first (its hours not stated)"
case = { level = 2, setting = "time-limited" }
[scenario.expect]
route = "early-help"
first_contact = "01629 532 600"
first_contact_id = "call-derbyshire-out-of-hours"
follow_up_hours = 0

[[scenario]]
name = "at 11:00 on a Monday the advice line is open and first"
at = "2026-11-23T11:00"
case = { level = 2, setting = "time-limited" }
[scenario.expect]
route = "early-help"
first_contact = "01629 535353"
first_contact_id = "starting-point-advice-line"
first_contact_open = true
follow_up_hours = 0
"""


def test_first_contact_id_and_open_are_checked_when_given(
    tmp_path: Path, registry: Registry
) -> None:
    path = tmp_path / "scenarios.toml"
    path.write_text(OPEN)
    evening, morning = load_scenarios(path, registry)
    assert morning.case["at"] == "2026-11-23T11:00"  # a scenario's own time
    assert evening.case["at"] == "2026-11-28T21:00"
    assert check_scenario(evening, registry)[0] == []
    assert check_scenario(morning, registry)[0] == []
    wrong = OPEN.replace("first_contact_open = true", "first_contact_open = false")
    wrong = wrong.replace('"call-derbyshire-out-of-hours"', '"starting-point-advice-line"')
    path.write_text(wrong)
    evening, morning = load_scenarios(path, registry)
    assert check_scenario(evening, registry)[0] == [
        "first_contact_id: expected 'starting-point-advice-line', got "
        "'call-derbyshire-out-of-hours'"
    ]
    assert check_scenario(morning, registry)[0] == ["first_contact_open: expected false, got true"]
