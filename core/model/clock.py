"""Time as threshold reads it: Europe/London, ISO 8601 input, the range of times a
case may be acted on, and times and days in words. Pure functions: opening
hours (which need England's bank holidays) are the engine's
(:mod:`threshold.core.engine.hours`)."""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


#: The range of times a case may be acted on (``at``), in Europe/London. Guidance
#: is made from data checked against documents of the 2020s, with England's bank
#: holidays and today's opening hours: a time decades away from them says nothing
#: true about which line is open, and is almost always a typo (9999, 1111). The
#: range is wide enough for any record being re-checked or any plan, and so far
#: inside what Python's datetime can hold (years 1 to 9999) that no arithmetic on
#: it (UTC offsets, the look-ahead of :func:`next_open`) can overflow.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=LONDON)
LATEST = dt.datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=LONDON)
#: The range as local times (a naive time counts as Europe/London).
_EARLIEST_LOCAL = EARLIEST.replace(tzinfo=None)
_LATEST_LOCAL = LATEST.replace(tzinfo=None)
#: Far enough either side of a time to see a change of UTC offset at it.
_NEAR = dt.timedelta(hours=3)
#: The last ordinary local time read, and what it was read as (intake systems and
#: the comparison send one time many times over; a datetime does not change).
_LAST: tuple[str, dt.datetime] = ("", EARLIEST)
#: What ``at`` must be, as every error about it says.
EXPECTED_AT = (
    "an ISO 8601 date-time from 2000-01-01T00:00 to 2099-12-31T23:59 (Europe/London "
    "time unless it gives a UTC offset), such as 2026-11-23T14:30 or 2026-11-23T14:30+00:00"
)
#: ISO 8601 extended format: date, "T", hours and minutes, optional seconds and
#: fraction, optional UTC offset ("Z" or +hh:mm). Nothing else is read as a time:
#: not a bare date (it would be midnight, a guess), not digits alone.
_ISO_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,6})?)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?"
)

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def describe_moment(moment: dt.datetime) -> str:
    """A date-time as a person reads it, in Europe/London time:
    "Monday 30 November 2026, 10:00 (UK time)"."""
    return moment.astimezone(LONDON).strftime("%A %-d %B %Y, %H:%M (UK time)")


def local_now() -> dt.datetime:
    """Return the current time in Europe/London."""
    return dt.datetime.now(LONDON)


#: Today in Europe/London, with the times (seconds since the epoch) it starts and ends.
_TODAY: tuple[dt.date, float, float] = (dt.date.min, 0.0, 0.0)


def london_today() -> dt.date:
    """Return the current date in Europe/London (the time zone worked out once a day:
    routing asks on every call, for the data review check)."""
    global _TODAY
    now = time.time()
    day, starts, ends = _TODAY
    if starts <= now < ends:
        return day
    day = dt.datetime.fromtimestamp(now, LONDON).date()
    starts = dt.datetime.combine(day, dt.time(), LONDON).timestamp()
    ends = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), LONDON).timestamp()
    _TODAY = (day, starts, ends)
    return day


def check_range(when: dt.datetime) -> None:
    """Raise ValueError (saying what is expected) when ``when`` is outside
    :data:`EARLIEST` to :data:`LATEST`; a naive time counts as Europe/London."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=LONDON)
    try:
        inside = EARLIEST <= aware <= LATEST
    except OverflowError:  # an offset that takes it past what a datetime can hold
        inside = False
    if not inside:
        raise ValueError(f"outside the range; expected {EXPECTED_AT}")


def parse_local(text: str) -> dt.datetime:
    """Parse an ISO 8601 date-time (extended format, to the minute at least: see
    :data:`EXPECTED_AT`); one without an offset is Europe/London time.

    Raises ValueError with a message saying what is expected (never repeating the
    text unless it is a well-formed date-time), including for a time outside
    :data:`EARLIEST` to :data:`LATEST` and for a local time that does not exist
    (clocks go forward) or happens twice (clocks go back) in Europe/London, since
    either would be a guess.
    """
    global _LAST
    last = _LAST
    if text == last[0] and type(text) is str:  # the same time as the call before
        return last[1]
    if not isinstance(text, str) or not _ISO_DATE_TIME.fullmatch(text):
        raise ValueError(f"expected {EXPECTED_AT}")
    normal = text.upper().replace(",", ".").replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(normal)
    except ValueError:  # a month 13, a day 32, an hour 25, an offset of 24 hours
        raise ValueError(f"not a real date and time; expected {EXPECTED_AT}") from None
    if parsed.tzinfo is None and _EARLIEST_LOCAL <= parsed <= _LATEST_LOCAL:
        # The usual case, without the slow ``replace``: no change of UTC offset near
        # it (Europe/London's changes are an hour, months apart), so it is one real time.
        offset = LONDON.utcoffset(parsed)
        if LONDON.utcoffset(parsed - _NEAR) == offset == LONDON.utcoffset(parsed + _NEAR):
            found = dt.datetime(*parsed.timetuple()[:6], parsed.microsecond, LONDON)
            _LAST = (text, found)
            return found
    check_range(parsed)
    if parsed.tzinfo is not None:
        return parsed
    first = parsed.replace(tzinfo=LONDON, fold=0)
    second = parsed.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() != second.utcoffset():
        round_trip = first.astimezone(dt.UTC).astimezone(LONDON).replace(tzinfo=None)
        if round_trip == parsed:
            raise ValueError(
                f"{text} happens twice in Europe/London (the clocks go back); "
                "give a UTC offset, such as +01:00 or +00:00"
            )
        raise ValueError(
            f"{text} does not exist in Europe/London (the clocks go forward); "
            "give a UTC offset or a real local time"
        )
    return first


def describe_days(days: tuple[int, ...] | None) -> str:
    """Return the days in words: "Monday to Friday", or "days not stated"."""
    if days is None:
        return "days not stated"
    if not days:
        return "no days"
    ordered = sorted(days)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{DAY_NAMES[ordered[0]]} to {DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered)
