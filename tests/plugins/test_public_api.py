"""``threshold.plugin`` is the one module an authority plugin imports: the
built-in plugins and the scaffold's plugin use only it, never ``threshold.core``
(which is internal and may change), and it gives what a plugin needs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import threshold.plugin
from tests.conftest import EXAMPLESHIRE, REPO
from threshold.core.authoring.scaffold import write_plugin
from threshold.core.model.errors import DataError
from threshold.plugin import AuthorityData
from threshold.plugins import derbyshire
from threshold.plugins.ddscp import FORM_SECTIONS, PACK

DERBYSHIRE_DATA = derbyshire.data.files[len(PACK) :]  # its own authority.toml and rules.toml


def core_imports(path: Path) -> list[str]:
    """Every import of threshold.core (or of threshold's other internals) in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found += [n for n in names if n.startswith(("threshold.core", "threshold.cli"))]
    return found


def test_the_check_finds_an_import_of_threshold_core(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from threshold.core.model.case import Case\nimport threshold.plugin\n")
    assert core_imports(bad) == ["threshold.core.model.case", "threshold.core.model.case.Case"]
    fine = tmp_path / "fine.py"
    fine.write_text("from threshold import plugin\nfrom threshold.plugin import hookimpl\n")
    assert core_imports(fine) == []


@pytest.mark.parametrize(
    "path", sorted((REPO / "plugins").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO))
)
def test_built_in_plugins_import_only_the_public_plugin_api(path: Path) -> None:
    assert core_imports(path) == []


def test_exampleshire_imports_only_the_public_plugin_api() -> None:
    """The fictional third authority is written as any outside plugin would be."""
    sources = sorted((EXAMPLESHIRE / "threshold_exampleshire").rglob("*.py"))
    assert sources
    for path in sources:
        assert core_imports(path) == [], path
        assert "threshold.plugins" not in path.read_text("utf-8"), path


def test_the_scaffolds_plugin_imports_only_the_public_plugin_api(tmp_path: Path) -> None:
    written = write_plugin("Nottingham City", tmp_path / "plugin")
    sources = [p for p in written if p.suffix == ".py"]
    assert len(sources) >= 2
    for path in sources:
        assert core_imports(path) == [], path


def test_every_public_name_resolves() -> None:
    for name in threshold.plugin.__all__:
        assert getattr(threshold.plugin, name) is not None, name
    assert {"hookimpl", "AuthorityData", "RouteChoice", "load_authority"} <= set(
        threshold.plugin.__all__
    )


def test_authority_data_loads_each_part_once_and_gives_the_register_hooks() -> None:
    data = AuthorityData(
        *PACK,
        *DERBYSHIRE_DATA,
        forms=derbyshire.data.forms_folder,
        common_sections=FORM_SECTIONS,
    )
    assert data.authority() is data.authority()
    assert data.forms() is data.forms() and data.forms()
    registered: list[object] = []
    authorities, forms, indicators = data.hooks()
    authorities(registered.append)
    forms(registered.append)
    indicators(registered.append)  # none given: registers nothing
    assert registered == [data.authority(), *data.forms()]
    # the forms' shared sections are the pack's, with its citations
    assert data.forms()[0].sections[0].cite
    assert getattr(authorities, "threshold_impl", None) is not None  # marked as a hook


def test_without_the_packs_sections_a_form_gets_the_cores_neutral_ones() -> None:
    data = AuthorityData(*PACK, *DERBYSHIRE_DATA, forms=derbyshire.data.forms_folder)
    urgency = data.forms()[0].sections[0]
    assert urgency.id == "urgency" and urgency.source == "common-practice"
    assert not urgency.cite and all(not item.cite for item in urgency.items)


def test_authority_data_names_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "authority.toml"
    bad.write_text('id = "x"\n', "utf-8")
    with pytest.raises(DataError, match=r"authority\.toml"):
        AuthorityData(bad).authority()
