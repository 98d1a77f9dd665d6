"""Property tests over the case input and the CLI (hypothesis).

The normal run tries a few hundred examples per property; the slow profile
(`HYPOTHESIS_PROFILE=slow python -m pytest tests/io/test_fuzz.py`) tries 10,000.
Whatever the input: no crash, no traceback; either guidance that matches the
schema or a one-line error. For every valid case the safety invariants hold.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.in_process import run_main
from threshold.core.engine.api import route
from threshold.core.io.case_schema import case_schema
from threshold.core.io.parse import parse_case
from threshold.core.io.schemas import schema
from threshold.core.model.converter import to_dict
from threshold.core.model.enums import Purpose
from threshold.core.model.errors import CaseError
from threshold.core.plugins.registry import default_registry
from threshold.plugins.ddscp.names import Route

GUIDANCE = Draft202012Validator(
    schema("guidance"), format_checker=Draft202012Validator.FORMAT_CHECKER
)
#: Derbyshire: the fields of a DDSCP authority's case (the urgent part and its questions).
DERBYSHIRE = default_registry().get("derbyshire").authority
CASE_SCHEMA = Draft202012Validator(case_schema(DERBYSHIRE))
FIELDS = list(CASE_SCHEMA.schema["properties"])

odd_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=None, exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["", "\u202e", "\ufeff", "<script>alert(1)</script>", "🙂" * 10, "x" * 5000])
scalars = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | odd_text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(odd_text, inner, max_size=4),
    max_leaves=12,
)
field_values = {
    "level": st.none() | st.integers(-2, 7) | st.sampled_from([3.0, 2.5, "3", True]),
    "early_help_assessment": st.sampled_from(
        ["completed", "none", "declined", "Completed", "", None]
    ),
    "consent": st.sampled_from(["given", "refused", "not-sought", "unsafe-to-seek", "yes"]),
    "referrer": st.sampled_from(["professional", "public", "police"]),
    "setting": st.sampled_from(["time-limited", None, "ED"]),
    "at": st.sampled_from(
        ["2026-11-23T11:00", "2027-03-28T01:30", "2026-10-25T01:30", "2026-12-25", "x", None]
    )
    | st.datetimes().map(lambda d: d.isoformat()),
}
case_like = st.fixed_dictionaries(
    {},
    optional={
        **{f: st.booleans() | json_values for f in FIELDS if f not in field_values},
        **{f: s | json_values for f, s in field_values.items()},
    },
) | st.dictionaries(st.sampled_from([*FIELDS, "levle", "name", "child"]), json_values, max_size=6)

valid_cases = st.fixed_dictionaries(
    {
        "level": st.none() | st.integers(1, 4),
        "immediate_danger": st.booleans(),
        "significant_harm": st.booleans(),
        "non_mobile_baby_bruising": st.booleans(),
        "early_help_assessment": st.sampled_from(["completed", "none", "declined"]),
        "sudden_escalation": st.booleans(),
        "consent": st.sampled_from(["given", "refused", "not-sought", "unsafe-to-seek"]),
        "referrer": st.sampled_from(["professional", "public"]),
        "setting": st.sampled_from(["time-limited", None]),
        "unborn": st.booleans(),
        "advice": st.booleans(),
        # within the range a case may be acted on (threshold.core.model.clock.EARLIEST..LATEST)
        "at": st.datetimes(
            min_value=dt.datetime(2000, 1, 1, 1),
            max_value=dt.datetime(2099, 12, 31, 22),
            timezones=st.just(dt.UTC),
        ).map(lambda d: d.isoformat()),
    }
)


@given(json_values | case_like)
def test_any_input_is_a_case_or_a_case_error(data: Any) -> None:
    try:
        parse_case(data, DERBYSHIRE)
    except CaseError as exc:
        assert exc.errors and all(e.message for e in exc.errors)
        assert "\n" not in str(exc)


@given(json_values | case_like)
def test_the_case_reader_agrees_with_the_authoritys_case_schema(data: Any) -> None:
    """The reader accepts a case exactly when the authority's case schema does (but
    for ``at``: the reader also checks the time is real and in range)."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "at"}
    try:
        parse_case(data, DERBYSHIRE)
        accepted = True
    except CaseError:
        accepted = False
    assert accepted == CASE_SCHEMA.is_valid(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(valid_cases, st.sampled_from(["derbyshire", "derby_city"]))
def test_invariants_hold_for_every_valid_case(case: dict[str, Any], authority: str) -> None:
    guidance = route(case, authority)
    data = json.loads(json.dumps(to_dict(guidance)))
    errors = list(GUIDANCE.iter_errors(data))
    assert not errors, errors[0].message
    if case["immediate_danger"]:
        assert guidance.route == Route.EMERGENCY
        assert guidance.contacts[0].phone == "999"
    elif case["significant_harm"] or case["non_mobile_baby_bruising"]:
        assert guidance.route == Route.CHILD_PROTECTION
        assert guidance.contacts[0].purpose is Purpose.CHILD_PROTECTION
        assert guidance.contacts[0].phone
        assert not guidance.eha_required
    assert guidance.urgent_contacts[0].phone == "999"
    assert all(step.citations for step in guidance.steps)


def run(args: list[str], stdin: str) -> tuple[int, str, str]:
    """``threshold ARGS`` in-process with ``stdin`` as text (lone surrogates kept)."""
    return run_main(args, stdin.encode("utf-8", "surrogatepass"))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    json_values | case_like | st.text(max_size=60),
    st.sampled_from(["derbyshire", "derby_city", "nowhere"]),
)
def test_cli_gives_guidance_or_one_line_error(payload: Any, authority: str) -> None:
    stdin = payload if isinstance(payload, str) else json.dumps(payload)
    code, out, err = run(
        ["route", "--authority", authority, "--case", "-", "--format", "json"], stdin
    )
    assert "Traceback" not in err
    if code == 0:
        assert not list(GUIDANCE.iter_errors(json.loads(out)))
        assert err == ""
    else:
        assert code == 2, err
        assert out == ""
        assert err.startswith("threshold: error: ") and err.count("\n") == 1
