"""Guidance as terminal text and as Markdown (issue 15, item 3): wrapped to the width
asked for, a NOW block first (at most 8 lines: the route, the one action to take now,
the contact to use now with its number and whether it is open, and 999 where
urgent), each thing said once, no raw values, and Markdown that parses as meant.

The cases are every distinct guidance of both built-in authorities: each route
with each first step and each contact order it takes, over the comparison matrix
at a weekday morning, Christmas night and a Saturday evening.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from threshold.core.analysis.matrix import MATRIX_AT, OTHER_AT, matrix_of
from threshold.core.engine.api import route
from threshold.core.model.authority import Authority
from threshold.core.model.enums import URGENT_KINDS
from threshold.core.model.guidance import Guidance
from threshold.core.model.plain import plain_data
from threshold.core.plugins.registry import Registry
from threshold.core.render.environment import render_guidance

SATURDAY_EVENING = "2026-11-28T21:00"
Case = tuple[Guidance, Authority, dict[str, Any]]


@pytest.fixture(scope="module")
def cases(registry: Registry) -> list[Case]:
    """One guidance for each distinct route, first step and contact order."""
    found: dict[tuple[Any, ...], Case] = {}
    for authority_id in registry.authority_ids():
        authority = registry.get(authority_id).authority
        for index, case in enumerate(matrix_of(authority).cases()):
            if index % 5:
                continue
            for at in (MATRIX_AT, OTHER_AT, SATURDAY_EVENING):
                guidance = route({**case, "at": at}, authority_id, registry=registry)
                data = plain_data(guidance)
                key = (
                    authority_id,
                    data["route"],
                    data["steps"][0]["action"],
                    tuple((c["id"], c["open"]) for c in data["contacts"]),
                    bool(data["follow_up"]),
                    data["consent"]["status"],
                )
                found.setdefault(key, (guidance, authority, data))
    assert len(found) > 30
    return list(found.values())


def now_block(text: str) -> list[str]:
    """The lines before the first blank line."""
    return text.split("\n\n", 1)[0].splitlines()


def _phones(data: dict[str, Any]) -> set[str]:
    return {c["phone"] for c in data["contacts"] + data["urgent_contacts"] if c["phone"]}


@pytest.mark.parametrize("width", [80, 60, 120])
def test_lines_fit_the_width_and_numbers_are_never_split(cases: list[Case], width: int) -> None:
    for guidance, authority, data in cases:
        text = render_guidance(guidance, "text", authority, width=width)
        long = [line for line in text.splitlines() if len(line) > width]
        assert not long, (data["route"], long[0])
        flat = " ".join(text.split())
        lines = text.splitlines()
        for phone in (p for p in _phones(data) if " " in p):
            assert phone in flat
            head, tail = phone.split(" ", 1)
            for line, after in itertools.pairwise(lines):
                split = re.search(rf"(^|\s){head}$", line) and after.lstrip().startswith(tail)
                assert not split, f"{phone} split across lines: {line!r}"


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_now_block_holds_the_first_screen_facts(cases: list[Case], width: int) -> None:
    """At most 8 lines at any width from 40 columns: the action now is the first
    step's first sentence, or as much of it as fits (ending in "…"), never other
    words; the whole step follows in the steps."""
    for guidance, authority, data in cases:
        text = render_guidance(guidance, "text", authority, width=width)
        block = now_block(text)
        where = (authority.id, data["route"], data["at"], width)
        assert 2 <= len(block) <= 8, (where, block)
        joined = " ".join(" ".join(block).split())
        assert data["route_title"].upper() in joined.upper(), where
        step = " ".join(data["steps"][0]["action"].split())
        action = re.search(r"NOW: (.*?) CONTACT FIRST:", joined + " CONTACT FIRST:")
        assert action, where
        shown = action.group(1)
        if shown.endswith("…"):
            assert step.startswith(shown[:-1].rstrip(" ,;:")) and len(shown.split()) >= 4, where
        else:
            assert step.startswith(shown) and shown[-1] in ".!?", where
        assert step in " ".join(text.split()), where
        if data["contacts"]:
            first = data["contacts"][0]
            assert first["name"] in joined, where
            address = first["phone"] or first["email"] or first["url"]
            assert (address or "no number or address in the sources") in joined, where
            words = {True: "open now", False: "closed now", None: "not stated"}[first["open"]]
            assert words in joined.lower(), where
        if data["kind"] in URGENT_KINDS:
            assert "999" in joined, where


def test_brief_is_the_now_block_alone(cases: list[Case]) -> None:
    for guidance, authority, _ in cases[:10]:
        full = render_guidance(guidance, "text", authority, width=80)
        brief = render_guidance(guidance, "text", authority, width=80, brief=True)
        assert brief.splitlines() == now_block(full)
        assert brief.endswith("\n")


def _contact_list(text: str) -> str:
    return text.split("WHO TO CONTACT", 1)[1].split("\n\n", 1)[0]


def test_urgent_routes_list_no_closed_online_form(cases: list[Case]) -> None:
    """The written form is for the follow-up: closed at night, listing it as a
    contact of an emergency says to use it; its hours stay in the JSON and follow-up."""
    hidden = 0
    for guidance, authority, data in cases:
        text = render_guidance(guidance, "text", authority, width=200)
        listed = _contact_list(text)
        for contact in data["contacts"]:
            closed_form = contact["open"] is False and not contact["phone"]
            if data["kind"] in URGENT_KINDS and closed_form:
                hidden += 1
                assert contact["name"] not in listed, (data["route"], data["at"])
                if data["follow_up"]:
                    follow = text.split("FOLLOW-UP", 1)[1].split("\n\n", 1)[0]
                    assert "closed now" in follow.lower()
            else:
                assert contact["name"] in listed, (data["route"], contact["name"])
    assert hidden, "no urgent case with a closed form was rendered"


def test_urgent_routes_do_not_end_with_if_it_becomes_urgent(cases: list[Case]) -> None:
    for guidance, authority, data in cases:
        text = render_guidance(guidance, "text", authority, width=100)
        urgent = data["kind"] in URGENT_KINDS
        assert ("IF IT BECOMES URGENT" in text) is not urgent, data["route"]


def test_each_thing_once_no_raw_values_and_sentences(cases: list[Case]) -> None:
    for guidance, authority, data in cases:
        text = render_guidance(guidance, "text", authority, width=1000)
        where = (authority.id, data["route"], data["at"])
        if data["follow_up"] and data["follow_up"]["within_hours"]:
            section = text.split("FOLLOW-UP", 1)[1].split("\n\n", 1)[0].lower()
            assert section.count(f"within {data['follow_up']['within_hours']} hours") == 1
        status = data["consent"]["status"]
        if status and "-" in status:
            assert status not in text, where
        assert "CONSENT (" not in text
        assert not re.search(r"[.;:] (open|closed) now", text), where
        assert ".." not in text.replace("...", ""), where
        assert "differs with itself" not in text, where  # the data's words, before


def test_markdown_parses_as_meant(cases: list[Case]) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    for guidance, authority, data in cases:
        source = render_guidance(guidance, "markdown", authority)
        tokens = parser.parse(source)
        headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
        assert "What to do" in headings and "Consent" in headings
        if data["follow_up"]:
            assert any(h.startswith("Follow-up") for h in headings), headings
        if data["kind"] not in URGENT_KINDS:
            assert "If it becomes urgent" in headings
        assert "Sources" in headings
        # the steps are one numbered list, numbered from 1, one item a step
        lists = [t for t in tokens if t.type == "ordered_list_open"]
        assert lists and lists[0].attrs.get("start", 1) == 1
        depth, items = 0, 0
        for token in tokens[tokens.index(lists[0]) :]:
            depth += token.nesting if token.type.endswith("list_open") else 0
            depth += token.nesting if token.type.endswith("list_close") else 0
            items += token.type == "list_item_open" and depth == 1
            if depth == 0:
                break
        assert items == len(data["steps"]), (data["route"], items)
        # nothing after a list is swallowed into its last item
        for token in tokens:
            if token.type == "inline" and "needed for this route" in token.content:
                assert token.level <= 1, token.content
        assert "\\ " not in source and not re.search(r"\n\n\n", source)
        assert "|  |" not in source and not source.rstrip().endswith("| |")  # no blank cells


def test_a_cut_action_keeps_phone_numbers_and_brackets_whole() -> None:
    from threshold.core.render.guidance_view import action_choices

    step = "Ring Call Derbyshire (Starting Point) on 01629 532 600 now, then write. Then wait."
    choices = action_choices(step)
    assert choices[0] == "Ring Call Derbyshire (Starting Point) on 01629 532 600 now, then write."
    assert choices[1] == "Ring Call Derbyshire (Starting Point) on 01629 532 600 now…"
    assert not [c for c in choices if c.endswith(("01629…", "532…", "(Starting…"))]
    assert all(len(c.split()) >= 4 for c in choices)
