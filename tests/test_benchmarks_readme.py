"""README's performance table is the output of `python -m benchmarks`: the same
columns and rows, measured no earlier than the last change to the benchmark code.

No timing here (timing lives in benchmarks/): the row names come from
benchmarks/table.py, which measures nothing, and the dates from git.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
SECTION = "## Hardening and performance"


def _table() -> ModuleType:
    """benchmarks/table.py, loaded by path (benchmarks/ is not an installed package)."""
    spec = importlib.util.spec_from_file_location("_benchmark_table", REPO / "benchmarks/table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # attrs resolves the module's annotations through it
    spec.loader.exec_module(module)
    return module


TABLE = _table()


def _section(text: str) -> str:
    """README's performance section: from its heading to the next heading of its level."""
    start = text.index(SECTION)
    rest = text[start + len(SECTION) :]
    end = rest.find("\n## ")
    return rest if end < 0 else rest[:end]


def _problems(section: str) -> list[str]:
    """What keeps ``section`` from holding the table `python -m benchmarks` prints."""
    header, names = TABLE.table_names(section)
    if header != TABLE.HEADER:
        return [f"no table with the columns {' | '.join(TABLE.HEADER)}"]
    expected = list(TABLE.row_names())
    if names != expected:
        return [f"rows {names} are not the benchmark's rows {expected}"]
    if TABLE.STAMP_PATTERN.search(section) is None:
        return ["no 'Measured with `python -m benchmarks` on YYYY-MM-DD' line"]
    return []


def _stale(section: str, code_changed: dt.date) -> bool:
    """True when the figures in ``section`` are older than ``code_changed``."""
    found = TABLE.STAMP_PATTERN.search(section)
    return found is None or dt.date.fromisoformat(found.group(1)) < code_changed


def test_readme_table_has_the_benchmark_rows() -> None:
    section = _section((REPO / "README.md").read_text(encoding="utf-8"))
    assert _problems(section) == []


def test_the_check_fails_on_a_missing_row_or_stamp() -> None:
    section = _section((REPO / "README.md").read_text(encoding="utf-8"))
    first = TABLE.row_names()[0]
    without_row = "\n".join(
        line for line in section.splitlines() if not line.startswith(f"| {first} |")
    )
    assert _problems(without_row)
    renamed = section.replace(f"| {first} |", "| route, median |")
    assert _problems(renamed)
    assert _problems(TABLE.STAMP_PATTERN.sub("Measured by hand", section))
    assert _problems("no table at all")


def test_readme_figures_are_not_older_than_the_benchmark_code() -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed: cannot date the benchmark code")
    inside = subprocess.run(
        [git, "-C", str(REPO), "rev-parse", "--is-inside-work-tree"],
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        pytest.skip("not a git checkout: cannot date the benchmark code")
    changed = subprocess.run(
        [git, "-C", str(REPO), "log", "-1", "--format=%cs", "--", "benchmarks/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not changed:
        pytest.skip("benchmarks/ has no commit in this checkout's history")
    section = _section((REPO / "README.md").read_text(encoding="utf-8"))
    assert not _stale(section, dt.date.fromisoformat(changed)), (
        f"benchmarks/ changed on {changed}, after README's figures were measured: "
        "run `python -m benchmarks` and paste its output into README"
    )


def test_staleness_is_judged_on_the_stamped_date() -> None:
    section = TABLE.STAMP.format(date="2026-11-23")
    assert _stale(section, dt.date(2026, 11, 24))
    assert not _stale(section, dt.date(2026, 11, 23))
    assert _stale("no stamp", dt.date(2026, 11, 23))
