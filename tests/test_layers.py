"""The layers of threshold.core are enforced: ``lint-imports`` (import-linter)
checks the contracts in pyproject.toml (each layer imports only from the layers
below it; no import cycles), and a deliberately wrong import in a copy of the
tree is shown to fail them with a message that names it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_quality import require

LAYERS = (
    "interfaces",
    "authoring",
    "render",
    "analysis",
    "forms",
    "engine",
    "plugins",
    "io",
    "model",
)


def installed_tree(root: Path) -> Path:
    """A copy of the sources shaped like the installed package (threshold/core, ...)."""
    package = root / "threshold"
    package.mkdir()
    for module in (REPO / "threshold").glob("*.py"):
        shutil.copy(module, package / module.name)
    for part in ("core", "cli", "plugins", "schemas", "templates"):
        shutil.copytree(REPO / part, package / part, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("lint-imports")
    require("lint-imports", command.exists())
    return subprocess.run(
        [str(command), str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contract_names_every_package_of_core_in_order() -> None:
    text = (REPO / "pyproject.toml").read_text("utf-8")
    packages = sorted(p.name for p in (REPO / "core").iterdir() if (p / "__init__.py").exists())
    assert sorted(LAYERS) == packages
    listed = [
        line.strip().strip('",') for line in text.split("layers = [")[1].split("]")[0].split()
    ]
    assert tuple(listed) == LAYERS


def test_the_contracts_are_kept(tmp_path: Path) -> None:
    result = lint_imports(installed_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_wrong_way_import_breaks_the_layers_naming_it(tmp_path: Path) -> None:
    root = installed_tree(tmp_path)
    enums = root / "threshold" / "core" / "model" / "enums.py"
    text = enums.read_text("utf-8")
    enums.write_text(text + "\nfrom threshold.core.interfaces.web import app  # noqa\n", "utf-8")
    line = text.count("\n") + 2
    result = lint_imports(root)
    assert result.returncode != 0
    assert (
        "threshold.core.model is not allowed to import threshold.core.interfaces" in result.stdout
    )
    assert f"threshold.core.model.enums -> threshold.core.interfaces.web.app (l.{line})" in (
        result.stdout
    )


def test_an_import_cycle_between_sibling_modules_breaks_the_contract(tmp_path: Path) -> None:
    root = installed_tree(tmp_path)
    wording = root / "threshold" / "core" / "engine" / "wording.py"
    wording.write_text(
        wording.read_text("utf-8") + "\nfrom threshold.core.engine import build  # noqa\n", "utf-8"
    )
    result = lint_imports(root)
    assert result.returncode != 0
    assert "Contracts: 1 kept, 1 broken." in result.stdout
    assert "No cycles are allowed in threshold.core.engine." in result.stdout
    assert "- .wording -> .build (1 import)" in result.stdout


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_is_a_package_with_a_docstring(layer: str) -> None:
    init = REPO / "core" / layer / "__init__.py"
    assert init.read_text("utf-8").startswith('"""'), layer
