"""The shape of threshold.core, kept as the issue that made it visible left it
(issue 12): small modules, short functions (a longer one says why, and is listed
here by name), imports at the top (a lazy one only for a heavy third-party
library, saying what it saves), and the README's map naming every package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

CORE = REPO / "core"
MODULES = sorted(CORE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

#: Functions allowed to be longer than MAX_FUNCTION_LINES, by qualified name, and why.
#: Each must also say why in a comment of its own.
LONG_FUNCTIONS: dict[str, str] = {}

#: Third-party libraries a module of core may import inside a function, because
#: they are slow to import and most calls never need them (tomllib: a route reads the
#: packs' cached JSON, so only a cache miss or a check parses TOML).
LAZY_ALLOWED = {"jinja2", "jsonschema", "referencing", "holidays", "phonenumbers", "tomllib"}

#: threshold modules imported inside a function, by the importing module, and why:
#: only where routing (the start-up that counts) would otherwise pay for them.
LAZY_INTERNAL = {
    ("plugins/collect.py", "threshold.core.model.forms"): "form classes (~6 ms): routing "
    "never loads forms, and the registry imports this module",
    ("plugins/collect.py", "threshold.core.model.indicators"): "indicator classes (~7 ms), "
    "as for forms",
    ("render/environment.py", "threshold.core.render.text_wrap"): "textwrap (~1 ms): "
    "only text output wraps, and the JSON route imports this module",
}


def _name(path: Path) -> str:
    return str(path.relative_to(CORE))


def _functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, ast.AST]]:
    found: list[tuple[str, ast.AST]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((prefix + node.name, node))
            found += _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            found += _functions(node, f"{prefix}{node.name}.")
    return found


def long_functions(path: Path) -> dict[str, tuple[int, bool]]:
    """The functions of a module over the limit: name -> (lines, has a "Long:" comment)."""
    text = path.read_text("utf-8")
    lines = text.splitlines()
    found = {}
    for name, node in _functions(ast.parse(text)):
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        size = (node.end_lineno or node.lineno) - node.lineno + 1
        if size > MAX_FUNCTION_LINES:
            body = lines[node.lineno - 1 : node.end_lineno]
            found[f"{_name(path)}:{name}"] = (size, any("# Long:" in line for line in body))
    return found


def lazy_imports(path: Path) -> list[tuple[int, str, str]]:
    """Imports inside functions (not under TYPE_CHECKING): (line, module, source line)."""
    text = path.read_text("utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    typing_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for sub in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Import | ast.ImportFrom)
            and node.col_offset
            and (id(node) not in typing_only)
        ):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            found.append((node.lineno, module or "", lines[node.lineno - 1]))
    return found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_is_over_400_lines(path: Path) -> None:
    count = len(path.read_text("utf-8").splitlines())
    assert count <= MAX_MODULE_LINES, f"{_name(path)} has {count} lines"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_function_over_60_lines_is_listed_and_says_why(path: Path) -> None:
    for name, (size, says_why) in long_functions(path).items():
        assert name in LONG_FUNCTIONS, f"{name} has {size} lines; split it, or list it here"
        assert says_why, f"{name} is listed but has no '# Long:' comment saying why"


def test_every_listed_long_function_is_still_long() -> None:
    found = {name for path in MODULES for name in long_functions(path)}
    assert set(LONG_FUNCTIONS) == found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_lazy_imports_are_heavy_libraries_with_a_comment(path: Path) -> None:
    for line, module, source in lazy_imports(path):
        where = f"{_name(path)}:{line}"
        if module.startswith("threshold"):
            assert (_name(path), module) in LAZY_INTERNAL, f"{where}: import {module} at the top"
        else:
            assert module.split(".")[0] in LAZY_ALLOWED, f"{where}: {module} is not heavy"
        assert "# lazy:" in source, f"{where}: say what the lazy import saves"


def test_every_listed_internal_lazy_import_is_still_lazy() -> None:
    found = {(_name(p), module) for p in MODULES for _, module, _ in lazy_imports(p)}
    assert set(LAZY_INTERNAL) <= found


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    module = tmp_path / "example.py"
    body = "\n".join(f"    x{i} = {i}" for i in range(70))
    module.write_text(
        "def f():\n    import threshold.core.model.case\n    import jinja2\n" + body + "\n",
        "utf-8",
    )
    assert [m for _, m, _ in lazy_imports(module)] == ["threshold.core.model.case", "jinja2"]
    (size, says_why), *_ = long_functions_of(module).values()
    assert size == 73 and not says_why


def long_functions_of(path: Path) -> dict[str, tuple[int, bool]]:
    """:func:`long_functions` for a file outside core (for the test of the test)."""
    text = path.read_text("utf-8")
    found = {}
    for name, node in _functions(ast.parse(text)):
        assert isinstance(node, ast.FunctionDef)
        size = (node.end_lineno or node.lineno) - node.lineno + 1
        if size > MAX_FUNCTION_LINES:
            found[name] = (size, "# Long:" in text)
    return found


def test_readme_names_every_package_of_core() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    packages = [
        str(p.relative_to(CORE)).replace("\\", "/")
        for p in sorted(CORE.rglob("__init__.py"))
        if p.parent != CORE
    ]
    packages = [str(Path(p).parent) for p in packages]
    assert len(packages) >= 11
    for package in packages:
        assert f"core/{package}/" in section, f"README's 'How it is built' lacks core/{package}/"
