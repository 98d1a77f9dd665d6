"""`threshold route` in a terminal (issue 15, item 3): wrapped to the terminal's
width (``COLUMNS``; 80 when output is not a terminal), a NOW block first, ``--brief``
for the NOW block alone, and the emergency route said once, without a closed
online form as a contact or "if it becomes urgent" at its end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Run = Callable[..., Result]
SATURDAY_EVENING = "2026-11-28T21:00"
DANGER = ("route", "--authority", "derbyshire", "--immediate-danger", "--at", SATURDAY_EVENING)


def _threshold(*args: str, columns: str | None) -> subprocess.CompletedProcess[str]:
    """The console script in a real process, its output a pipe (not a terminal)."""
    exe = Path(sys.executable).with_name("threshold")
    if not exe.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


@pytest.mark.parametrize(("columns", "width"), [(None, 80), ("60", 60), ("132", 132)])
def test_text_wraps_to_the_terminal_width(columns: str | None, width: int) -> None:
    result = _threshold(*DANGER, columns=columns)
    assert result.returncode == 0, result.stderr
    lengths = [len(line) for line in result.stdout.splitlines()]
    assert max(lengths) <= width
    assert max(lengths) > width - 15  # wrapped at this width, not a narrower one


def test_brief_prints_the_now_block_only(run_cli: Run) -> None:
    full = run_cli(*DANGER)
    brief = run_cli(*DANGER, "--brief")
    assert brief.code == 0 and brief.err == ""
    lines = brief.out.splitlines()
    assert lines == full.out.split("\n\n", 1)[0].splitlines()
    assert 3 <= len(lines) <= 8
    assert lines[0] == "DERBYSHIRE COUNTY COUNCIL: EMERGENCY: RING 999"
    assert (
        "Ring 999 now." in brief.out
        and "CONTACT FIRST: Emergency services: 999. Open now." in brief.out
    )
    assert "WHAT TO DO" not in brief.out


def test_brief_child_protection_gives_the_line_and_999(run_cli: Run) -> None:
    args = ("route", "--authority", "derby_city", "--significant-harm", "--brief")
    result = run_cli(*args, "--at", SATURDAY_EVENING)
    flat = " ".join(result.out.split())
    assert result.code == 0 and len(result.out.splitlines()) <= 8
    assert "Derby City Initial Response Team: 01332 641172" in flat
    assert "999" in flat


@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_brief_is_for_text_only(run_cli: Run, fmt: str) -> None:
    result = run_cli(*DANGER, "--brief", "--format", fmt)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert "--brief: only with text output" in result.err
    assert "ring 999" in result.err  # the urgent line is kept


def test_the_emergency_route_at_night_says_each_thing_once(run_cli: Run) -> None:
    """Before: the closed Starting Point form was contact 4 of an emergency, the
    follow-up said "within 48 hours" twice, consent showed "not-sought", and the
    page ended with "IF IT BECOMES URGENT"."""
    result = run_cli(*DANGER)
    out = result.out
    contacts = out.split("WHO TO CONTACT", 1)[1].split("\n\n", 1)[0]
    assert "online request for support form:" not in contacts
    assert "  4." not in contacts and "  3. Call Derbyshire (out of hours)" in contacts
    follow = " ".join(out.split("FOLLOW-UP", 1)[1].split("\n\n", 1)[0].split())
    assert follow.lower().count("within 48 hours") == 1
    assert "closed now; next known to open Monday 30 November 2026, 09:00" in follow
    assert "not-sought" not in out and "Your answer: Not yet sought." in out
    assert "IF IT BECOMES URGENT" not in out
    assert "closed now;" not in contacts and ". closed now" not in out


def test_a_route_that_is_not_urgent_still_ends_with_the_urgent_numbers(run_cli: Run) -> None:
    result = run_cli(
        "route", "--authority", "derbyshire", "--level", "2", "--at", "2026-11-23T11:00"
    )
    tail = result.out.split("IF IT BECOMES URGENT", 1)[1]
    assert "999" in tail and "01629 533190" in tail


def test_check_counts_are_plural_only_when_plural(capsys: pytest.CaptureFixture[str]) -> None:
    """ "1 errors" before."""
    import click

    from threshold.cli.check import _report_findings, check
    from threshold.core.authoring.conformance import Finding

    with click.Context(check), pytest.raises(click.exceptions.Exit):
        _report_findings([Finding("error", "x", "y")], "here", "text")
    assert capsys.readouterr().out.splitlines()[-1] == "check here: 1 error, 0 warnings"
    with click.Context(check):
        _report_findings([Finding("warning", "x", "y")] * 2, "here", "text")
    assert capsys.readouterr().out.splitlines()[-1] == "check here: 0 errors, 2 warnings"


def test_compare_counts_are_plural_only_when_plural(exampleshire_env: dict[str, str]) -> None:
    """Exampleshire's rows of one combination said "1 combinations"."""
    exe = Path(sys.executable).with_name("threshold")
    args = ["compare", "derbyshire", "derby_city", "exampleshire"]
    for fmt in ("text", "markdown"):
        result = subprocess.run(
            [str(exe), *args, "--format", fmt],
            capture_output=True,
            text=True,
            timeout=120,
            env=exampleshire_env,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert " 1 combination\n" in result.stdout or fmt == "markdown"
        assert not re.search(r"\b1 (combinations|rows)\b", result.stdout)


def test_brief_is_not_for_batch(run_cli: Run, tmp_path: Path) -> None:
    lines = tmp_path / "cases.jsonl"
    lines.write_text('{"authority": "derbyshire", "level": 2}\n', "utf-8")
    result = run_cli("route", "--batch", str(lines), "--brief")
    assert result.code == 2 and result.out == ""
    assert "--brief: only with text output" in result.err and result.err.count("\n") == 1
