"""The fast JSON encoder gives exactly the converter's JSON, whatever the case."""

from __future__ import annotations

import json

import attrs
import pytest

from threshold.core.analysis.matrix import matrix_of
from threshold.core.engine.api import route
from threshold.core.engine.reuse import without_reuse
from threshold.core.plugins.registry import Registry
from threshold.core.render.guidance_json import guidance_json


def plain(guidance: object) -> str:
    return json.dumps(guidance.to_dict(), ensure_ascii=False, separators=(",", ":"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_same_text_as_the_converter_over_the_matrix(registry: Registry, authority: str) -> None:
    checked = 0
    matrix = matrix_of(registry.get(authority).authority)
    for index, case in enumerate(matrix.cases()):
        if index % 4:
            continue
        for at in ("2026-11-23T11:00", "2026-11-28T20:00", "2026-12-25T09:30"):
            guidance = route(
                {**case, "at": at}, authority, registry=registry, record=index % 8 == 0
            )
            assert guidance_json(guidance) == plain(guidance), case
            checked += 1
    assert checked == 3 * matrix.size // 4
    assert matrix.size == 3840


def test_a_changed_copy_is_encoded_afresh(registry: Registry) -> None:
    guidance = route({"level": 2, "at": "2026-11-23T11:00"}, "derbyshire", registry=registry)
    assert guidance_json(guidance) == plain(guidance)
    changed = attrs.evolve(guidance, summary='<changed> \u2028 "quoted"')
    assert guidance_json(changed) == plain(changed)
    contact = attrs.evolve(guidance.urgent_contacts[1], phone="000")
    moved = attrs.evolve(guidance, urgent_contacts=(guidance.urgent_contacts[0], contact))
    assert guidance_json(moved) == plain(moved)


def test_same_text_as_the_converter_for_exampleshire(exampleshire_registry: Registry) -> None:
    """A third authority's guidance (its own routes, an email follow-up, a duty team
    outside the front door's hours) is encoded as the converter does too."""
    matrix = matrix_of(exampleshire_registry.get("exampleshire").authority)
    checked = 0
    for case in matrix.cases():
        for at in ("2026-11-27T16:29", "2026-11-27T16:30", "2026-12-25T09:30"):
            guidance = route({**case, "at": at}, "exampleshire", registry=exampleshire_registry)
            assert guidance_json(guidance) == plain(guidance), case
            checked += 1
    assert checked == 3 * matrix.size > 0


#: Times the contacts' states differ at: a weekday in hours, a Saturday evening,
#: Christmas morning, a Sunday small hour, a weekday just after office hours.
SEVERAL_TIMES = (
    "2026-11-23T11:00",
    "2026-11-28T20:00",
    "2026-12-25T09:30",
    "2026-11-29T03:15",
    "2026-11-24T17:05",
)


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_reused_bytes_are_the_converter_text_over_the_whole_matrix(
    registry: Registry, authority: str
) -> None:
    """The whole scenario matrix at several times: the bytes encoded the first time,
    the bytes reused for the very same objects (the engine's shared contact lists and
    static parts) and the bytes for guidance worked out afresh (``without_reuse``:
    new objects, nothing shared) are all the converter's JSON."""
    matrix = matrix_of(registry.get(authority).authority)
    checked = 0
    for at in SEVERAL_TIMES:
        for case in matrix.cases(at):
            guidance = route(case, authority, registry=registry)
            expected = plain(guidance)
            assert guidance_json(guidance) == expected, (at, case)
            again = route(case, authority, registry=registry)
            assert again.contacts is guidance.contacts  # the engine shares the list
            assert guidance_json(again) == expected, (at, case)
            checked += 1
        for case in list(matrix.cases(at))[::16]:
            with without_reuse():
                afresh = route(case, authority, registry=registry)
            assert guidance_json(afresh) == plain(afresh), (at, case)
    assert checked == len(SEVERAL_TIMES) * matrix.size


def test_an_equal_but_new_contact_list_is_encoded_afresh(registry: Registry) -> None:
    """The reuse goes by the very same tuple, never by equality or a reused id."""
    guidance = route({"level": 4, "at": "2026-11-28T20:00"}, "derbyshire", registry=registry)
    assert guidance_json(guidance) == plain(guidance)
    for index, contact in enumerate(guidance.contacts):
        renamed = attrs.evolve(contact, name=f"{contact.name} \u2028 changed")
        listed = (*guidance.contacts[:index], renamed, *guidance.contacts[index + 1 :])
        changed = attrs.evolve(guidance, contacts=listed)
        assert guidance_json(changed) == plain(changed)
        assert guidance_json(guidance) == plain(guidance)


def test_states_of_one_contact_share_the_bytes_of_its_fixed_fields(registry: Registry) -> None:
    """A batch over a year keeps thousands of contact states: each holds only its own
    values, the bytes of the contact's fixed fields are shared."""
    from threshold.core.model.plain import plain_data
    from threshold.core.render.guidance_json import _contact

    day = route({"level": 3, "at": "2026-11-23T11:00"}, "derbyshire", registry=registry)
    night = route({"level": 3, "at": "2026-11-28T23:00"}, "derbyshire", registry=registry)
    first, second = day.contacts[-1], night.contacts[-1]
    assert first.id == second.id and first != second
    shared = [a is b for a, b in zip(_contact(first), _contact(second), strict=True)]
    assert shared[0] and shared[-1]
    assert json.loads(b"".join(_contact(first))) == plain_data(first)
