"""The engine reuses the time-independent part of a guidance between calls for the
same case (issue 11, section 4). The key it reuses by must be every field of the
case but its time: a field left out of the key would serve another case's
guidance. These tests fail if any field of Case (or of a subclass) is not part of
the key."""

from __future__ import annotations

import attrs

from threshold.core.engine.build import build_guidance
from threshold.core.engine.reuse import case_key
from threshold.core.io.parse import parse_case
from threshold.core.model.case import Case
from threshold.core.model.enums import Referrer
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins.registry import Registry

AT = "2026-11-23T11:00"


@attrs.frozen
class CaseWithMore(Case):
    """A case with one more field than Case, as a future version might add."""

    looked_after: bool = False


def test_every_field_of_case_but_its_time_is_in_the_reuse_key() -> None:
    base = Case()
    names = [f.name for f in attrs.fields(Case)]
    # the urgent part, who refers, the time, and the answers to the authority's questions
    assert "at" in names and "answers" in names and len(names) >= 5
    for name in names:
        if name == "at":
            continue
        marker = object()
        marked = Case()
        object.__setattr__(marked, name, marker)  # any value: the key must carry it
        assert case_key(marked) != case_key(base), f"{name} is not part of the reuse key"
        assert any(part is marker for part in _flatten(case_key(marked))), name


def test_the_time_is_not_part_of_the_reuse_key() -> None:
    import datetime as dt

    from threshold.core.model.clock import LONDON

    answers = (("level", 3),)
    morning = Case(answers=answers, at=dt.datetime(2026, 11, 23, 11, tzinfo=LONDON))
    night = Case(answers=answers, at=dt.datetime(2026, 11, 28, 21, tzinfo=LONDON))
    assert case_key(morning) == case_key(night) == case_key(Case(answers=answers))


def test_every_answer_is_part_of_the_reuse_key() -> None:
    assert case_key(Case(answers=(("level", 3),))) != case_key(Case(answers=(("level", 4),)))


def test_a_field_added_to_case_is_part_of_the_reuse_key() -> None:
    assert case_key(CaseWithMore()) != case_key(CaseWithMore(looked_after=True))


def test_a_new_route_changing_field_is_never_served_another_cases_guidance(
    registry: Registry,
) -> None:
    """End to end: a rule that reads a field the key did not list would be served the
    first case's cached guidance for the second."""
    authority = registry.get("derbyshire").authority
    base = parse_case({"level": 3}, authority)

    def rule(case: Case) -> RouteChoice:
        if getattr(case, "looked_after", False):
            return RouteChoice("request-for-support", "without-assessment", {"why": "test"})
        return RouteChoice("early-help-first")

    def routed(case: Case) -> str:
        return build_guidance(case, authority, rule, plugin="test", plugin_version="0").route

    assert routed(CaseWithMore(answers=base.answers)) == "early-help-first"
    looked_after = CaseWithMore(answers=base.answers, looked_after=True)
    assert routed(looked_after) == "request-for-support"


def _flatten(value: object) -> list[object]:
    if isinstance(value, tuple):
        return [item for part in value for item in _flatten(part)]
    return [value]


def test_the_key_is_one_flat_tuple() -> None:
    """A batch keeps one key per distinct case: no tuple inside a tuple but the answers."""
    answers = (("level", 3),)
    assert case_key(Case(answers=answers)) == (Case, False, False, Referrer.PROFESSIONAL, answers)
