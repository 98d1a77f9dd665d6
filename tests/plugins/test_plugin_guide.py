"""Meta-tests that keep docs/plugins.md true (in the manner of datasette's):
every hook is documented with its exact signature, the guide documents no hook
that does not exist, threshold calls every hook, every excerpt of a data file
is in that file word for word, and the worked example runs: its commands and
edits, in order, in an empty folder, from `threshold new-authority` to a passing
`threshold check` (issue 13)."""

from __future__ import annotations

import inspect
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from tests.authoring.test_scaffold import fill_placeholders
from tests.conftest import REPO
from threshold.core.engine.api import route
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.forms import Form
from threshold.core.model.guidance import RouteChoice
from threshold.core.model.indicators import IndicatorSet
from threshold.core.plugins import hookspecs
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city
from threshold.plugins.ddscp import indicators
from threshold.testing import make_plugin

GUIDE = REPO / "docs" / "plugins.md"

HOOKS = sorted(
    name
    for name, value in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("threshold_")
)


def signature(name: str) -> str:
    """The hook's signature as the guide must print it."""
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"{name}({params}) -> {sig.return_annotation}"


def test_the_guide_documents_exactly_the_hooks_that_exist() -> None:
    documented = re.findall(r"^### `(threshold_[a-z_]+)\(", GUIDE.read_text("utf-8"), re.M)
    assert sorted(documented) == HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_its_signature(name: str) -> None:
    assert f"### `{signature(name)}`" in GUIDE.read_text("utf-8")


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_docstring(name: str) -> None:
    assert (getattr(hookspecs, name).__doc__ or "").strip()


def test_every_hook_is_called_when_its_part_is_used() -> None:
    """A plugin implementing every hook: loading it, routing a level 3 case in its
    authority, and asking for forms and indicators call each hook (a hook that
    threshold never calls would fail here)."""
    called: list[str] = []

    def register_authorities(register: Callable[[Authority], None]) -> None:
        called.append("threshold_register_authorities")
        register(attrs.evolve(derby_city.data.authority(), id="spyshire", name="Spyshire"))

    def route_rule(authority: Authority, case: Case) -> RouteChoice | None:
        called.append("threshold_route_rule")
        return RouteChoice("online-referral")

    def register_forms(register: Callable[[Form], None]) -> None:
        called.append("threshold_register_forms")

    def register_indicators(register: Callable[[IndicatorSet], None]) -> None:
        called.append("threshold_register_indicators")
        register(indicators())

    spy = make_plugin(
        "spy",
        threshold_register_authorities=register_authorities,
        threshold_route_rule=route_rule,
        threshold_register_forms=register_forms,
        threshold_register_indicators=register_indicators,
    )
    registry = Registry.load([("spy", spy)], use_entry_points=False)
    assert registry.authority_ids() == ["spyshire"]
    assert route({"level": 3}, "spyshire", registry=registry).route == "online-referral"
    assert registry.forms("spyshire") == []
    assert [s.document.id for s in registry.indicator_sets()] == ["ddscp-2022"]
    assert sorted(set(called)) == HOOKS


def test_guide_is_linked_from_readme() -> None:
    assert "docs/plugins.md" in (REPO / "README.md").read_text("utf-8")


# ----------------------------------------------------------------------------- excerpts

EXCERPT = re.compile(r"<!-- excerpt: (?P<path>\S+) -->\n```[a-z]*\n(?P<text>.*?)```", re.S)


def test_every_excerpt_is_in_its_file_word_for_word() -> None:
    excerpts = EXCERPT.findall(GUIDE.read_text("utf-8"))
    assert len(excerpts) >= 5
    for path, text in excerpts:
        assert text in (REPO / path).read_text("utf-8"), path


# ----------------------------------------------------------------------------- the worked example

STEP = re.compile(r"<!-- walkthrough: (?P<what>.*?) -->\n(?:\n?```[a-z]*\n(?P<text>.*?)```)?", re.S)
BIN = Path(sys.executable).parent


def walkthrough() -> list[tuple[str, str]]:
    """The guide's worked example: each step (what to do, and its block), in order."""
    return [(m["what"], m["text"] or "") for m in STEP.finditer(GUIDE.read_text("utf-8"))]


def command(line: str) -> tuple[list[str], int]:
    """A command of the guide as this test runs it, and the exit code it must give
    (``# exit N`` in its comment, else 0). ``pip install`` installs offline (the
    test's environment has threshold already)."""
    words = shlex.split(line, comments=True)
    expected = re.search(r"# exit (\d+)", line)
    if words[0] == "threshold":
        argv = [str(BIN / "threshold"), *words[1:]]
    elif words[:2] == ["pip", "install"]:
        argv = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
        argv += ["--no-build-isolation", *words[2:]]
    elif words[0] == "pytest":
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *words[1:]]
    else:  # pragma: no cover - a command this test does not know fails it
        raise AssertionError(f"the guide runs an unknown command: {line}")
    return argv, int(expected[1]) if expected else 0


def edit(what: str, text: str, folder: Path) -> None:
    """Apply one edit of the guide: insert a block before the first line that starts
    with an anchor, or append it to a file."""
    inserted = re.fullmatch(r'insert before "(?P<anchor>.+)" in (?P<path>\S+)', what)
    appended = re.fullmatch(r"append to (?P<path>\S+)", what)
    match = inserted or appended
    assert match, f"unknown step of the worked example: {what}"
    path = folder / match["path"]
    data = path.read_text("utf-8")
    if inserted:
        at = re.search("^" + re.escape(inserted["anchor"]), data, re.M)
        assert at, f"{path} has no line starting {inserted['anchor']!r}"
        data = data[: at.start()] + text + data[at.start() :]
    else:  # after a blank line (two in Python)
        data = (
            data.rstrip("\n") + ("\n\n\n" if path.suffix == ".py" else "\n\n") + text.lstrip("\n")
        )
    path.write_text(data, "utf-8")


def test_the_worked_example_runs_from_new_authority_to_a_passing_check(tmp_path: Path) -> None:
    steps = walkthrough()
    kinds = [what.split()[0] for what, _ in steps]
    assert kinds.count("run") >= 4 and "fill" in kinds and "insert" in kinds
    ran: list[str] = []
    installed: list[str] = []
    try:
        for what, text in steps:
            if what == "run":
                for line in filter(None, (raw.strip() for raw in text.splitlines())):
                    argv, expected = command(line)
                    if argv[1:4] == ["-m", "pip", "install"]:
                        installed.append(argv[-1])
                    done = subprocess.run(
                        argv, cwd=tmp_path, capture_output=True, text=True, timeout=300
                    )
                    assert done.returncode == expected, (line, done.stdout[-3000:], done.stderr)
                    if "0 errors" in line:
                        assert done.stdout.strip().endswith("0 errors, 0 warnings"), done.stdout
                    if expected == 1 and "TODO" in line:
                        assert "placeholder not filled in" in done.stdout
                    ran.append(line)
            elif what == "fill in every TODO":
                fill_placeholders(tmp_path / "threshold-nottingham-city")
            else:
                edit(what, text, tmp_path)
    finally:
        if installed:
            subprocess.run(
                [sys.executable, "-m", "pip", "uninstall", "--yes", "threshold-nottingham-city"],
                capture_output=True,
                timeout=300,
            )
    assert any(line.startswith("threshold route") for line in ran)
    assert any(line.startswith("pytest") for line in ran)
    assert ran[-1].startswith("threshold check --path")  # the hook proved like a table
    plugin = tmp_path / "threshold-nottingham-city" / "src" / "threshold_nottingham_city"
    assert "def threshold_route_rule(" in (plugin / "__init__.py").read_text("utf-8")

    # the row put last, as the guide warns, is unreachable and the check says so
    data_file = plugin / "authority.toml"
    good = data_file.read_text("utf-8")
    row = good[good.index("[[rules]]\nwhen = { non_mobile_baby_bruising = true }") :]
    row = row[: row.index("[[rules]]", 1)]
    routes = good.index(
        "# ------------------------------------------------------------------ routes"
    )
    data_file.write_text(good[:routes].replace(row, "") + row + good[routes:], "utf-8")
    unreachable = check(tmp_path)
    assert unreachable.returncode == 1
    assert (
        "rules[5]: rule unreachable-row: never the first match (route 'child-protection'): the "
        "rows above it take every case it matches; remove it or move it up"
    ) in unreachable.stdout
    assert "route is early-help (early-help), expected emergency or child protection" in (
        unreachable.stdout
    )
    data_file.write_text(good, "utf-8")

    # the check proves the rule as it proves a table: without the guide's line that
    # leaves the bruising cases and the public's to the table, it fails
    guard = "    if case.referrer is not Referrer.PROFESSIONAL or case.non_mobile_baby_bruising:\n"
    guard += "        return None\n"
    module = plugin / "__init__.py"
    assert guard in module.read_text("utf-8")
    module.write_text(module.read_text("utf-8").replace(guard, ""), "utf-8")
    failing = check(tmp_path)
    assert failing.returncode == 1
    assert "rule harm-urgent-route: first contact is" in failing.stdout
    assert "expected a phone line for emergencies or child protection" in failing.stdout


def check(folder: Path) -> subprocess.CompletedProcess[str]:
    """``threshold check --path`` on the worked example's plugin."""
    return subprocess.run(
        [str(BIN / "threshold"), "check", "--path", "threshold-nottingham-city"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_scaffold_points_to_a_section_of_the_guide() -> None:
    """The scaffold's plugin module names the guide's section on the hook; it exists."""
    template = (REPO / "templates" / "scaffold" / "plugin.py.j2").read_text("utf-8")
    (section,) = re.findall(r'docs/plugins\.md, "([^"]+)"', template)
    assert f"## {section}\n" in GUIDE.read_text("utf-8")
