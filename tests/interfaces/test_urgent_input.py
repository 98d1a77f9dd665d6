"""Urgent flags are never lost, whatever the input (issue 11, section 2): any
spelling of an urgent field, a mistyped authority id, a duplicated key, a time far
away or badly written, a wrong command line, a plugin that raises SystemExit. In
each interface (CLI, Python API, batch lines, HTTP) the case is still refused,
the error names the field and what is expected without repeating what was typed,
and the urgent line (999, the authority's child protection number) survives."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import threshold
from tests.conftest import HttpResult, Result, http
from threshold.core.interfaces.batch import route_stream
from threshold.core.model.errors import CaseError, UnknownAuthorityError
from threshold.core.plugins.registry import Registry

Run = Callable[..., Result]
AT = "2026-11-23T11:00"
DANGER = "immediate danger was reported: ring 999 now"
DERBYSHIRE_CP = "01629 533190"
DERBY_CITY_CP = "01332 641172"


def post(url: str, body: bytes) -> HttpResult:
    return http("POST", url, body, {"Content-Type": "application/json"})


def batch_error(registry: Registry, line: bytes, authority: str | None = "derbyshire") -> Any:
    """The error record of one batch line."""
    (result,) = route_stream(io.BytesIO(line + b"\n"), authority, registry=registry)
    assert result.error is not None, "the line was routed"
    return result.error


# --------------------------------------------------------------- 1. any spelling
@pytest.mark.parametrize(
    "name",
    [
        "immediate_danger",
        "immediateDanger",
        "ImmediateDanger",
        "IMMEDIATE_DANGER",
        "immediate-danger",
        "Immediate Danger",
        "immediate.danger",
        "".join(chr(ord(c) + 0xFEE0) for c in "immediate_danger"),  # fullwidth forms
    ],
)
def test_every_spelling_of_an_urgent_field_is_that_field(name: str) -> None:
    from threshold.core.io.spelling import spelling_key
    from threshold.core.io.urgent_flags import flags, urgent_field

    assert spelling_key(name) == "immediatedanger"
    assert urgent_field(name) == "immediate_danger"
    assert flags({name: True}) == (True, False)
    assert flags(json.dumps({name: True}, ensure_ascii=False)[:-1]) == (True, False)
    assert flags({name: False}) == flags({name: "no"}) == flags({name: None}) == (False, False)


#: (input text, what the urgent part must say). Valid JSON and text that is not.
SPELLINGS = [
    ('{"immediateDanger": true}', DANGER),
    ('{"IMMEDIATE_DANGER": true}', DANGER),
    ('{"Immediate Danger": true, "level": 2}', DANGER),
    ('{"significantHarm": true}', DERBYSHIRE_CP),
    ('{"Non-Mobile-Baby-Bruising": "yes"}', DERBYSHIRE_CP),
    ('{"case": {"immediateDanger": true}}', DANGER),
    ('{"level": 2, "details": [{"significant_harm": 1}]}', DERBYSHIRE_CP),
    ('{"immediateDanger": true,', DANGER),
    ("{'Significant Harm': True}", DERBYSHIRE_CP),
    ("{immediateDanger: true}", DANGER),
]


@pytest.mark.parametrize(("text", "urgent"), SPELLINGS)
def test_an_urgent_field_under_any_spelling_keeps_the_urgent_line(
    text: str, urgent: str, run_cli: Run, registry: Registry, live_server: str
) -> None:
    # CLI: the case is refused (exit 2), the urgent line is there
    result = run_cli("route", "--authority", "derbyshire", "--case", "-", stdin=text)
    assert result.code == 2 and result.out == ""
    assert urgent in result.err and result.err.count("\n") == 1
    # Python API, for input that is a dict
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if data is not None:
        with pytest.raises(CaseError) as info:
            threshold.route(data, "derbyshire")
        assert info.value.urgent is not None and urgent in info.value.urgent
    # a batch line
    assert urgent in batch_error(registry, text.encode()).urgent
    # HTTP
    answer = post(live_server + "/route?authority=derbyshire", text.encode())
    assert answer.status in (400, 422)
    assert urgent in answer.json()["error"]["urgent"]


@pytest.mark.parametrize("name", ["IMMEDIATE_DANGER", "Immediate Danger", "immediateDanger"])
def test_an_unknown_field_in_another_spelling_suggests_the_field(name: str) -> None:
    with pytest.raises(CaseError) as info:
        threshold.route({name: True}, "derbyshire")
    assert "unknown field (did you mean 'immediate_danger'?)" in str(info.value)


def test_a_referral_urgent_answer_under_any_spelling_keeps_the_urgent_line(
    run_cli: Run, tmp_path: Path, live_server: str
) -> None:
    referral = tmp_path / "referral.json"
    referral.write_text('{"Significant Harm": "yes"}')
    result = run_cli(
        "validate", "--authority", "derbyshire", "--form", "derbyshire-request-for-support",
        str(referral),
    )  # fmt: skip
    assert DERBYSHIRE_CP in result.err
    body = {
        "authority": "derbyshire",
        "form": "derbyshire-request-for-support",
        "answers": {"significantHarm": True},
    }
    answer = post(live_server + "/validate", json.dumps(body).encode())
    assert DERBYSHIRE_CP in answer.json()["urgent"]


# --------------------------------------------------------------- 2. authority ids
@pytest.mark.parametrize(
    ("typed", "suggested", "number"),
    [
        ("DERBYSHIRE", "derbyshire", DERBYSHIRE_CP),
        ("Derbyshire", "derbyshire", DERBYSHIRE_CP),
        ("derby-city", "derby_city", DERBY_CITY_CP),
        ("Derby City", "derby_city", DERBY_CITY_CP),
        ("derbyshre", "derbyshire", DERBYSHIRE_CP),
    ],
)
def test_a_mistyped_authority_id_is_refused_with_the_suggestion_and_its_number(
    typed: str,
    suggested: str,
    number: str,
    run_cli: Run,
    registry: Registry,
    live_server: str,
) -> None:
    shown = (
        "'derby-city'" if typed == "derby-city" else "'derbyshre'" if typed == "derbyshre" else ""
    )
    for command in (
        ["route", "--significant-harm"],
        ["form", "--significant-harm"],
        ["assess", "--significant-harm", "--indicator", "x"],
    ):
        result = run_cli(*command, "--authority", typed)
        assert result.code == 2, result.err
        assert f"did you mean '{suggested}'?" in result.err, result.err
        assert number in result.err and result.err.count("\n") == 1
        if not shown:
            assert f"'{typed}'" not in result.err
    with pytest.raises(UnknownAuthorityError) as info:
        threshold.route({"significant_harm": True}, typed)
    assert f"did you mean '{suggested}'?" in str(info.value)
    assert info.value.urgent is not None and number in info.value.urgent
    line = json.dumps({"authority": typed, "significant_harm": True}).encode()
    assert number in batch_error(registry, line, None).urgent
    answer = post(live_server + "/route", line)
    assert answer.status in (400, 422) and number in answer.json()["error"]["urgent"]


def test_an_unknown_authority_id_is_quoted_only_when_it_is_a_safe_identifier(
    run_cli: Run,
) -> None:
    safe = run_cli("route", "--authority", "nottingham", "--level", "2")
    assert "unknown authority 'nottingham'; expected one of: derby_city, derbyshire" in safe.err
    odd = run_cli("route", "--authority", "Jane Doe, 12 High St", "--immediate-danger")
    assert odd.code == 2 and "Jane" not in odd.err and "High" not in odd.err
    assert DANGER in odd.err


# --------------------------------------------------------------- 3. duplicate keys
DUPLICATED = '{"immediate_danger": true, "immediate_danger": false, "level": 2}'


def test_a_duplicated_key_is_refused_naming_it_and_any_urgent_copy_is_said(
    run_cli: Run, registry: Registry, live_server: str, tmp_path: Path
) -> None:
    result = run_cli("route", "--authority", "derbyshire", "--case", "-", stdin=DUPLICATED)
    assert result.code == 2 and result.out == ""
    assert "immediate_danger: given more than once; expected each field once" in result.err
    assert DANGER in result.err
    plain = run_cli(
        "route", "--authority", "derbyshire", "--case", "-", stdin='{"level": 2, "level": 3}'
    )
    assert plain.code == 2 and "level: given more than once" in plain.err
    assert "ring" not in plain.err
    nested = run_cli(
        "route", "--authority", "derbyshire", "--case", "-", stdin='{"a": [{"b": 1, "b": 2}]}'
    )
    assert "a[0].b: given more than once" in nested.err
    # a batch line, POST /route, POST /validate
    error = batch_error(registry, DUPLICATED.encode())
    assert error.code == "invalid-json" and error.errors[0].path == "immediate_danger"
    assert DANGER in error.urgent
    answer = post(live_server + "/route?authority=derbyshire", DUPLICATED.encode())
    assert answer.status in (400, 422) and DANGER in answer.json()["error"]["urgent"]
    referral = (
        b'{"authority": "derbyshire", "form": "derbyshire-request-for-support", '
        b'"answers": {"immediate-danger": true, "immediate-danger": false}}'
    )
    answer = post(live_server + "/validate", referral)
    assert answer.status in (400, 422)
    assert answer.json()["error"]["errors"][0]["field"] == "answers.immediate-danger"
    assert DANGER in answer.json()["error"]["urgent"]
    # a referral file and a form's --answers
    path = tmp_path / "referral.json"
    path.write_bytes(referral.split(b'"answers": ')[1][:-1])
    checked = run_cli(
        "validate", "--authority", "derbyshire", "--form", "derbyshire-request-for-support",
        str(path),
    )  # fmt: skip
    assert checked.code == 2 and "immediate-danger: given more than once" in checked.err
    assert DANGER in checked.err
    shown = run_cli(
        "form", "--authority", "derbyshire", "--form", "derbyshire-request-for-support",
        "--format", "html", "--answers", str(path),
    )  # fmt: skip
    assert shown.code == 2 and DANGER in shown.err


# --------------------------------------------------------------- 4. the range of `at`
FAR = "9999-12-31T23:59"


def test_a_time_outside_the_range_is_refused_naming_at_with_the_local_number(
    run_cli: Run, registry: Registry, live_server: str
) -> None:
    case = json.dumps({"significant_harm": True, "at": FAR})
    result = run_cli("route", "--authority", "derbyshire", "--case", "-", stdin=case)
    assert result.code == 2, result.err  # bad input, not a broken plugin (3)
    assert result.err.startswith("threshold: error: at: outside the range; expected an ISO 8601")
    assert DERBYSHIRE_CP in result.err
    flags = run_cli("route", "--authority", "derby_city", "--significant-harm", "--at", FAR)
    assert flags.code == 2 and DERBY_CITY_CP in flags.err
    error = batch_error(registry, case.encode())
    assert error.errors[0].path == "at" and DERBYSHIRE_CP in error.urgent
    answer = post(live_server + "/route?authority=derbyshire", case.encode())
    assert answer.status == 422 and DERBYSHIRE_CP in answer.json()["error"]["urgent"]
    # a Case built in Python is held to the same range
    far = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    with pytest.raises(CaseError) as info:
        threshold.route(threshold.Case(significant_harm=True, at=far), "derbyshire")
    assert info.value.errors[0].path == "at"
    assert info.value.urgent is not None and DERBYSHIRE_CP in info.value.urgent


@pytest.mark.parametrize(
    ("at", "accepted"),
    [
        ("2000-01-01T00:00", True),
        ("1999-12-31T23:59", False),
        ("2000-01-01T00:00+01:00", False),  # 1999-12-31T23:00 in London
        ("2099-12-31T23:59", True),
        ("2099-12-31T23:59:59.999999", True),
        ("2100-01-01T00:00", False),
        ("0001-01-01T00:00", False),
        ("9999-12-31T23:59-23:59", False),
    ],
)
def test_the_range_of_at(at: str, accepted: bool, registry: Registry) -> None:
    from threshold.core.engine.api import route

    if accepted:
        assert route({"significant_harm": True, "at": at}, "derbyshire", registry=registry)
        return
    with pytest.raises(CaseError, match="at: outside the range"):
        route({"at": at}, "derbyshire", registry=registry)


def test_the_hours_are_total_to_the_ends_of_datetime(registry: Registry) -> None:
    from threshold.core.engine.hours import is_open, next_open

    ends = [
        dt.datetime.max.replace(tzinfo=dt.UTC),
        dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(-dt.timedelta(hours=23))),
        dt.datetime(9999, 12, 25, 11, 0, tzinfo=dt.UTC),
        dt.datetime.min.replace(tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=23))),
    ]
    for registered in registry.registered():
        for contact in registered.authority.contacts:
            for when in ends:
                is_open(contact.hours, when)
                next_open(contact.hours, when)


# --------------------------------------------------------------- 5. ISO 8601 only
@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "11111111",
        "2026-11-23",
        "2026-11-23 14:30",
        "20261123T1430",
        "2026-11-23T14",
        "2026-W48-1T14:30",
        "2026-13-01T10:00",
        "2026-11-23T14:30+0100",
        "tomorrow",
        "Jane Doe 2026-11-23T14:30",
    ],
)
def test_at_accepts_iso_8601_date_times_only(text: str, run_cli: Run) -> None:
    from threshold.core.model.clock import EXPECTED_AT

    with pytest.raises(CaseError) as info:
        threshold.route({"at": text}, "derbyshire")
    (error,) = info.value.errors
    assert error.path == "at" and error.message.endswith(f"expected {EXPECTED_AT}")
    assert text not in error.message.removesuffix(EXPECTED_AT)
    result = run_cli(
        "route",
        "--authority",
        "derbyshire",
        "--case",
        "-",
        stdin=json.dumps({"at": text, "immediate_danger": True}),
    )
    assert result.code == 2 and DANGER in result.err
    assert text not in result.err.replace(EXPECTED_AT, "")


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-11-23T14:30", "2026-11-23T14:30:00+00:00"),
        ("2026-07-23T14:30", "2026-07-23T13:30:00+00:00"),
        ("2026-11-23T14:30:15", "2026-11-23T14:30:15+00:00"),
        ("2026-11-23T14:30:15.25", "2026-11-23T14:30:15.250000+00:00"),
        ("2026-11-23T14:30:15,25", "2026-11-23T14:30:15.250000+00:00"),
        ("2026-11-23T14:30Z", "2026-11-23T14:30:00+00:00"),
        ("2026-11-23t14:30z", "2026-11-23T14:30:00+00:00"),
        ("2026-11-23T14:30+01:00", "2026-11-23T13:30:00+00:00"),
    ],
)
def test_at_reads_iso_8601_date_times(text: str, utc: str) -> None:
    from threshold.core.model.clock import parse_local

    assert parse_local(text).astimezone(dt.UTC).isoformat() == utc


# --------------------------------------------------------------- 6. usage errors
URGENT_OPTIONS = {"immediate_danger", "significant_harm", "non_mobile_baby_bruising"}


def urgent_commands() -> list[str]:
    from threshold.cli import cli

    return sorted(
        name
        for name, command in cli.commands.items()
        if URGENT_OPTIONS & {param.name for param in command.params}
    )


def test_the_commands_with_urgent_options_are_known() -> None:
    # a new command with an urgent option must be added to the usage-error tests
    assert urgent_commands() == ["assess", "form", "route"]


def usage_faults(command: str) -> list[list[str]]:
    faults = [
        ["--format", "Zebedee"],
        ["--bogus-option"],
        ["Zebedee"],
        ["--significant-harm=Zebedee"],
        ["--format"],
    ]
    if command != "assess":
        faults.append(["--level", "Zebedee"])
    if command == "form":
        faults.append(["--answers"])
    return faults


@pytest.mark.parametrize("command", urgent_commands())
@pytest.mark.parametrize(
    ("flag", "authority", "urgent"),
    [
        ("--immediate-danger", "derbyshire", DANGER),
        ("--significant-harm", "derby_city", DERBY_CITY_CP),
        ("--non-mobile-baby-bruising", "derbyshire", DERBYSHIRE_CP),
    ],
)
def test_every_usage_error_of_every_urgent_command_keeps_the_urgent_line(
    command: str, flag: str, authority: str, urgent: str, run_cli: Run
) -> None:
    for fault in usage_faults(command):
        result = run_cli(command, "--authority", authority, flag, *fault)
        assert result.code == 2, (fault, result.err)
        assert result.err.startswith("threshold: error: ") and result.err.count("\n") == 1
        assert urgent in result.err, (fault, result.err)
        assert "Zebedee" not in result.err, (fault, result.err)


def test_usage_errors_keep_the_urgent_line_of_the_case_file(run_cli: Run, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text('{"significant_harm": true}')
    for args in (
        ["route", "--authority", "derby_city", "--case", str(case), "--format", "Zebedee"],
        ["route", "--authority=derby_city", f"--case={case}", "--bogus"],
        ["form", "--authority", "derby_city", "--case", str(case), "--format", "Zebedee"],
        ["route", "--authority", "derby_city", "--case", str(case), "--level", "2"],
        ["route", "--case", str(case)],  # no --authority: the generic line
    ):
        result = run_cli(*args)
        assert result.code == 2, result.err
        assert "significant harm was reported: ring" in result.err, (args, result.err)
        if "derby_city" in " ".join(args):
            assert DERBY_CITY_CP in result.err
    piped = run_cli(
        "route", "--authority", "derbyshire", "--case", "-", "--format", "Zebedee",
        stdin='{"immediate_danger": true}',
    )  # fmt: skip
    assert piped.code == 2 and DANGER in piped.err
    batch = tmp_path / "cases.jsonl"
    batch.write_text('{"level": 2}\n{"authority": "derbyshire", "significantHarm": true}\n')
    result = run_cli("route", "--batch", str(batch), "--format", "Zebedee")
    assert result.code == 2 and DERBYSHIRE_CP in result.err
    referral = tmp_path / "referral.json"
    referral.write_text('{"immediate-danger": true}')
    result = run_cli(
        "validate", "--authority", "derbyshire", "--form", "x", "--bogus", str(referral)
    )
    assert result.code == 2 and DANGER in result.err


HOSTILE = "Zebedee Quux of 12 High St"


@pytest.mark.parametrize(
    "args",
    [
        ["route", "--authority", HOSTILE, "--level", "2"],
        ["route", "--authority", "derbyshire", "--format", HOSTILE],
        ["route", "--authority", "derbyshire", "--level", HOSTILE],
        ["route", "--authority", "derbyshire", f"--{HOSTILE}"],
        ["route", "--authority", "derbyshire", HOSTILE],
        ["route", "--authority", "derbyshire", "--case", HOSTILE],
        ["route", "--batch", HOSTILE],
        ["route", "--batch", "-", "--output", f"/nonexistent/{HOSTILE}"],
        ["form", "--authority", HOSTILE],
        ["form", "--authority", "derbyshire", "--answers", HOSTILE, "--format", "html"],
        ["validate", "--authority", HOSTILE, "--form", "x", "-"],
        ["validate", "--authority", "derbyshire", "--form", "x", HOSTILE],
        ["assess", "--authority", HOSTILE, "--indicator", "x"],
        ["indicators", "--authority", HOSTILE],
        ["indicators", "--level", HOSTILE],
        ["compare", "derbyshire", HOSTILE],
        ["check", HOSTILE],
        ["check", "--directory", HOSTILE],
        ["schema", HOSTILE],
        ["serve", "--port", HOSTILE],
        ["test", HOSTILE],
        [HOSTILE],
    ],
)
def test_the_cli_never_repeats_a_bad_value_or_unknown_name(args: list[str], run_cli: Run) -> None:
    result = run_cli(*args, stdin="{}")
    assert result.code != 0
    assert "Zebedee" not in result.err and "High St" not in result.err, result.err
    assert "Traceback" not in result.err


# --------------------------------------------------------------- 7. SystemExit in a plugin
def _plugin_raising(error: BaseException, hook: str) -> Any:
    import attrs

    from threshold.plugins import derby_city
    from threshold.testing import make_plugin

    other = attrs.evolve(derby_city.data.authority(), id="testshire", name="Testshire")

    def raises(**_: object) -> None:
        raise error

    def registers(register: Callable[..., None]) -> None:
        register(other)

    hooks: dict[str, Callable[..., Any]] = {"threshold_register_authorities": registers}
    hooks[hook] = raises
    return make_plugin("testshire", **hooks)


@pytest.mark.parametrize("error", [SystemExit(0), SystemExit(3), GeneratorExit()])
@pytest.mark.parametrize(
    "hook",
    [
        "threshold_register_authorities",
        "threshold_register_forms",
        "threshold_register_indicators",
        "threshold_route_rule",
    ],
)
def test_a_plugin_raising_system_exit_is_isolated_like_any_broken_plugin(
    error: BaseException, hook: str, monkeypatch: pytest.MonkeyPatch, run_cli: Run
) -> None:
    from threshold.core.engine import api
    from threshold.core.plugins import registry as registry_module

    registry = Registry.load([("testshire", _plugin_raising(error, hook))])
    assert registry.authority_ids()[:2] == ["derby_city", "derbyshire"]
    assert registry.problems() or hook == "threshold_route_rule"
    monkeypatch.setattr(api, "default_registry", lambda: registry)
    # the CLI finds the authority first (to read its question options), there
    monkeypatch.setattr(registry_module, "default_registry", lambda: registry)
    guidance = threshold.route({"immediate_danger": True}, "derbyshire")
    assert guidance.contacts[0].phone == "999"
    if hook == "threshold_route_rule":
        with pytest.raises(threshold.AuthorityError, match=type(error).__name__):
            threshold.route({"level": 3}, "testshire")
        result = run_cli("route", "--authority", "testshire", "--level", "3")
        assert result.code == 3 and "ring 999" in result.err
    result = run_cli("route", "--authority", "derbyshire", "--immediate-danger", "--at", AT)
    assert result.code == 0 and "999" in result.out


def test_a_plugin_interrupted_by_the_user_is_not_swallowed() -> None:
    with pytest.raises(KeyboardInterrupt):
        Registry.load(
            [("testshire", _plugin_raising(KeyboardInterrupt(), "threshold_register_authorities"))]
        )


@pytest.mark.parametrize("where", ["import", "registration"])
def test_an_installed_plugin_raising_system_exit_still_gives_the_urgent_line(
    where: str, tmp_path: Path
) -> None:
    """A real third-party plugin, found through its entry point, in a real process."""
    exe = Path(sys.executable).with_name("threshold")
    if not exe.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    body = (
        "raise SystemExit(0)\n"
        if where == "import"
        else "from threshold.core.plugins.hookspecs import hookimpl\n\n"
        "@hookimpl\ndef threshold_register_authorities(register):\n    raise SystemExit(0)\n"
    )
    (tmp_path / "exiting_plugin.py").write_text(body)
    info = tmp_path / "exiting_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: exiting-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[threshold]\nexiting = exiting_plugin\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop("THRESHOLD_PLUGINS", None)
    proc = subprocess.run(
        [str(exe), "route", "--authority", "derbyshire", "--immediate-danger", "--at", AT],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "999" in proc.stdout and DERBYSHIRE_CP in proc.stdout
    listed = subprocess.run(
        [str(exe), "authorities"], capture_output=True, text=True, timeout=120, env=env
    )
    assert "BROKEN exiting: " in listed.stdout and "SystemExit" in listed.stdout
    served = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(
            """
            from threshold.core.interfaces.http.app import create_app
            from threshold.core.plugins.registry import default_registry
            create_app()
            print(default_registry().authority_ids())
            """
        )],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert served.returncode == 0 and "derbyshire" in served.stdout, served.stderr


@pytest.mark.parametrize(
    "query",
    ["?authority=Derbyshire", "?authority=derbyshire&bogus=1", "?authority=derbyshire&record=x"],
)
def test_an_http_query_error_keeps_the_urgent_line_of_the_body(
    query: str, live_server: str
) -> None:
    body = b'{"significant_harm": true}'
    for path in ("/route", "/route/batch"):
        answer = post(live_server + path + query, body)
        assert answer.status == 400
        error = answer.json()["error"]
        assert error["code"] == "invalid-query"
        assert DERBYSHIRE_CP in error["urgent"] and DERBYSHIRE_CP in error["message"]
    referral = b'{"authority": "derbyshire", "form": "x", "answers": {"immediate-danger": true}}'
    answer = post(live_server + "/validate?bogus=1", referral)
    assert answer.status == 400 and DANGER in answer.json()["error"]["urgent"]
    form = http("GET", live_server + "/forms/derby_city/x?significantHarm=true")
    assert form.status == 400 and DERBY_CITY_CP in form.json()["error"]["urgent"]


# --------------------------------------------------------------- the web tool's error pages
@pytest.fixture(scope="module")
def web() -> Any:
    from tests.web_helpers import web_server

    with web_server() as url:
        yield url


@pytest.mark.parametrize(
    ("query", "urgent"),
    [
        ("authority=derbyshire&danger=no&danger=yes", DANGER),
        ("authority=derbyshire&harm=significant-harm&harm=no", DERBYSHIRE_CP),
        ("authority=derbyshire&harm=" + "x" * 300, "significant harm was reported: ring"),
        ("authority=derbyshire&harm=significant-harm&at=9999-12-31T23:59", DERBYSHIRE_CP),
        ("authority=derbyshire&danger=yes&at=2026-11-23", DANGER),
        ("authority=Derbyshire&harm=significant-harm", DERBYSHIRE_CP),
        ("authority=derbyshire&Harm=significant-harm", DERBYSHIRE_CP),
        ("authority=derby_city&significantHarm=true", DERBY_CITY_CP),
    ],
)
def test_a_web_error_page_gives_the_urgent_answers_first(query: str, urgent: str, web: str) -> None:
    from tests.web_helpers import main_text, text

    answer = http("GET", f"{web}/guidance?{query}")
    assert answer.status == 400
    page = answer.body.decode()
    shown = text(page).lower()
    # the urgent line, first: before what is wrong with the address
    assert -1 < shown.find(urgent.lower()) < shown.find("what to fix"), shown[:400]
    assert "xxxx" not in main_text(page)
