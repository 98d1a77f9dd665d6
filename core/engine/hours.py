"""Opening hours in Europe/London, with England's bank holidays.

A contact is *known* to be open only when its source says so. Where the source
does not state the days, or what happens on a bank holiday, the answer is
``None`` ("the source does not say"), never a guess."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib.metadata import version

from threshold.core.io import cache
from threshold.core.model.authority import OpeningHours
from threshold.core.model.clock import LONDON
from threshold.core.model.enums import BankHolidays, HoursKind

#: How far ahead :func:`next_open` looks. Bank holidays never close a weekday
#: line for more than four days in a row in England, so three weeks is ample.
_LOOKAHEAD_DAYS = 21


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> dict[dt.date, str]:
    """England's bank holidays in ``year``, from the ``holidays`` package.

    Importing ``holidays`` costs about 0.1 s (it loads every country), so the
    result is kept in the on-disk cache, keyed by the package's version.
    """

    name = f"bank-holidays-ENG-{year}-{cache.digest(version('holidays'))}"
    stored = cache.read(name)
    if isinstance(stored, dict):
        return {dt.date.fromisoformat(day): str(title) for day, title in stored.items()}
    import holidays  # lazy: ~80 ms (every country), only on a cache miss

    found = {
        day: str(title)
        for day, title in holidays.country_holidays("GB", subdiv="ENG", years=year).items()
    }
    cache.write(name, {day.isoformat(): title for day, title in found.items()})
    return found


def bank_holiday(day: dt.date) -> str | None:
    """Return the name of England's bank holiday on ``day``, or None.

    Uses the ``holidays`` package with subdivision ENG, so substitute days
    ("Christmas Day (observed)") are included and Scottish or Northern Irish
    holidays are not.
    """
    return _england_holidays(day.year).get(day)


@lru_cache(maxsize=256)
def _clock(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _known_open_on(hours: OpeningHours, day: dt.date) -> bool | None:
    """Whether the contact opens at all on ``day`` (True / False / None = not stated)."""
    if hours.days is None:
        return None
    if day.weekday() not in hours.days:
        return False
    if bank_holiday(day) is not None:
        if hours.bank_holidays is BankHolidays.CLOSED:
            return False
        if hours.bank_holidays is BankHolidays.UNSTATED:
            return None
    return True


def is_open(hours: OpeningHours, when: dt.datetime) -> bool | None:
    """Return whether the contact is open at ``when`` (an aware datetime).

    True or False where the source settles it; None where it does not (no hours
    stated, days not stated, or a bank holiday the source does not mention).
    """
    if hours.kind is HoursKind.ALWAYS:
        return True
    if hours.kind is HoursKind.UNSTATED:
        return None
    local = _in_london(when)
    if local is None:
        return None
    assert hours.opens is not None and hours.closes is not None
    if not _clock(hours.opens) <= local.time() < _clock(hours.closes):
        return False
    return _known_open_on(hours, local.date())


def _in_london(when: dt.datetime) -> dt.datetime | None:
    """``when`` in Europe/London, or None when that is past what a datetime can
    hold (year 9999 with a negative offset): the hours are then not known."""
    try:
        return when.astimezone(LONDON)
    except (OverflowError, ValueError):
        return None


def next_open(hours: OpeningHours, when: dt.datetime) -> dt.datetime | None:
    """Return the next time at or after ``when`` that the contact is known to open.

    None when it is open now, or when no future opening is known from the
    source (hours or days not stated). The result is in Europe/London time, so
    clock changes are applied.
    """
    if hours.kind is not HoursKind.WEEKLY or hours.days is None:
        return None
    if is_open(hours, when) is True:
        return None
    assert hours.opens is not None
    opens = _clock(hours.opens)
    local = _in_london(when)
    if local is None:
        return None
    for offset in range(_LOOKAHEAD_DAYS):
        try:
            day = local.date() + dt.timedelta(days=offset)
        except OverflowError:  # past the last day a datetime can hold: none is known
            return None
        candidate = dt.datetime.combine(day, opens, tzinfo=LONDON)
        if candidate < local:
            continue
        if _known_open_on(hours, day) is True:
            return candidate
    return None
