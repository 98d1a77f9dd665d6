"""The compiled case reader (the fast path of parse_case) reads exactly what the
field-by-field check reads, and leaves every wrong input to it (same errors)."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import pytest

from threshold.core.analysis.matrix import matrix_of
from threshold.core.io.parse import _check_each, parse_case
from threshold.core.model.clock import LONDON, parse_local
from threshold.core.model.errors import CaseError
from threshold.core.plugins.registry import default_registry

AUTHORITIES = ("derbyshire", "derby_city")


@pytest.mark.parametrize("authority_id", AUTHORITIES)
def test_every_matrix_case_reads_the_same_both_ways(authority_id: str) -> None:
    authority = default_registry().get(authority_id).authority
    for number, case in enumerate(matrix_of(authority).cases()):
        case["at"] = f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}T{number % 24:02d}:07"
        if number % 5 == 0:
            del case["at"]
        if number % 3 == 0:  # fields left out take their defaults
            case = {k: v for k, v in case.items() if k in ("level", "at", "referrer")}
        try:
            want = _check_each(case, authority)
        except CaseError as exc:
            with pytest.raises(CaseError) as got:
                parse_case(case, authority)
            assert got.value.errors == exc.errors
            continue
        got_case = parse_case(case, authority)
        assert got_case == want
        assert [type(v) for _, v in got_case.answers] == [type(v) for _, v in want.answers]
        assert type(got_case.referrer) is type(want.referrer)


class _Level(Enum):
    THREE = 3


@pytest.mark.parametrize(
    "data",
    [
        {"level": True},
        {"level": 3.0},
        {"level": "3"},
        {"level": [3]},
        {"level": {"n": 3}},
        {"levle": 3},
        {"referrer": "Public"},
        {"immediate_danger": 1},
        {"at": 20261123},
        {"at": "2026-10-25T01:30"},
        {"at": "2026-03-29T01:30"},
        {"at": "1999-12-31T23:59"},
        {"at": "2026-11-23"},
        {"level": _Level.THREE},
    ],
)
def test_what_the_reader_refuses_gets_the_field_by_field_answer(data: dict[str, object]) -> None:
    authority = default_registry().get("derbyshire").authority
    try:
        want: object = _check_each(data, authority)
    except CaseError as exc:
        want = exc.errors
    try:
        got: object = parse_case(data, authority)
    except CaseError as exc:
        got = exc.errors
    assert got == want


def test_local_times_read_the_same_as_with_both_folds_across_a_year_of_changes() -> None:
    moment = dt.datetime(2026, 1, 1)
    while moment.year == 2026:
        text = moment.strftime("%Y-%m-%dT%H:%M")
        first = moment.replace(tzinfo=LONDON, fold=0)
        real = first.utcoffset() == moment.replace(tzinfo=LONDON, fold=1).utcoffset()
        if real:
            got = parse_local(text)
            assert (got.replace(tzinfo=None), got.tzinfo, got.fold) == (moment, LONDON, 0)
        else:
            with pytest.raises(ValueError, match="Europe/London"):
                parse_local(text)
        moment += dt.timedelta(minutes=13)


def test_cases_read_share_their_answer_pairs() -> None:
    """A read case holds the reader's own (question, answer) pairs, not copies: the
    reuse cache keeps one case per distinct case, and copies cost memory per case."""
    authority = default_registry().get("derbyshire").authority
    data = {"level": 3, "at": "2026-05-05T10:00"}
    first, second = parse_case(dict(data), authority), parse_case(dict(data), authority)
    assert first == second
    assert all(a is b for a, b in zip(first.answers, second.answers, strict=True))


def test_answers_equal_across_types_are_left_to_the_field_by_field_check() -> None:
    from threshold.core.io.parse import _pairs

    pairs = _pairs("q", (None, 1, True, "x"))
    assert pairs == {None: ("q", None), "x": ("q", "x")}
