"""`threshold new-authority`: write a standalone, installable authority plugin.

Its policy is data, in the format of a policy pack (``schemas/pack.schema.json``):
levels with their bands, questions, contacts with their purposes and hours,
routes with their parts, a decision table and the words of every text, each
field with a comment, and placeholders (``TODO: ...``) that fail ``threshold
check`` until they are replaced with facts from the authority's own sources.
Also written: a referral form (the core's neutral shared sections), a scenario
file and the plugin module, which imports only ``threshold.plugin``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs

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

#: The scaffold's levels of need, each with its comparison band (an author keeps,
#: removes or adds levels as the document has them).
LEVELS = ((1, "universal"), (2, "emerging"), (3, "intensive"), (4, "specialist"))

#: The summaries the scaffold's routes name, with what each says.
SUMMARIES = {
    "emergency": "immediate danger: ring 999, then the front door",
    "emergency-public": "immediate danger, for a member of the public",
    "child-protection": "a child protection concern: ring the front door now",
    "child-protection-public": "a child protection concern, for a member of the public",
    "online-referral": "level {level}: make an online referral",
    "early-help": "level {level}: early help",
    "universal": "level 1: universal services",
    "advice": "no level judged yet: ask for advice",
    "public-contact": "what a member of the public should do",
}

#: The steps the scaffold's routes name, with what each says.
STEPS = {
    "ring-999": "ring 999",
    "ring-front-door-after-999": "after 999, ring {child_protection_line}",
    "ring-front-door": "ring {child_protection_line} now",
    "discuss-with-lead": "discuss the concern with your safeguarding lead",
    "follow-up-in-writing": "follow the call up in writing with {follow_up}",
    "referral-make": "make a referral with {online_referral} at level 3 or 4",
    "early-help": "what to do at level 2",
    "universal": "what to do at level 1",
    "advice": "who to ask for advice, e.g. {advice_line}",
    "public-call": "what a member of the public should do, e.g. ring {public_line}",
}

#: The consent texts the scaffold's routes name, with when each is given.
CONSENT = {
    "urgent": "for an urgent referral (consent is not needed to protect a child)",
    "seek-consent": "when consent is given or not yet sought",
    "without-consent": "when consent is refused, or seeking it would put the child at risk",
}


def authority_toml(names: Names) -> str:
    """Return the commented data file for a new authority, placeholders included."""
    return render(
        "scaffold/authority.toml.j2",
        names=names,
        todo=_todo,
        citation=CITATION,
        levels=LEVELS,
        summaries=SUMMARIES,
        steps=STEPS,
        consent=CONSENT,
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
