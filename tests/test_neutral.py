"""The core is authority-neutral (issue 13): no file of core/, cli/ or templates/
(the scaffold's templates aside, which write an example for a new authority) uses a
word that belongs to one threshold document. Those words live in plugins/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

#: Words that belong to one policy document, as the issue lists them.
DOCUMENT_WORDS = (
    "Derby",
    "Derbyshire",
    "DDSCP",
    "Starting Point",
    "VCM",
    "Vulnerable Children",
    "Early Help Assessment",
    "EHA",
    "48 hours",
    "time-limited",
)
PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(word) for word in DOCUMENT_WORDS) + r")\b")
CHECKED = ("core", "cli", "templates")
EXEMPT = (REPO / "templates" / "scaffold",)
SUFFIXES = {".py", ".j2", ".toml", ".json", ".md", ".txt", ".html", ".css", ".js"}


def _files() -> list[Path]:
    found = []
    for top in CHECKED:
        for path in sorted((REPO / top).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file():
                continue
            if any(path.is_relative_to(exempt) for exempt in EXEMPT):
                continue
            found.append(path)
    return found


def test_the_files_checked_are_found() -> None:
    names = {path.relative_to(REPO).as_posix() for path in _files()}
    assert "core/engine/plan.py" in names
    assert "cli/route.py" in names
    assert any(name.startswith("templates/") for name in names)


@pytest.mark.parametrize("path", _files(), ids=lambda path: path.relative_to(REPO).as_posix())
def test_no_document_words_in_the_core(path: Path) -> None:
    hits = [
        f"{path.relative_to(REPO)}:{number}: {match.group(0)!r}"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        for match in PATTERN.finditer(line)
    ]
    assert not hits, "words of one policy document in the core:\n" + "\n".join(hits)


def test_the_pattern_finds_each_word() -> None:
    for word in DOCUMENT_WORDS:
        assert PATTERN.search(f"a line with {word} in it"), word
    assert not PATTERN.search("eha_required derby_city")
