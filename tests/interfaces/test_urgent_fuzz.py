"""Property tests: an urgent flag survives any input, in every interface (hypothesis).

Each example is a JSON input (as text, so a key can be given twice) with an urgent
field under any spelling of its name, at the top level or nested, perhaps given
twice (with a "no" copy), plus any other fault: an unknown field, a wrong type, a
time out of range or badly written, text cut short, NaN, a byte that is not UTF-8,
an authority id typed in another spelling. Whatever the example, the answer in the
CLI (in-process, and a few in a real process), the Python API, a batch line, the
HTTP service (a real loopback socket) and the web tool's error pages still says to
ring 999 or the authority's child protection number: as urgent guidance when the
input is a valid case, or in the error's urgent advice otherwise.

Bounded for CI: the profile's examples (200, derandomized with CI=true) for the
in-process interfaces, a fiftieth of them (at least 10) for the real processes;
HYPOTHESIS_PROFILE=slow tries 10,000.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import threshold
from tests.conftest import http
from tests.in_process import run_main
from threshold.core.interfaces.batch import route_stream
from threshold.core.model.errors import ThresholdError
from threshold.core.plugins.registry import Registry

NUMBERS = {"derbyshire": "01629 533190", "derby_city": "01332 641172"}
#: An authority id as typed, by the id it stands for: itself, or another spelling.
TYPED = {
    "derbyshire": ["derbyshire", "Derbyshire", "DERBYSHIRE", "derbyshre"],
    "derby_city": ["derby_city", "Derby City", "derby-city", "DERBY_CITY", "derbycity"],
}
URGENT = ("immediate_danger", "significant_harm", "non_mobile_baby_bruising")
REAL_PROCESSES = max(10, settings.default.max_examples // 50)


@attrs.frozen
class Example:
    """One input: its bytes, the authority as typed and meant, and the flag raised."""

    body: bytes
    typed: str
    authority: str
    field: str

    def expected(self) -> str:
        """What the urgent line must contain."""
        return "ring 999 now" if self.field == "immediate_danger" else NUMBERS[self.authority]

    def valid_json(self) -> Any:
        """The parsed input when it is JSON with no key given twice, else None."""

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            if len({k for k, _ in items}) != len(items):
                raise ValueError("a key given twice")
            return dict(items)

        try:
            return json.loads(self.body.decode("utf-8"), object_pairs_hook=pairs)
        except ValueError:
            return None


def spellings(field: str) -> st.SearchStrategy[str]:
    """The field's name in any spelling: each word lower, upper or title case,
    joined by _, -, a space, a dot or nothing (camelCase and PascalCase too)."""
    words = field.split("_")
    cases = st.lists(
        st.sampled_from([str.lower, str.upper, str.title]), min_size=len(words), max_size=len(words)
    )
    return st.builds(
        lambda styles, joint: joint.join(style(w) for style, w in zip(styles, words, strict=True)),
        cases,
        st.sampled_from(["_", "-", " ", "", "."]),
    )


YES = st.sampled_from(["true", '"yes"', "1", '"true"', '"Y"', "[true]", '{"x": 1}'])
OTHER_FIELDS = st.sampled_from(
    [
        '"level": 2',
        '"level": 9',
        '"level": "three"',
        '"levle": 3',
        '"consent": "maybe"',
        '"at": "9999-12-31T23:59"',
        '"at": "11111111"',
        '"at": "2026-11-23"',
        '"at": "1999-12-31T23:59"',
        '"name": "Jane Doe"',
        '"level": NaN',
        '"level": 2, "level": 3',
        '"early_help_assessment": "completed"',
    ]
)


@st.composite
def examples(draw: st.DrawFn) -> Example:
    field = draw(st.sampled_from(URGENT))
    name = draw(st.one_of(st.just(field), spellings(field)))
    pair = f"{json.dumps(name)}: {draw(YES)}"
    if draw(st.booleans()):  # given twice, the "no" copy before or after
        no = (
            f"{json.dumps(draw(spellings(field)))}: {draw(st.sampled_from(['false', 'null', '0']))}"
        )
        pair = f"{pair}, {no}" if draw(st.booleans()) else f"{no}, {pair}"
    nesting = draw(st.sampled_from(["top", "top", "object", "list"]))
    if nesting == "object":
        pair = f'"case": {{{pair}}}'
    elif nesting == "list":
        pair = f'"details": [{{{pair}}}]'
    others = draw(st.lists(OTHER_FIELDS, max_size=3))
    text = "{" + ", ".join([pair, *others]) + "}"
    body = text.encode()
    fault = draw(st.sampled_from(["none", "none", "cut", "garbage", "not utf-8", "bom"]))
    if fault == "cut":  # cut after the urgent field: what came before it is read
        body = body[: draw(st.integers(len(pair) + 1, len(body)))]
    elif fault == "garbage":
        body += b" }{,"
    elif fault == "not utf-8":
        body = body[:-1] + b"\xff}"
    elif fault == "bom":
        body = b"\xef\xbb\xbf" + body
    authority = draw(st.sampled_from(sorted(NUMBERS)))
    typed = draw(st.sampled_from(TYPED[authority]))
    return Example(body, typed, authority, field)


def urgent_guidance(guidance: dict[str, Any], example: Example) -> bool:
    """Whether valid input got urgent guidance with the expected line first."""
    first = guidance["contacts"][0]["phone"]
    if example.field == "immediate_danger":
        return guidance["route"] == "emergency" and first == "999"
    return guidance["route"] == "child-protection" and first == NUMBERS[example.authority]


def run(args: list[str], stdin: bytes) -> tuple[int, str, str]:
    """``threshold ARGS`` in-process, through main(), with ``stdin``."""
    return run_main(args, stdin)


def check_cli(code: int, out: str, err: str, example: Example) -> None:
    assert "Traceback" not in err
    if code == 0:
        assert urgent_guidance(json.loads(out), example), out[:300]
    else:
        assert code == 2, err
        assert err.startswith("threshold: error: ") and err.count("\n") == 1, err
        assert example.expected() in err, err
        assert "Jane" not in err


ARGS = ["--case", "-", "--format", "json"]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(example=examples())
def test_the_urgent_line_survives_any_input_in_every_interface(
    example: Example, registry: Registry, live_server: str
) -> None:
    # CLI, in-process
    code, out, err = run(["route", "--authority", example.typed, *ARGS], example.body)
    check_cli(code, out, err, example)
    # Python API, for input that is a JSON object without a repeated key
    data = example.valid_json()
    if isinstance(data, dict):
        try:
            guidance = threshold.route(data, example.typed)
        except ThresholdError as exc:
            assert exc.urgent is not None and example.expected() in exc.urgent, exc.urgent
        else:
            assert urgent_guidance(guidance.to_dict(), example)
    # a batch line
    line = example.body.replace(b"\n", b" ") + b"\n"
    (result,) = route_stream(io.BytesIO(line), example.typed, registry=registry)
    if result.error is None:
        assert result.guidance is not None
        assert urgent_guidance(result.guidance.to_dict(), example)
    else:
        assert result.error.urgent and example.expected() in result.error.urgent
    # HTTP, over a real socket
    answer = http(
        "POST",
        f"{live_server}/route?{urlencode({'authority': example.typed})}",
        example.body,
        {"Content-Type": "application/json"},
    )
    assert answer.status < 500
    if answer.status == 200:
        assert urgent_guidance(answer.json(), example)
    else:
        error = answer.json()["error"]
        assert error["urgent"] and example.expected() in error["urgent"], error
        assert "Jane" not in answer.body.decode()


@settings(
    max_examples=REAL_PROCESSES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(example=examples())
def test_the_urgent_line_survives_any_input_in_a_real_process(example: Example) -> None:
    exe = Path(sys.executable).with_name("threshold")
    if not exe.exists():
        pytest.skip(f"console script not installed beside {sys.executable}")
    proc = subprocess.run(
        [str(exe), "route", "--authority", example.typed, *ARGS],
        input=example.body,
        capture_output=True,
        timeout=120,
    )
    check_cli(proc.returncode, proc.stdout.decode(), proc.stderr.decode(), example)


@pytest.fixture(scope="module")
def web() -> Any:
    from tests.web_helpers import web_server

    with web_server() as url:
        yield url


#: The web tool's urgent questions: (parameter, urgent answers, the flag they raise).
WEB_URGENT = [
    ("danger", ["yes"], "immediate_danger"),
    ("harm", ["significant-harm", "bruising"], "significant_harm"),
]
WEB_FAULTS = st.sampled_from(
    [
        ("at", "9999-12-31T23:59"),
        ("at", "2026-11-23"),
        ("at", "1" * 200),
        ("level", "9"),
        ("eha", "maybe"),
        ("bogus", "1"),
        ("consent", "x" * 100),
        ("referrer", "Jane Doe"),
    ]
)


@st.composite
def web_queries(draw: st.DrawFn) -> tuple[list[tuple[str, str]], Example]:
    name, answers, field = draw(st.sampled_from(WEB_URGENT))
    shown = draw(st.one_of(st.just(name), spellings(name)))
    items = [(shown, draw(st.sampled_from(answers)))]
    if draw(st.booleans()):  # given twice, the "no" copy before or after
        no = (name, "no")
        items = [*items, no] if draw(st.booleans()) else [no, *items]
    items += draw(st.lists(WEB_FAULTS, min_size=1, max_size=3))
    authority = draw(st.sampled_from(sorted(NUMBERS)))
    typed = draw(st.sampled_from(TYPED[authority]))
    items = draw(st.permutations(items))
    return [("authority", typed), *items], Example(b"", typed, authority, field)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    query=web_queries(),
    path=st.sampled_from(["/question", "/check", "/guidance", "/record", "/form"]),
)
def test_a_web_error_page_gives_the_urgent_line_first_whatever_the_query(
    query: tuple[list[tuple[str, str]], Example], path: str, web: str
) -> None:
    from tests.web_helpers import text

    items, example = query
    answer = http("GET", f"{web}{path}?{urlencode(items)}")
    assert answer.status == 400, answer.status
    shown = text(answer.body.decode()).lower()
    expected = example.expected().lower()
    assert -1 < shown.find(expected) < shown.find("what to fix"), shown[:300]
    assert "jane" not in shown
