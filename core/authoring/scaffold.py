"""`threshold new-authority`: write a standalone, installable authority plugin.

The data file lists every field the schema and the core engine need, each with
a comment, and placeholders (``TODO: ...``) that fail ``threshold check`` until
they are replaced with facts from the authority's own sources.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs

from threshold.core.model.vocabulary import CORE_CONSENT, CORE_STEPS, CORE_SUMMARIES
from threshold.core.render.environment import render

PLACEHOLDER = "TODO"


@attrs.frozen
class Names:
    """The names derived from an authority's name."""

    title: str  # "Nottingham City"
    authority_id: str  # "nottingham_city"
    distribution: str  # "threshold-nottingham-city"
    package: str  # "threshold_nottingham_city"


def derive_names(title: str) -> Names:
    """Derive the id, distribution and package names from an authority's name.

    Raises:
        ValueError: the name has no letters or digits to make an id from.
    """
    words = re.findall(r"[a-z0-9]+", title.lower())
    if not words or not words[0][0].isalpha():
        raise ValueError(
            "expected an authority name starting with a letter, such as 'Nottingham City'"
        )
    authority_id = "_".join(words)
    return Names(
        title=" ".join(title.split()),
        authority_id=authority_id,
        distribution="threshold-" + "-".join(words),
        package="threshold_" + authority_id,
    )


def _todo(text: str) -> str:
    return json.dumps(f"{PLACEHOLDER}: {text}")


CITATION = '[{ document = "main", section = ' + _todo("the section heading this comes from") + " }]"

#: The routes a plugin's own rule may choose, with a first step for each.
RULE_STEPS = {
    "referral-make": "how to make a referral at level 3 or 4",
    "public-call": "what a member of the public should do",
}


def authority_toml(names: Names) -> str:
    """Return the commented data file for a new authority, placeholders included."""
    return render(
        "scaffold/authority.toml.j2",
        names=names,
        todo=_todo,
        citation=CITATION,
        core_steps=sorted(CORE_STEPS),
        rule_steps=RULE_STEPS,
        consent_keys=sorted(CORE_CONSENT),
        summaries=sorted(CORE_SUMMARIES),
    )


def write_plugin(title: str, directory: Path) -> list[Path]:
    """Write the plugin package for ``title`` into ``directory`` (which must not
    exist or be empty). Returns the files written.

    Raises:
        ValueError: bad name, or the directory is not empty.
    """
    names = derive_names(title)
    if directory.exists() and any(directory.iterdir()):
        raise ValueError(f"{directory} is not empty; expected a new or empty directory")
    package = directory / "src" / names.package
    files = {
        directory / "pyproject.toml": render("scaffold/pyproject.toml.j2", names=names),
        directory / "README.md": render("scaffold/README.md.j2", names=names),
        package / "__init__.py": render("scaffold/plugin.py.j2", names=names),
        package / "authority.toml": authority_toml(names),
        package / "forms" / "referral.toml": render(
            "scaffold/form.toml.j2", names=names, todo=_todo
        ),
        directory / "tests" / "scenarios.toml": render("scaffold/scenarios.toml.j2", names=names),
        directory / "tests" / "test_conformance.py": render(
            "scaffold/test_conformance.py.j2", names=names
        ),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return sorted(files)
