"""Who to contact first is a line that can be used now (issue 11, section 1).

Contacts are ordered by what the person must do next on the route; among
contacts for the same purpose (the advice line and the out-of-hours line it
hands over to are one purpose), one open now or whose hours the sources do not
state comes before one closed now; a closed contact says when it next opens and
which open alternative the sources give; urgent contacts stay at the top of
urgent routes whatever the hours. The engine decides it once, so every interface
shows the same order."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from tests.conftest import Result
from threshold.core.analysis.matrix import matrix_of
from threshold.core.engine.api import route
from threshold.core.model.enums import Purpose
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry
from threshold.plugins.ddscp.names import Route

SATURDAY_NIGHT = "2026-11-28T21:00"  # outside every stated opening window
MONDAY_MORNING = "2026-11-23T11:00"  # inside every stated opening window
#: Instants for the property test: a weekday inside and outside the windows, a
#: Saturday night, Christmas Day morning (a bank holiday) and Christmas night.
INSTANTS = (
    MONDAY_MORNING,
    "2026-11-23T17:30",
    SATURDAY_NIGHT,
    "2026-12-25T11:00",
    "2026-12-25T23:30",
)

TIME_LIMITED = {"level": 2, "setting": "time-limited"}


def contact_role(purpose: Purpose) -> Purpose:
    """Contacts for the same purpose are alternatives; the out-of-hours advice line
    is the advice line's alternative outside its hours."""
    return Purpose.PROFESSIONAL_ADVICE if purpose is Purpose.OUT_OF_HOURS_ADVICE else purpose


def test_derby_city_time_limited_saturday_night_rings_the_care_line(registry: Registry) -> None:
    guidance = route({**TIME_LIMITED, "at": SATURDAY_NIGHT}, "derby_city", registry=registry)
    first, second = guidance.contacts[:2]
    assert (first.id, first.phone, first.open) == ("derby-city-care-line", "01332 956606", None)
    assert (second.id, second.phone, second.open) == (
        "professional-consultation-line",
        "07812300329",
        False,
    )
    assert second.alternative == "derby-city-care-line"
    # the sources give its hours but not its days: said so, never guessed
    assert second.next_open is None and second.when_closed is not None
    assert "the sources do not say on which days" in second.when_closed
    assert "Derby City Care line on 01332 956606" in second.when_closed
    assert first.alternative is None and first.when_closed is None


def test_derbyshire_time_limited_saturday_night_rings_the_out_of_hours_line(
    registry: Registry,
) -> None:
    guidance = route({**TIME_LIMITED, "at": SATURDAY_NIGHT}, "derbyshire", registry=registry)
    assert [c.phone for c in guidance.contacts] == ["01629 532 600", "01629 535353"]
    closed = guidance.contacts[1]
    assert (closed.open, closed.next_open) == (False, "2026-11-30T10:00:00+00:00")
    assert closed.alternative == "call-derbyshire-out-of-hours"
    assert closed.when_closed is not None
    assert "Next known to open: Monday 30 November 2026, 10:00 (UK time)." in closed.when_closed
    assert "Call Derbyshire (out of hours) on 01629 532 600" in closed.when_closed


def test_inside_the_advice_lines_hours_the_advice_line_comes_first(registry: Registry) -> None:
    for authority, phone in (("derbyshire", "01629 535353"), ("derby_city", "07812300329")):
        guidance = route({**TIME_LIMITED, "at": MONDAY_MORNING}, authority, registry=registry)
        assert guidance.contacts[0].phone == phone
        assert guidance.contacts[0].when_closed is None


@pytest.mark.parametrize("at", [MONDAY_MORNING, SATURDAY_NIGHT])
def test_derbyshire_level_3_without_an_eha_contacts_the_advice_line_before_the_form(
    registry: Registry, at: str
) -> None:
    """The referral will not be accepted without an EHA: the next action is the EHA
    and, if unsure, the advice line (or, when it is closed, the out-of-hours line)."""
    guidance = route({"level": 3, "at": at}, "derbyshire", registry=registry)
    assert guidance.route == Route.EARLY_HELP_FIRST
    ids = [c.id for c in guidance.contacts]
    assert ids[-1] == "starting-point-request-for-support"
    first = guidance.contacts[0]
    assert first.purpose in (Purpose.PROFESSIONAL_ADVICE, Purpose.OUT_OF_HOURS_ADVICE)
    assert first.open is not False
    form = guidance.contacts[-1]
    if at == SATURDAY_NIGHT:
        assert first.phone == "01629 532 600"
        assert form.open is False and form.when_closed is not None
        assert "Next known to open: Monday 30 November 2026, 09:00 (UK time)." in form.when_closed
        # no other contact does what the form does; the urgent line is named
        assert form.alternative is None and "01629 533190" in form.when_closed
    else:
        assert first.phone == "01629 535353"


def _check_order(guidance: Guidance) -> list[str]:
    problems = []
    contacts = guidance.contacts
    ids = [c.id for c in contacts]
    for index, contact in enumerate(contacts):
        if contact.open is False:
            if not contact.when_closed:
                problems.append(f"{contact.id} is closed and does not say when it opens")
            if contact.next_open is None and "not known" not in (contact.when_closed or ""):
                problems.append(f"{contact.id}: no next opening and does not say it is unknown")
            later = [
                c
                for c in contacts[index + 1 :]
                if contact_role(c.purpose) is contact_role(contact.purpose) and c.open is not False
            ]
            if later and contact.purpose not in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION):
                problems.append(f"{contact.id} is closed but comes before {later[0].id}")
            if contact.alternative is not None:
                alternative = contacts[ids.index(contact.alternative)]
                if alternative.open is False or ids.index(alternative.id) > index:
                    problems.append(f"{contact.id}: alternative {alternative.id} is not before it")
                if alternative.name not in contact.when_closed:
                    problems.append(f"{contact.id}: the sentence does not name its alternative")
        elif contact.when_closed is not None or contact.alternative is not None:
            problems.append(f"{contact.id} is not closed but has a closed note")
    if guidance.route == Route.EMERGENCY and contacts[0].phone != "999":
        problems.append("emergency route does not start with 999")
    if guidance.route in (Route.EMERGENCY, Route.CHILD_PROTECTION):
        urgent = [c.purpose in (Purpose.EMERGENCY, Purpose.CHILD_PROTECTION) for c in contacts]
        if urgent != sorted(urgent, reverse=True) or not urgent[0]:
            problems.append("urgent contacts are not at the top of an urgent route")
    return problems


@pytest.mark.parametrize("authority", ["derbyshire", "derby_city"])
def test_every_closed_contact_comes_after_its_open_alternative_and_says_so(
    registry: Registry, authority: str
) -> None:
    """Over the whole scenario matrix, at instants inside and outside the hours."""
    problems: dict[str, str] = {}
    for at in INSTANTS:
        for combination in matrix_of(registry.get(authority).authority).combinations():
            guidance = route({**combination.as_dict(), "at": at}, authority, registry=registry)
            for problem in _check_order(guidance):
                problems.setdefault(problem, f"{combination.label()} at {at}")
    assert not problems, problems


# ----------------------------------------------------------------------------- interfaces
ARGS = ("--authority", "derby_city", "--level", "2", "--setting", "time-limited")


def _first_in_text(out: str) -> str:
    match = re.search(r"^  1\. .*?: (\S[^\n]*)$", out, re.MULTILINE)
    assert match, out[:500]
    return match.group(1).strip()


def _first_in_markdown(out: str) -> str:
    row = next(line for line in out.splitlines() if line.startswith("| 1 |"))
    return row.split("|")[3].strip()


def _first_in_html(out: str) -> str:
    body = out.split("<tbody>", 1)[1]
    match = re.search(r'href="tel:([0-9]+)"', body)
    assert match
    return match.group(1)


def test_one_contact_order_in_every_cli_format(run_cli: Callable[..., Result]) -> None:
    at = ("--at", SATURDAY_NIGHT)
    data = run_cli("route", *ARGS, *at, "--format", "json").json()
    assert [c["phone"] for c in data["contacts"]] == ["01332 956606", "07812300329"]
    assert data["contacts"][1]["alternative"] == "derby-city-care-line"
    assert _first_in_text(run_cli("route", *ARGS, *at).out) == "01332 956606"
    assert _first_in_markdown(run_cli("route", *ARGS, *at, "--format", "markdown").out) == (
        "01332 956606"
    )
    assert _first_in_html(run_cli("route", *ARGS, *at, "--format", "html").out) == "01332956606"


def test_the_closed_line_says_what_to_use_instead_in_the_text(
    run_cli: Callable[..., Result],
) -> None:
    out = run_cli("route", *ARGS, "--at", SATURDAY_NIGHT).out
    closed = out[out.index("07812300329") :]
    joined = " ".join  # the text wraps to the terminal's width (issue 15)
    assert "the sources do not say on which days" in joined(closed.split("\n\n")[0].split())
    assert "Derby City Care line on 01332 956606" in joined(closed.split("WHAT TO DO")[0].split())


def test_the_http_service_gives_the_same_order(live_server: str, registry: Registry) -> None:
    from tests.conftest import http

    body = json.dumps({**TIME_LIMITED, "at": SATURDAY_NIGHT}).encode()
    answer = http(
        "POST",
        live_server + "/route?authority=derby_city",
        body,
        {"Content-Type": "application/json"},
    )
    assert answer.status == 200
    expected = route({**TIME_LIMITED, "at": SATURDAY_NIGHT}, "derby_city", registry=registry)
    assert [c["id"] for c in answer.json()["contacts"]] == [c.id for c in expected.contacts]
    assert answer.json()["contacts"][0]["phone"] == "01332 956606"
