"""The CLI contract: route and authorities in every format, and bad input as one
line on stderr with exit status 2 and no traceback, urgent advice never lost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

AT = "2026-11-23T11:00"
Run = Callable[..., Result]


def test_route_text_is_readable(run_cli: Run) -> None:
    result = run_cli(
        "route", "--authority", "derbyshire", "--level", "3", "--eha", "completed", "--at", AT
    )
    assert result.code == 0, result.err
    assert result.out.startswith("DERBYSHIRE COUNTY COUNCIL: REQUEST FOR SUPPORT")
    flat = " ".join(result.out.split())  # the text is wrapped to the width (80 here)
    assert "WHAT TO DO" in flat and "Source: 002_1e42af3873256e9b.txt" in flat
    assert "999" in flat and "professional judgement" in flat
    assert result.err == ""


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_route_every_format(run_cli: Run, fmt: str) -> None:
    result = run_cli(
        "route", "--authority", "derby_city", "--significant-harm", "--at", AT, "--format", fmt
    )
    assert result.code == 0, result.err
    assert "01332 641172" in result.out
    if fmt == "json":
        assert result.json()["route"] == "child-protection"
    if fmt == "html":
        assert result.out.startswith("<!DOCTYPE html>") and "tel:01332641172" in result.out
    if fmt == "markdown":
        assert "## What to do" in result.out


def test_case_file_and_stdin(run_cli: Run, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"level": 3, "early_help_assessment": "completed", "at": AT}))
    from_file = run_cli(
        "route", "--authority", "derby_city", "--case", str(case), "--format", "json"
    )
    from_stdin = run_cli(
        "route",
        "--authority",
        "derby_city",
        "--case",
        "-",
        "--format",
        "json",
        stdin=case.read_text(),
    )
    assert from_file.code == from_stdin.code == 0
    assert from_file.json() == from_stdin.json()
    assert from_file.json()["route"] == "vulnerable-childrens-meeting"


def test_bom_is_accepted(run_cli: Run) -> None:
    result = run_cli(
        "route",
        "--authority",
        "derbyshire",
        "--case",
        "-",
        "--format",
        "json",
        stdin=b"\xef\xbb\xbf" + json.dumps({"level": 1, "at": AT}).encode(),
    )
    assert result.code == 0, result.err
    assert result.json()["route"] == "universal"


BAD_INPUTS = [
    # (args, stdin, expected fragment of the one-line error)
    (["--case", "-"], '{"level": 3', "--case: not valid JSON"),
    (["--case", "-"], "", "--case: not valid JSON"),
    (["--case", "-"], "[1, 2]", "expected a JSON object"),
    (["--case", "-"], '{"level": "three"}', "level: got a string; expected an integer from 1 to 4"),
    (["--case", "-"], '{"levle": 3}', "levle: unknown field (did you mean 'level'?)"),
    (["--case", "-"], '{"level": 5}', "level: got 5; expected an integer from 1 to 4"),
    (["--case", "-"], '{"level": 0}', "level: got 0; expected an integer from 1 to 4"),
    (
        ["--case", "-"],
        '{"immediate_danger": "yes"}',
        "immediate_danger: got a string; expected true or false",
    ),
    (["--case", "-"], '{"consent": "maybe"}', "consent: got a string; expected one of"),
    (["--case", "-"], '{"at": "23/11/2026"}', "at: expected an ISO 8601 date-time"),
    (
        ["--case", "-"],
        '{"at": "2027-03-28T01:30"}',
        "at: 2027-03-28T01:30 does not exist in Europe/London",
    ),
    (["--level", "5"], None, "--level: not valid; expected an integer from 1 to 4"),
    (["--eha", "done"], None, "--eha: not valid; expected one of: completed, none, declined"),
    (["--level", "x"], None, "--level: not valid; expected an integer from 1 to 4"),
    (["--at", "tomorrow"], None, "--at: expected an ISO 8601 date-time"),
    (["--case", "/nonexistent/case.json"], None, "--case: cannot read the file (No such file"),
]


@pytest.mark.parametrize(("args", "stdin", "fragment"), BAD_INPUTS)
def test_bad_input_is_one_line_exit_2(
    run_cli: Run, args: list[str], stdin: str | None, fragment: str
) -> None:
    result = run_cli("route", "--authority", "derbyshire", *args, stdin=stdin)
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("threshold: error: ")
    assert fragment in result.err
    assert "Traceback" not in result.err


def test_binary_input_is_refused(run_cli: Run) -> None:
    result = run_cli("route", "--authority", "derbyshire", "--case", "-", stdin=b"\xff\xfe\x00\x01")
    assert result.code == 2
    assert "expected UTF-8 encoded JSON" in result.err


def test_unknown_authority(run_cli: Run) -> None:
    result = run_cli("route", "--authority", "nottingham", "--level", "2")
    assert result.code == 2
    assert "unknown authority 'nottingham'; expected one of: derby_city, derbyshire" in result.err
    assert "ring 999" in result.err


def test_case_file_and_flags_together_is_an_error(run_cli: Run) -> None:
    result = run_cli(
        "route", "--authority", "derbyshire", "--case", "-", "--level", "2", stdin="{}"
    )
    assert result.code == 2
    assert "either --case or the field options" in result.err


@pytest.mark.parametrize(
    "case",
    [
        {"immediate_danger": True, "level": 9},
        {"immediate_danger": True, "typo_field": 1},
        {"immediate_danger": "yes"},
        {"immediate_danger": True, "at": "not a time"},
    ],
)
def test_urgent_flag_survives_bad_input(run_cli: Run, case: dict[str, object]) -> None:
    result = run_cli("route", "--authority", "derbyshire", "--case", "-", stdin=json.dumps(case))
    assert result.code == 2
    assert "ring 999 now" in result.err
    assert result.err.count("\n") == 1


def test_significant_harm_survives_bad_input_with_the_local_number(run_cli: Run) -> None:
    result = run_cli(
        "route",
        "--authority",
        "derby_city",
        "--case",
        "-",
        stdin=json.dumps({"significant_harm": True, "level": "four"}),
    )
    assert result.code == 2
    assert "01332 641172" in result.err


def test_urgent_flag_survives_unknown_authority(run_cli: Run) -> None:
    result = run_cli(
        "route",
        "--authority",
        "nowhere",
        "--case",
        "-",
        stdin=json.dumps({"immediate_danger": True}),
    )
    assert result.code == 2
    assert "ring 999 now" in result.err


def test_authorities_json(run_cli: Run) -> None:
    result = run_cli("authorities", "--format", "json")
    assert result.code == 0
    data = result.json()
    assert [a["id"] for a in data["authorities"]] == ["derby_city", "derbyshire"]
    for row in data["authorities"]:
        assert row["distribution"] == "threshold"
        assert row["policy_document_date"] == "2022-09-01"
        assert row["status"] == "ok"
    assert data["broken"] == []


def test_authorities_text(run_cli: Run) -> None:
    result = run_cli("authorities")
    assert "derbyshire: Derbyshire County Council" in result.out
    assert "derby_city: Derby City Council" in result.out


def test_console_script_no_traceback() -> None:
    """The installed console script itself (a real process), for the error path."""
    exe = Path(sys.executable).with_name("threshold")
    if not exe.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    proc = subprocess.run(
        [str(exe), "route", "--authority", "derbyshire", "--level", "7"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr
        == "threshold: error: --level: not valid; expected an integer from 1 to 4, or null\n"
    )
    assert proc.stdout == ""


def test_unknown_field_names_are_echoed_only_when_they_look_like_field_names(run_cli: Run) -> None:
    odd = run_cli(
        "route", "--authority", "derbyshire", "--case", "-", stdin='{"Jane Doe\\n, 12 High St": 1}'
    )
    assert odd.code == 2
    assert "Jane" not in odd.err and "High" not in odd.err
    assert "(a field name that is not shown): unknown field" in odd.err
    typo = run_cli("route", "--authority", "derbyshire", "--case", "-", stdin='{"leve": 1}')
    assert "leve: unknown field (did you mean 'level'?)" in typo.err


def test_urgent_flags_in_referral_spelling_are_recognised() -> None:
    from threshold.core.io.urgent_flags import flags

    assert flags('{"answers": {"immediate-danger": true, "x": ') == (True, False)
    assert flags({"significant-harm": "yes"}) == (False, True)
    assert flags('{"non-mobile-baby-bruising": false}') == (False, False)


def _threshold(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script (a real process, with ``env``)."""
    exe = Path(sys.executable).with_name("threshold")
    if not exe.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


def _section(help_text: str, title: str) -> str:
    """The lines of one section of a command's help, after its title."""
    assert title in help_text, help_text
    rest = help_text.split(title, 1)[1]
    return rest.split("\n\n", 1)[0]


def test_route_help_lists_the_authoritys_own_question_options(
    exampleshire_env: dict[str, str],
) -> None:
    """Issue 13: an authority's questions are options of their own, read once the
    authority is known; `threshold route --authority ID --help` lists them with
    their answers, and never another authority's."""
    exampleshire = _threshold(
        "route", "--authority", "exampleshire", "--help", env=exampleshire_env
    )
    assert exampleshire.returncode == 0, exampleshire.stderr
    own = _section(exampleshire.stdout, "Options of the questions of exampleshire")
    assert "--level [1|2|3|4|5|null]" in own and "Level of need, 1 to 5." in own
    assert "--consent [agreed|not-agreed|not-asked|unsafe-to-ask]" in own
    assert "--eha" not in exampleshire.stdout and "--unborn" not in exampleshire.stdout
    assert "--immediate-danger" in exampleshire.stdout  # the core's options are still there
    derbyshire = _threshold("route", "--help", "--authority=derbyshire", env=exampleshire_env)
    assert derbyshire.returncode == 0, derbyshire.stderr
    own = _section(derbyshire.stdout, "Options of the questions of derbyshire")
    assert "--level [1|2|3|4|null]" in own
    assert "--eha [completed|none|declined]" in own and "--unborn " in own
    assert "agreed|not-agreed" not in derbyshire.stdout
    bare = _threshold("route", "--help", env=exampleshire_env)
    assert bare.returncode == 0, bare.stderr
    note = " ".join(_section(bare.stdout, "Options of an authority's questions").split())
    assert "threshold route --authority ID --help" in note
    assert "derby_city, derbyshire, exampleshire" in note
    assert "--level" not in bare.stdout  # which levels depends on the authority


def test_route_help_for_an_unknown_authority_is_one_line_exit_2() -> None:
    result = _threshold("route", "--authority", "nowhere", "--help")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "--authority: unknown authority 'nowhere'; expected one of" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        (
            "text",
            "Exampleshire safeguarding referral form (by email): safeguarding@exampleshire.example",
        ),
        ("markdown", "| safeguarding@exampleshire.example |"),
        ("html", '<a href="mailto:safeguarding@exampleshire.example">'),
    ],
)
def test_route_shows_a_contact_reached_by_email(
    exampleshire_env: dict[str, str], fmt: str, shown: str
) -> None:
    """Exampleshire's written follow-up is a form sent by email: the contacts list
    gives its address (it said nothing, or "not stated", before)."""
    args = ("--authority", "exampleshire", "--level", "5", "--at", AT, "--format", fmt)
    result = _threshold("route", *args, env=exampleshire_env)
    assert result.returncode == 0, result.stderr
    # in the contacts, not only in a step's words (text is wrapped to 80 columns)
    out = " ".join(result.stdout.split()) if fmt == "text" else result.stdout
    assert shown in out
