"""Decision tables and route parts as the data writes them (core/model/tables.py):
the semantics rules.toml's header promises, tried on small tables written here."""

from __future__ import annotations

from typing import Any

from threshold.core.model.tables import (
    Row,
    apply_parts,
    compile_condition,
    compile_parts,
    first_row,
)


def _rows(*specs: dict[str, Any]) -> list[Row]:
    return [
        Row(compile_condition(spec.get("when")), spec["route"], f"rules[{index}]")
        for index, spec in enumerate(specs)
    ]


def test_the_first_matching_row_wins_and_a_row_without_when_matches_all() -> None:
    rows = _rows(
        {"when": {"level": [3, 4], "assessment": "completed"}, "route": "referral"},
        {"when": {"level": [3, 4]}, "route": "assessment-first"},
        {"when": {"level": 2}, "route": "early-help"},
        {"route": "advice"},
    )

    def route(**facts: Any) -> str | None:
        row = first_row(rows, facts)
        return row.route if row else None

    assert route(level=4, assessment="completed") == "referral"
    assert route(level=3, assessment="none") == "assessment-first"
    assert route(level=2, assessment="completed") == "early-help"
    assert route(level=1) == "advice"
    assert route() == "advice"
    assert first_row(rows[:3], {"level": 1}) is None


def test_a_condition_tells_true_from_1_and_negates_with_not() -> None:
    flag = compile_condition({"unborn": True})
    assert flag.holds({"unborn": True})
    assert not flag.holds({"unborn": 1})
    assert not flag.holds({})
    level = compile_condition({"level": 1})
    assert not level.holds({"level": True})
    other = compile_condition({"setting": {"not": "time-limited-setting"}})
    assert other.holds({"setting": "other"})
    assert other.holds({})
    assert not other.holds({"setting": "time-limited-setting"})
    both = compile_condition({"level": [3, 4], "consent": {"not": ["refused", "unknown"]}})
    assert both.holds({"level": 3, "consent": "given"})
    assert not both.holds({"level": 3, "consent": "refused"})
    assert not both.holds({"level": 2, "consent": "given"})


def test_parts_apply_in_order_single_values_last_wins_lists_join() -> None:
    parts = compile_parts(
        [
            {"summary": "normal", "steps": ["ring"], "follow_up": {"within_hours": 24}},
            {"when": {"level": 4}, "summary": "high", "steps": ["check"]},
            {"when": {"level": 4}, "unless": {"consent": "refused"}, "steps": ["share"]},
            {"follow_up": None, "when": {"channel": "meeting"}},
        ],
        "routes.x.parts",
        {},
    )
    three = apply_parts(parts, {"level": 3})
    assert three.single["summary"] == "normal"
    assert three.collected["steps"] == ["ring"]
    four = apply_parts(parts, {"level": 4, "consent": "given"})
    assert four.single["summary"] == "high"
    assert four.collected["steps"] == ["ring", "check", "share"]
    assert four.applied == ["routes.x.parts[0]", "routes.x.parts[1]", "routes.x.parts[2]"]
    refused = apply_parts(parts, {"level": 4, "consent": "refused"})
    assert refused.collected["steps"] == ["ring", "check"]
    meeting = apply_parts(parts, {"level": 3, "channel": "meeting"})
    assert meeting.single["follow_up"] is None
