"""The figures README and docs quote are what the commands print (issue 15, item 6).

A paragraph of README.md that quotes a command's figures is marked with a comment
naming the command (``<!-- figures: threshold compare derbyshire derby_city -->``);
the test runs that command and reads the same figures from its output, so a
change to the data that moves them fails here until the prose is updated. The
install lines of README and docs/api.md install from a checkout: threshold is not
released on a package index.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, Result
from threshold.core.plugins.registry import Registry

Run = Callable[..., Result]
README = REPO / "README.md"
DOCS = REPO / "docs"
_MARKER = re.compile(r"<!-- figures: threshold (.+?) -->\n(.+?)(?:\n\n|\Z)", re.DOTALL)


def marked_paragraphs(path: Path) -> dict[str, str]:
    """Each marked paragraph of ``path`` by the command its marker names, joined into
    one line."""
    found = _MARKER.findall(path.read_text("utf-8"))
    return {command: " ".join(text.split()) for command, text in found}


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_readme_compare_figures_are_what_compare_prints(run_cli: Run) -> None:
    command = "compare derbyshire derby_city"
    paragraph = marked_paragraphs(README).get(command)
    assert paragraph is not None, f"README has no paragraph marked <!-- figures: {command} -->"
    quoted = re.search(
        r"([\d,]+) rows, of which ([\d,]+) differ \(([\d,]+) of the ([\d,]+) combinations",
        paragraph,
    )
    assert quoted, f"the marked paragraph quotes no figures: {paragraph[:120]}"
    rows, differ, differing, total = map(_number, quoted.groups())

    result = run_cli(*shlex.split(command))
    assert result.code == 0, result.err
    printed = re.search(
        r"SCENARIOS: (\d+) combinations .*? in (\d+) rows\.\n(\d+) rows? differs? \((\d+) combin",
        result.out,
    )
    assert printed, "`threshold compare` no longer prints its SCENARIOS figures"
    assert (total, rows, differ, differing) == tuple(map(int, printed.groups()))


def test_readme_combinations_per_authority_are_what_compare_prints(run_cli: Run) -> None:
    section = README.read_text("utf-8").split("\n## Comparing authorities\n", 1)[1]
    quoted = re.search(r"([\d,]+) per authority", section.split("\n## ", 1)[0])
    assert quoted
    result = run_cli("compare", "derbyshire", "derby_city", "--differences-only")
    printed = re.search(r"SCENARIOS: (\d+) combinations", result.out)
    assert printed and _number(quoted.group(1)) == int(printed.group(1))


def _install_lines(path: Path) -> list[str]:
    text = path.read_text("utf-8")
    return [line for line in text.splitlines() if re.search(r"\bpip3? install\b", line)]


@pytest.mark.parametrize("path", [README, DOCS / "api.md"], ids=lambda p: p.name)
def test_install_lines_install_from_a_checkout(path: Path) -> None:
    """threshold is not on a package index: ``pip install threshold`` (or
    ``'threshold[serve]'``) would install something else or nothing."""
    lines = _install_lines(path)
    assert lines, f"{path.name} has no install line"
    for line in lines:
        words = shlex.split(line.split("&&")[0], comments=True)
        targets = [w for w in words[words.index("install") + 1 :] if not w.startswith("-")]
        assert targets, line
        for target in targets:
            assert target.startswith((".", "/")), f"{path.name}: installs from an index: {line}"


def _console_examples(section: str) -> list[tuple[str, str]]:
    """Each ``$ command`` of the console blocks of README's ``section`` (up to the
    next section of its level) with the output the README shows for it."""
    text = README.read_text("utf-8").split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    examples: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output))
    return examples


def _matches(expected: str, got: str) -> bool:
    """Whether ``got`` is ``expected``, where ``...`` in it stands for any text."""
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, got, flags=re.DOTALL) is not None


@pytest.mark.parametrize("section", ["Routing a concern"])
def test_readme_console_examples_print_what_they_show(section: str) -> None:
    """The text, --brief and error examples of "Routing a concern" (with its "Errors"),
    run in a shell as written: what they print (stdout and stderr) is what README shows."""
    import os
    import subprocess
    import sys

    examples = _console_examples(section)
    assert len(examples) >= 5, examples
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "COLUMNS": "80"}
    for command, expected in examples:
        proc = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, env=env, timeout=60
        )
        got = proc.stdout + proc.stderr
        assert _matches(expected, got), f"$ {command}\nREADME shows:\n{expected}\nprinted:\n{got}"


_PHONE = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\b999\b")


def _routes_table() -> list[list[str]]:
    """The rows of README's table of the DDSCP routes (route, when, Derbyshire, Derby City)."""
    text = README.read_text("utf-8").split("\n### The routes\n", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_readme_route_table_numbers_are_what_each_route_gives(registry: Registry) -> None:
    """Each number the table quotes for an authority's route is in the guidance that
    route gives (its contacts, urgent contacts or steps), for a case that takes it."""
    from threshold.core.analysis.matrix import matrix_of
    from threshold.core.engine.api import route
    from threshold.core.model.plain import plain_data

    rows = _routes_table()
    assert len(rows) >= 8
    columns = {"derbyshire": 2, "derby_city": 3}
    checked = 0
    for authority_id, column in columns.items():
        authority = registry.get(authority_id).authority
        first: dict[str, dict[str, object]] = {}
        for case in matrix_of(authority).cases():
            found = route(case, authority_id, registry=registry)
            first.setdefault(found.route, plain_data(found))
            if len(first) == len(authority.routes):
                break
        for row in rows:
            route_id = row[0].split("`")[1]
            numbers = _PHONE.findall(row[column])
            if not numbers:
                continue
            assert route_id in first, f"README lists {route_id} for {authority_id}"
            text = str(first[route_id])
            for number in numbers:
                assert number in text, f"{authority_id} {route_id}: README quotes {number}"
                checked += 1
    assert checked >= 10
