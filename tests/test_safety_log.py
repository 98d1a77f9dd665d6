"""The hazard log (docs/safety.md) names real tests: every one must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOG = REPO / "docs" / "safety.md"


def defined_tests() -> set[str]:
    names = set()
    for path in (REPO / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def test_every_test_named_in_the_hazard_log_exists() -> None:
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", LOG.read_text("utf-8")))
    assert len(named) >= 30
    missing = sorted(named - defined_tests())
    assert not missing, f"docs/safety.md names tests that do not exist: {missing}"


def test_every_hazard_has_cause_harm_controls_tests() -> None:
    text = LOG.read_text("utf-8")
    hazards = re.split(r"\n### ", text)[1:]
    assert len(hazards) >= 9
    for hazard in hazards:
        for part in ("**Cause**", "**Harm**", "**Controls**", "**Tests**", "**Residual risk**"):
            assert part in hazard, f"{hazard.splitlines()[0]} lacks {part}"
