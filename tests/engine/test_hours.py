"""Opening hours in Europe/London: weekdays, weekends, England's bank holidays
(with substitute days) and both clock changes. Unstated facts stay unknown (None)."""

from __future__ import annotations

import datetime as dt

import pytest

from threshold.core.engine.hours import bank_holiday, is_open, next_close, next_open
from threshold.core.model.authority import Authority, OpeningHours, Window
from threshold.core.model.clock import LONDON, parse_local
from threshold.core.model.enums import BankHolidays, HoursKind
from threshold.core.plugins.registry import Registry


@pytest.fixture(scope="module")
def derbyshire(registry: Registry) -> Authority:
    return registry.get("derbyshire").authority


@pytest.fixture(scope="module")
def derby_city(registry: Registry) -> Authority:
    return registry.get("derby_city").authority


def at(text: str) -> dt.datetime:
    return parse_local(text)


ADVICE = "starting-point-advice-line"  # 10am-4pm Mon-Fri, bank holidays not stated
INBOX = "starting-point-request-for-support"  # 9am-4pm Mon-Fri, closed on bank holidays


@pytest.mark.parametrize(
    ("contact", "when", "expected_open", "expected_next"),
    [
        # weekday inside and outside the hours
        (ADVICE, "2026-11-23T11:00", True, None),
        (ADVICE, "2026-11-23T10:00", True, None),
        (ADVICE, "2026-11-23T09:59", False, "2026-11-23T10:00:00+00:00"),
        (ADVICE, "2026-11-23T16:00", False, "2026-11-24T10:00:00+00:00"),
        (INBOX, "2026-11-23T09:00", True, None),
        (INBOX, "2026-11-27T16:30", False, "2026-11-30T09:00:00+00:00"),
        # weekend
        (ADVICE, "2026-11-28T11:00", False, "2026-11-30T10:00:00+00:00"),
        (INBOX, "2026-11-29T12:00", False, "2026-11-30T09:00:00+00:00"),
        # a bank holiday: the inbox is closed (stated); the advice line is not stated
        (INBOX, "2026-08-31T11:00", False, "2026-09-01T09:00:00+01:00"),
        (ADVICE, "2026-08-31T11:00", None, "2026-09-01T10:00:00+01:00"),
        # Christmas 2026: Fri 25, Sat 26, Boxing Day substitute Mon 28
        (INBOX, "2026-12-24T17:00", False, "2026-12-29T09:00:00+00:00"),
        (ADVICE, "2026-12-25T11:00", None, "2026-12-29T10:00:00+00:00"),
        (ADVICE, "2026-12-28T11:00", None, "2026-12-29T10:00:00+00:00"),
        # Christmas 2027: Sat 25 and Sun 26, substitutes Mon 27 and Tue 28
        (INBOX, "2027-12-27T10:00", False, "2027-12-29T09:00:00+00:00"),
        (INBOX, "2027-12-28T10:00", False, "2027-12-29T09:00:00+00:00"),
        (INBOX, "2027-12-29T10:00", True, None),
        # spring clock change: Sunday 29 March 2026, 1am GMT -> 2am BST
        (ADVICE, "2026-03-27T10:30", True, None),
        (ADVICE, "2026-03-28T12:00", False, "2026-03-30T10:00:00+01:00"),
        (ADVICE, "2026-03-30T09:59", False, "2026-03-30T10:00:00+01:00"),
        (ADVICE, "2026-03-30T09:30:00+00:00", True, None),  # 10:30 BST
        (ADVICE, "2026-03-30T15:30:00+00:00", False, "2026-03-31T10:00:00+01:00"),  # 16:30 BST
        # 2027: the clocks go forward on Easter Sunday, between Good Friday and Easter Monday
        (INBOX, "2027-03-25T17:00", False, "2027-03-30T09:00:00+01:00"),
        # autumn clock change: Sunday 25 October 2026, 2am BST -> 1am GMT
        (ADVICE, "2026-10-23T15:30", True, None),
        (ADVICE, "2026-10-24T12:00", False, "2026-10-26T10:00:00+00:00"),
        (ADVICE, "2026-10-26T09:30:00+00:00", False, "2026-10-26T10:00:00+00:00"),
        (ADVICE, "2026-10-26T09:30:00-01:00", True, None),  # 10:30 GMT
    ],
)
def test_derbyshire_hours(
    derbyshire: Authority,
    contact: str,
    when: str,
    expected_open: bool | None,
    expected_next: str | None,
) -> None:
    hours = derbyshire.contact(contact).hours
    moment = at(when)
    assert is_open(hours, moment) is expected_open
    found = next_open(hours, moment)
    assert (found.isoformat() if found else None) == expected_next


def test_derby_city_line_days_not_stated(derby_city: Authority) -> None:
    hours = derby_city.contact("professional-consultation-line").hours
    assert [w.days for w in hours.windows] == [None]
    assert is_open(hours, at("2026-11-23T11:00")) is None  # a Monday, but days not stated
    assert is_open(hours, at("2026-11-28T11:00")) is None  # a Saturday: not stated either
    assert is_open(hours, at("2026-11-23T20:00")) is False  # outside 10am-4pm on any day
    assert next_open(hours, at("2026-11-23T20:00")) is None  # no opening is known


def test_unstated_and_always(derbyshire: Authority, derby_city: Authority) -> None:
    moment = at("2026-12-25T03:00")
    assert is_open(derbyshire.contact("emergency-999").hours, moment) is True
    assert is_open(derbyshire.contact("call-derbyshire-child-protection").hours, moment) is None
    assert is_open(derby_city.contact("initial-response-team").hours, moment) is None
    assert next_open(derby_city.contact("initial-response-team").hours, moment) is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 8, 31), True),  # England's summer bank holiday
        (dt.date(2026, 8, 3), False),  # Scotland's, not England's
        (dt.date(2026, 11, 30), False),  # St Andrew's Day (Scotland)
        (dt.date(2027, 3, 17), False),  # St Patrick's Day (Northern Ireland)
        (dt.date(2027, 12, 27), True),  # Christmas Day substitute
        (dt.date(2027, 12, 28), True),  # Boxing Day substitute
        (dt.date(2026, 12, 28), True),  # Boxing Day substitute
        (dt.date(2027, 3, 26), True),  # Good Friday 2027
        (dt.date(2027, 3, 29), True),  # Easter Monday 2027
    ],
)
def test_england_bank_holidays(day: dt.date, expected: bool) -> None:
    assert (bank_holiday(day) is not None) is expected


def test_parse_local_without_offset_is_london() -> None:
    assert parse_local("2026-07-01T12:00").utcoffset() == dt.timedelta(hours=1)
    assert parse_local("2026-12-01T12:00").utcoffset() == dt.timedelta(0)
    assert parse_local("2026-12-01T12:00").tzinfo is LONDON


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-03-28T01:30", "does not exist"),
        ("2026-10-25T01:30", "happens twice"),
        ("23/11/2026", "ISO 8601"),
        ("", "ISO 8601"),
    ],
)
def test_parse_local_refuses_to_guess(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_local(text)


def test_guidance_reports_open_and_next_open(registry: Registry) -> None:
    from threshold.core.engine.api import route

    guidance = route({"at": "2026-12-25T11:00"}, "derbyshire", registry=registry)
    line = guidance.contacts[0]
    assert (line.phone, line.open, line.next_open) == (
        "01629 535353",
        None,
        "2026-12-29T10:00:00+00:00",
    )
    assert "bank-holidays-not-stated" in [w.code for w in guidance.warnings]


# ----------------------------------------------------- several windows, duty services

FRONT_DOOR = OpeningHours(
    HoursKind.WEEKLY,
    "Monday to Thursday 8:30am to 5pm, Friday 8:30am to 4:30pm, closed on bank holidays",
    (Window((0, 1, 2, 3), "08:30", "17:00"), Window((4,), "08:30", "16:30")),
    bank_holidays=BankHolidays.CLOSED,
)
DUTY = OpeningHours(HoursKind.OUTSIDE, "outside the front door's hours", of="front-door")


def _lookup(contact_id: str) -> OpeningHours:
    assert contact_id == "front-door"
    return FRONT_DOOR


@pytest.mark.parametrize(
    ("when", "front_door", "duty"),
    [
        ("2026-11-26T16:45", True, False),  # Thursday: open until 17:00
        ("2026-11-27T16:29", True, False),  # Friday: open until 16:30
        ("2026-11-27T16:30", False, True),  # Friday 16:30: closed, the duty service answers
        ("2026-11-28T11:00", False, True),  # Saturday
        ("2026-12-25T11:00", False, True),  # Christmas Day, a Friday and a bank holiday
        ("2026-11-30T08:29", False, True),
        ("2026-11-30T08:30", True, False),
    ],
)
def test_several_windows_and_a_duty_service_outside_them(
    when: str, front_door: bool, duty: bool
) -> None:
    moment = at(when)
    assert is_open(FRONT_DOOR, moment) is front_door
    assert is_open(DUTY, moment, _lookup) is duty


def test_a_duty_service_next_opens_when_the_front_door_closes() -> None:
    assert next_open(DUTY, at("2026-11-27T09:00"), _lookup) == at("2026-11-27T16:30")
    assert next_open(DUTY, at("2026-11-26T09:00"), _lookup) == at("2026-11-26T17:00")
    assert next_open(FRONT_DOOR, at("2026-11-27T16:30")) == at("2026-11-30T08:30")
    assert next_close(FRONT_DOOR, at("2026-11-27T16:00")) == at("2026-11-27T16:30")
    assert next_close(FRONT_DOOR, at("2026-11-27T17:00")) is None  # closed: no close to come


def test_duty_hours_without_the_other_contact_are_not_known() -> None:
    assert is_open(DUTY, at("2026-11-27T16:30")) is None
    assert next_open(DUTY, at("2026-11-27T09:00")) is None
