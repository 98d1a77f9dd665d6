"""The forms part of ``threshold check``: a form built in Python (so never
validated as a data file) that carries another authority's level names, cites
another authority's documents or names a route its authority does not have is
reported, naming the form and the field (issue 13: Durham's referral form with
Derby and Derbyshire's level names and citations)."""

from __future__ import annotations

import attrs

from threshold.core.authoring.forms_check import check_form, check_forms, level_choices
from threshold.core.model.forms import Choice, Form, Item, SourceRef
from threshold.core.plugins.registry import Registry

AUTHORITY = "exampleshire"
REFERRAL = "exampleshire-safeguarding-referral"
#: Derby and Derbyshire's level names, as a form copied from theirs would carry them.
BORROWED = (
    ("1", "Level 1 \u2013 Universal"),
    ("2", "Level 2 \u2013 Emerging needs"),
    ("3", "Level 3 \u2013 Complex needs"),
    ("4", "Level 4 \u2013 Specialist"),
)
DDSCP_SEED = "002_1e42af3873256e9b.txt"


def _level_item(form: Form) -> Item:
    return next(item for item in form.items() if item.choices and item.prefill == "level")


def _replace_item(form: Form, old: Item, new: Item) -> Form:
    def swap(items: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(
            new if item is old else attrs.evolve(item, items=swap(item.items)) for item in items
        )

    return attrs.evolve(
        form, sections=tuple(attrs.evolve(s, items=swap(s.items)) for s in form.sections)
    )


def test_the_installed_and_exampleshires_forms_pass(exampleshire_registry: Registry) -> None:
    for authority_id in ("derbyshire", "derby_city", AUTHORITY):
        assert check_forms(exampleshire_registry, authority_id) == []


def test_borrowed_level_names_are_reported(exampleshire_registry: Registry) -> None:
    authority = exampleshire_registry.get(AUTHORITY).authority
    form = exampleshire_registry.form(AUTHORITY, REFERRAL)
    item = _level_item(form)
    assert [(c.value, c.label) for c in item.choices] == level_choices(authority)
    borrowed = attrs.evolve(item, choices=tuple(Choice(v, label) for v, label in BORROWED))
    (finding,) = check_form(authority, _replace_item(form, item, borrowed))
    assert finding.where == f"exampleshire: forms.{REFERRAL}.items.{item.id}.choices"
    assert "Level 2 \u2013 Early support" in finding.message


def test_another_authoritys_citation_is_reported(exampleshire_registry: Registry) -> None:
    authority = exampleshire_registry.get(AUTHORITY).authority
    form = exampleshire_registry.form(AUTHORITY, REFERRAL)
    cited = attrs.evolve(form, cite=(*form.cite, SourceRef(DDSCP_SEED, "Levels of need")))
    (finding,) = check_form(authority, cited)
    assert finding.where == f"exampleshire: forms.{REFERRAL}.cite[{len(form.cite)}].seed"
    assert (
        DDSCP_SEED in finding.message and "not one of exampleshire's documents" in finding.message
    )


def test_a_route_the_authority_lacks_is_reported(exampleshire_registry: Registry) -> None:
    authority = exampleshire_registry.get(AUTHORITY).authority
    form = exampleshire_registry.form(AUTHORITY, REFERRAL)
    (finding,) = check_form(authority, attrs.evolve(form, routes=(*form.routes, "early-help")))
    assert finding.where.endswith(f".routes[{len(form.routes)}]")
    assert "unknown route 'early-help'" in finding.message
