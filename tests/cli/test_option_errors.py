"""Errors in the person's terms (issue 15, item 6): a wrong value given with an
option is named by that option, with the values it allows; the same value given in
JSON (``--case``) is named by its JSON field, as before. One line, exit 2, no
traceback, nothing typed repeated, the urgent line kept."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result
from threshold.core.model.fields import case_fields
from threshold.core.plugins.registry import Registry

Run = Callable[..., Result]
ROUTE = ("route", "--authority", "derbyshire")


def _error(result: Result) -> str:
    assert result.code == 2 and result.out == "", result.err
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert result.err.startswith("threshold: error: ")
    return result.err.removeprefix("threshold: error: ").rstrip("\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--eha", "done"), "--eha: not valid; expected one of: completed, none, declined"),
        (("--level", "5"), "--level: not valid; expected an integer from 1 to 4, or null"),
        (("--referrer", "nobody"), "--referrer: not valid; expected one of: professional, public"),
        (("--setting", "often"), "--setting: not valid; expected time-limited or null"),
        (
            ("--consent", "maybe"),
            "--consent: not valid; expected one of: given, refused, not-sought, unsafe-to-seek",
        ),
    ],
)
def test_route_names_the_option_and_its_values(
    run_cli: Run, args: tuple[str, ...], message: str
) -> None:
    """Before: "early_help_assessment: got a string; expected one of "completed", ..."."""
    assert _error(run_cli(*ROUTE, *args)) == message
    assert args[1] not in message


def test_the_time_option_is_named_too(run_cli: Run) -> None:
    message = _error(run_cli(*ROUTE, "--at", "nonsense"))
    assert message.startswith("--at: expected an ISO 8601 date-time")


def test_the_urgent_line_is_kept_after_it(run_cli: Run) -> None:
    message = _error(run_cli(*ROUTE, "--immediate-danger", "--eha", "done"))
    assert message == (
        "--eha: not valid; expected one of: completed, none, declined"
        " — immediate danger was reported: ring 999 now."
    )


def test_json_input_keeps_its_field_names(run_cli: Run) -> None:
    case = json.dumps({"early_help_assessment": "done", "immediate_danger": True})
    message = _error(run_cli(*ROUTE, "--case", "-", stdin=case))
    assert message.startswith('early_help_assessment: got a string; expected one of "completed"')
    assert message.endswith("ring 999 now.")


def test_the_form_command_names_the_option(run_cli: Run) -> None:
    message = _error(run_cli("form", *ROUTE[1:], "--eha", "done"))
    assert message == "--eha: not valid; expected one of: completed, none, declined"


def test_every_option_with_answers_is_named_from_the_field_table(
    run_cli: Run, registry: Registry
) -> None:
    """The option and its values come from core/model/fields.py, for every
    authority's every option that takes a value."""
    for authority_id in registry.authority_ids():
        authority = registry.get(authority_id).authority
        for field in case_fields(authority):
            if field.kind not in ("choice", "level"):
                continue
            value = "99" if field.kind == "level" else "zzz"
            message = _error(run_cli("route", "--authority", authority_id, field.option, value))
            assert message.startswith(f"{field.option}: not valid; expected "), message
            if field.kind == "level":
                assert message.endswith(field.expected)
                continue
            for answer in field.answers or ():
                if answer is not None:
                    assert str(answer) in message, (field.option, answer)


def test_assess_names_the_indicator_option(run_cli: Run) -> None:
    """Before: "indicators[0]: got a string; expected an indicator id ..."."""
    message = _error(run_cli("assess", "--indicator", "L9-foo"))
    assert message.startswith("--indicator: not valid; expected an indicator id such as")
    assert "threshold indicators" in message and "L9-foo" not in message
    message = _error(run_cli("assess", "--indicator", "L3-health-01", "--indicator", "L9-zz"))
    assert message.startswith("--indicator: not valid;") and "L9-zz" not in message


def test_assess_json_keeps_its_field_names(run_cli: Run) -> None:
    data = json.dumps({"indicators": ["L9-foo"]})
    message = _error(run_cli("assess", "--case", "-", stdin=data))
    assert message.startswith("indicators[0]: ")
