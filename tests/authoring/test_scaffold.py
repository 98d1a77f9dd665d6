"""`threshold new-authority` to a passing `threshold check`, installed for real."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from threshold.core.authoring.conformance import check_path
from threshold.core.authoring.scaffold import derive_names, write_plugin

BIN = Path(sys.executable).parent


def test_names_are_derived_from_the_authority_name() -> None:
    names = derive_names("  Nottingham   City ")
    assert (names.title, names.authority_id, names.distribution, names.package) == (
        "Nottingham City",
        "nottingham_city",
        "threshold-nottingham-city",
        "threshold_nottingham_city",
    )
    with pytest.raises(ValueError, match="starting with a letter"):
        derive_names("123")


def fill_placeholders(directory: Path) -> None:
    """Replace every TODO with test data of the right kind (as an author would)."""
    today = dt.date.today()
    phones = (f"020 7946 {n:04d}" for n in itertools.count(1))
    values: dict[str, object] = {}
    for path in directory.rglob("*.toml"):
        text = path.read_text("utf-8")

        in_scenarios = "scenario" in path.name

        def replace(match: re.Match[str], in_scenarios: bool = in_scenarios) -> str:
            hint = json.loads(match.group(0))
            value: object
            if "whole number" in hint:  # the follow-up's hours, here and in the scenarios
                value = 48
            elif "HH:MM" in hint:  # an opening or closing time: the hint's example
                value = re.findall(r"e\.g\. (\d\d:\d\d)", hint)[0]
            elif "a day these times apply" in hint:
                value = "Monday"
            elif "hours in words" in hint:  # as the source words the window above
                value = "Monday 10am to 4pm"
            elif "YYYY-MM-DD you last checked" in hint:
                value = (today - dt.timedelta(days=10)).isoformat()
            elif "checked again by" in hint:
                value = (today + dt.timedelta(days=170)).isoformat()
            elif "YYYY-MM-DD" in hint:
                value = "2026-01-01"
            elif "child protection line's number" in hint:
                value = values["child-protection"]
            elif "number" in hint and not in_scenarios:
                value = next(phones)
                if "e.g. 0115" in hint:
                    values["child-protection"] = value
            elif "address" in hint:
                value = "www.example.org/refer"
            else:
                value = "Test text: " + hint.removeprefix("TODO: ")
            return json.dumps(value)

        path.write_text(re.sub(r'"TODO: [^"\\]*(?:\\.[^"\\]*)*"', replace, text), "utf-8")


def test_the_scaffold_writes_a_policy_pack_and_a_decision_table(tmp_path: Path) -> None:
    """The written data is in the pack format: levels with bands, questions,
    contacts with purposes and weekly windows (and a duty service outside them),
    routes of every kind with parts, a decision table ending in a catch-all row,
    and the words of every text; the plugin module has no Python rule."""
    written = write_plugin("Nottingham City", tmp_path / "plugin")
    package = tmp_path / "plugin" / "src" / "threshold_nottingham_city"
    data = tomllib.loads((package / "authority.toml").read_text("utf-8"))
    assert [(level["number"], level["band"]) for level in data["levels"]] == [
        (1, "universal"),
        (2, "emerging"),
        (3, "intensive"),
        (4, "specialist"),
    ]
    assert [(q["id"], q["type"]) for q in data["questions"]] == [
        ("level", "level"),
        ("consent", "choice"),
    ]
    contacts = {c["id"]: c for c in data["contacts"]}
    assert all(isinstance(c["purposes"], list) for c in contacts.values())
    assert contacts["front-door"]["hours"]["kind"] == "weekly"
    assert contacts["front-door"]["hours"]["windows"]
    assert contacts["out-of-hours-service"]["hours"] == {
        "kind": "outside",
        "of": "front-door",
        "text": contacts["out-of-hours-service"]["hours"]["text"],
    }
    assert "follow-up" in contacts["online-referral"]["purposes"]
    kinds = {route["kind"] for route in data["routes"].values()}
    assert kinds == {
        "emergency",
        "child-protection",
        "referral",
        "early-help",
        "universal",
        "advice",
        "public",
    }
    assert all(route["parts"] for route in data["routes"].values())
    assert [row["route"] for row in data["rules"]] == [
        "public-contact",
        "online-referral",
        "early-help",
        "universal",
        "advice",
    ]
    assert "when" not in data["rules"][-1]  # every other case: advice
    for table in ("summaries", "steps", "consent", "record_keeping"):
        assert data[table], table
    plugin = (package / "__init__.py").read_text("utf-8")
    assert "AuthorityData" in plugin and "@hookimpl" not in plugin
    assert sorted(p.relative_to(tmp_path / "plugin").as_posix() for p in written) == [
        "README.md",
        "pyproject.toml",
        "src/threshold_nottingham_city/__init__.py",
        "src/threshold_nottingham_city/authority.toml",
        "src/threshold_nottingham_city/forms/referral.toml",
        "tests/scenarios.toml",
        "tests/test_conformance.py",
    ]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300)


def test_new_authority_to_installed_and_passing_check(tmp_path: Path) -> None:
    directory = tmp_path / "nottingham"
    made = run(str(BIN / "threshold"), "new-authority", "Nottingham City", "--dir", str(directory))
    assert made.returncode == 0, made.stderr

    # with the placeholders left in, check fails and names each one
    findings = check_path(directory)
    placeholders = [f for f in findings if "placeholder not filled in" in f.message]
    assert len(placeholders) == len(findings) > 100
    assert any("authority.toml: contacts[1].phone" in f.where for f in placeholders)
    assert any("scenarios.toml: scenario[1].expect.first_contact" in f.where for f in placeholders)
    assert any("forms/referral.toml: title" in f.where for f in placeholders)
    failing = run(str(BIN / "threshold"), "check", "--path", str(directory))
    assert failing.returncode == 1
    assert failing.stdout.count("placeholder not filled in") == len(placeholders)

    fill_placeholders(directory)
    assert check_path(directory) == []
    passing = run(str(BIN / "threshold"), "check", "--path", str(directory))
    assert passing.returncode == 0, passing.stdout
    assert passing.stdout.strip().endswith("0 errors, 0 warnings")

    installed = run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        "--no-build-isolation",
        str(directory),
    )
    assert installed.returncode == 0, installed.stderr
    try:
        listed = run(str(BIN / "threshold"), "authorities", "--format", "json")
        rows = {row["id"]: row for row in json.loads(listed.stdout)["authorities"]}
        assert rows["nottingham_city"]["distribution"] == "threshold-nottingham-city"
        assert {"derbyshire", "derby_city"} <= set(rows)

        routed = run(
            str(BIN / "threshold"),
            "route",
            "--authority",
            "nottingham_city",
            "--level",
            "3",
            "--format",
            "json",
        )
        assert routed.returncode == 0, routed.stderr
        assert json.loads(routed.stdout)["route"] == "online-referral"
        danger = run(
            str(BIN / "threshold"),
            "route",
            "--authority",
            "nottingham_city",
            "--immediate-danger",
            "--format",
            "json",
        )
        assert json.loads(danger.stdout)["contacts"][0]["phone"] == "999"
        for option, expected in (
            (("--level", "2"), "early-help"),
            (("--level", "1"), "universal"),
            ((), "advice"),
            (("--referrer", "public", "--level", "4"), "public-contact"),
        ):
            routed = run(
                str(BIN / "threshold"),
                "route",
                "--authority",
                "nottingham_city",
                *option,
                "--format",
                "json",
            )
            assert json.loads(routed.stdout)["route"] == expected, option
        harm = run(
            str(BIN / "threshold"),
            "route",
            "--authority",
            "nottingham_city",
            "--significant-harm",
            "--at",
            "2026-11-23T11:00",
            "--format",
            "json",
        )
        harm_data = json.loads(harm.stdout)
        assert harm_data["contacts"][0]["phone"] == "020 7946 0001"  # the front door, open
        assert harm_data["follow_up"]["within_hours"] == 48

        form = run(
            str(BIN / "threshold"),
            "form",
            "--authority",
            "nottingham_city",
            "--level",
            "3",
            "--format",
            "markdown",
        )
        assert form.returncode == 0, form.stderr
        assert "Test text: the form's name as your sources give it" in form.stdout
        # the level question lists the authority's own levels, by their names (level 3
        # ticked: the case's)
        assert "- [x] Level 3 \u2013 Test text: name of level 3 " in form.stdout
        assert "- [ ] Level 4 \u2013 Test text: name of level 4 " in form.stdout
        assert "within 48 hours" in form.stdout  # the deadline of its own route

        checked = run(str(BIN / "threshold"), "check", "nottingham_city")
        assert checked.returncode == 0, checked.stdout

        own_tests = run(
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory / "tests")
        )
        assert own_tests.returncode == 0, own_tests.stdout
        assert "4 passed" in own_tests.stdout  # conformance + 3 scenarios
    finally:
        run(sys.executable, "-m", "pip", "uninstall", "--yes", "threshold-nottingham-city")
    gone = run(str(BIN / "threshold"), "authorities", "--format", "json")
    assert "nottingham_city" not in gone.stdout


def test_check_strict_fails_on_a_past_review_date(tmp_path: Path) -> None:
    directory = tmp_path / "stale"
    run(str(BIN / "threshold"), "new-authority", "Stale Shire", "--dir", str(directory))
    fill_placeholders(directory)
    data = directory / "src" / "threshold_stale_shire" / "authority.toml"
    text = data.read_text("utf-8")
    text = re.sub(r'reviewed = "[^"]+"', 'reviewed = "2020-01-01"', text)
    text = re.sub(r'review_due = "[^"]+"', 'review_due = "2020-07-01"', text)
    data.write_text(text, "utf-8")
    lenient = check_path(directory)
    assert [(f.severity, f.where) for f in lenient] == [("warning", "stale_shire: review_due")]
    strict = check_path(directory, strict=True)
    assert [(f.severity, f.where) for f in strict] == [("error", "stale_shire: review_due")]
    assert "due for review on 2020-07-01" in strict[0].message
    result = run(str(BIN / "threshold"), "check", "--strict", "--path", str(directory))
    assert result.returncode == 1
