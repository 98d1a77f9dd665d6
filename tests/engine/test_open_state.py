"""open_state shares a contact's state between the times of one stretch of a day:
it gives what is_open and next_open give, for every contact of the built-in
authorities and for made-up hours (several windows, minutes off the hour, days
not stated, a duty service outside another line's hours), at times across a
year, the clock changes and bank holidays, in any order."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from threshold.core.engine.contacts import _lookup
from threshold.core.engine.hours import is_open, next_open, open_state
from threshold.core.model.authority import OpeningHours, Window
from threshold.core.model.clock import LONDON
from threshold.core.model.enums import BankHolidays, HoursKind
from threshold.core.plugins.registry import default_registry


def _times() -> list[dt.datetime]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    times = [start + dt.timedelta(minutes=17 * n, seconds=n % 61) for n in range(31_000)]
    for day in ("2026-03-29", "2026-10-25", "2026-12-25", "2026-12-28", "2027-01-01"):
        base = dt.datetime.fromisoformat(day).replace(tzinfo=LONDON)
        times += [base + dt.timedelta(minutes=m) for m in range(-120, 1560, 1)]
    random.Random(14).shuffle(times)
    return times


@pytest.mark.parametrize("authority_id", ["derbyshire", "derby_city"])
def test_open_state_is_is_open_and_next_open(authority_id: str) -> None:
    authority = default_registry().get(authority_id).authority
    lookup = _lookup(authority)
    times = _times()
    for contact in authority.contacts:
        for when in times:
            opened = is_open(contact.hours, when, lookup)
            opening = None if opened is True else next_open(contact.hours, when, lookup)
            want = (opened, opening.isoformat() if opening else None)
            assert open_state(contact.hours, when, lookup) == want, (contact.id, when)


_DAY = OpeningHours(
    HoursKind.WEEKLY,
    "Monday to Thursday 08:30 to 17:00, Friday 08:30 to 16:30, Saturday 10:15 to 12:45",
    (
        Window((0, 1, 2, 3), "08:30", "17:00"),
        Window((4,), "08:30", "16:30"),
        Window((5,), "10:15", "12:45"),
        Window(None, "18:10", "19:40"),
    ),
    bank_holidays=BankHolidays.CLOSED,
)
_NIGHT = OpeningHours(HoursKind.OUTSIDE, "whenever the day line is closed", of="day")
_LATE = OpeningHours(
    HoursKind.WEEKLY, "every day 20:00 to 24:00", (Window(tuple(range(7)), "20:00", "24:00"),)
)


@pytest.mark.parametrize("hours", [_DAY, _NIGHT, _LATE], ids=["day", "outside", "late"])
def test_open_state_for_made_up_hours(hours: OpeningHours) -> None:
    def lookup(contact_id: str) -> OpeningHours:
        return {"day": _DAY}[contact_id]

    for when in _times():
        opened = is_open(hours, when, lookup)
        opening = None if opened is True else next_open(hours, when, lookup)
        want = (opened, opening.isoformat() if opening else None)
        assert open_state(hours, when, lookup) == want, when


@pytest.mark.parametrize("authority_id", ["derbyshire", "derby_city"])
def test_contacts_shared_per_stretch_of_a_day_are_those_worked_out_afresh(
    authority_id: str,
) -> None:
    """contacts_at keeps a route's contacts per stretch of a day between the minutes
    at which any of them opens or closes: the same as working them out at each time."""
    from threshold.core.engine.contacts import _contacts_now, contacts_at, prepare_contacts
    from threshold.core.model.enums import Purpose

    authority = default_registry().get(authority_id).authority
    lists = [
        prepare_contacts(authority, [(c, c.purpose) for c in authority.contacts]),
        prepare_contacts(
            authority,
            [(c, p) for p in Purpose for c in authority.contacts_for(p)][::-1],
        ),
    ]
    for when in _times()[::3]:
        for slots in lists:
            assert contacts_at(slots, when) == _contacts_now(slots, when), when
