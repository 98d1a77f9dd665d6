"""Opening hours in Europe/London, with England's bank holidays.

A contact is *known* to be open only when its source says so. Where the source
does not state the days, or what happens on a bank holiday, the answer is
``None`` ("the source does not say"), never a guess. Hours may have several
weekly windows (Monday to Thursday to 17:00, Friday to 16:30), and a duty
service is open whenever another contact is closed."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from functools import lru_cache

import attrs

from threshold.core.io import cache
from threshold.core.io.distributions import version
from threshold.core.model.authority import OpeningHours, Window
from threshold.core.model.clock import LONDON
from threshold.core.model.enums import BankHolidays, HoursKind
from threshold.core.model.identity import per_object

#: How far ahead :func:`next_open` looks. Bank holidays never close a weekday
#: line for more than four days in a row in England, so three weeks is ample.
_LOOKAHEAD_DAYS = 21


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> dict[dt.date, str]:
    """England's bank holidays in ``year``, from the ``holidays`` package.

    Importing ``holidays`` costs about 0.1 s (it loads every country), so the
    result is kept in the on-disk cache, keyed by the package's version.
    """

    name = f"bank-holidays-ENG-{year}-{cache.digest(version('holidays') or 'unknown')}"
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


#: Finds another contact's hours by id (for hours ``outside`` another contact's).
Lookup = Callable[[str], OpeningHours]


@lru_cache(maxsize=256)
def minutes(text: str) -> int:
    """ "HH:MM" as minutes after midnight ("24:00" is 1440, the end of the day)."""
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def _day_known(hours: OpeningHours, window: Window, day: dt.date) -> bool | None:
    """Whether ``window`` applies on ``day`` (None: the source does not say)."""
    if window.days is None:
        return None
    if day.weekday() not in window.days:
        return False
    if bank_holiday(day) is not None:
        if hours.bank_holidays is BankHolidays.CLOSED:
            return False
        if hours.bank_holidays is BankHolidays.UNSTATED:
            return None
    return True


@attrs.frozen
class _Table:
    """Weekly hours as minutes: each weekday's (opens, closes) spans in order of
    opening, and the spans whose days the source does not state."""

    days: tuple[tuple[tuple[int, int], ...], ...]
    unknown: tuple[tuple[int, int], ...]


@per_object
def _table(hours: OpeningHours) -> _Table:
    """The minutes table of ``hours`` (made once per contact's hours, not on every
    question of the time)."""
    spans = [(w, (minutes(w.opens), minutes(w.closes))) for w in hours.windows]
    table = _Table(
        tuple(
            tuple(sorted(span for w, span in spans if w.days is not None and day in w.days))
            for day in range(7)
        ),
        tuple(span for w, span in spans if w.days is None),
    )
    return table


def _on_day(hours: OpeningHours, day: dt.date) -> bool | None:
    """Whether windows stated for ``day``'s weekday apply on ``day``: not on a bank
    holiday the hours close on, unknown on one the source does not mention."""
    if bank_holiday(day) is None or hours.bank_holidays is BankHolidays.OPEN:
        return True
    return False if hours.bank_holidays is BankHolidays.CLOSED else None


#: The last time converted and its London time: every contact of one call asks
#: about the same moment (one immutable pair, so threads never see half of it).
_LAST_LOCAL: tuple[dt.datetime | None, dt.datetime | None] = (None, None)


def _in_london(when: dt.datetime) -> dt.datetime | None:
    """``when`` in Europe/London, or None when that is past what a datetime can
    hold (year 9999 with a negative offset): the hours are then not known."""
    global _LAST_LOCAL
    last, local = _LAST_LOCAL
    if when is last:
        return local
    try:
        local = when.astimezone(LONDON)
    except (OverflowError, ValueError):
        local = None
    _LAST_LOCAL = (when, local)
    return local


def is_open(hours: OpeningHours, when: dt.datetime, lookup: Lookup | None = None) -> bool | None:
    """Return whether the contact is open at ``when`` (an aware datetime).

    True or False where the source settles it; None where it does not (no hours
    stated, days not stated, a bank holiday the source does not mention, or hours
    outside those of a contact ``lookup`` cannot find).
    """
    if hours.kind is HoursKind.ALWAYS:
        return True
    if hours.kind is HoursKind.UNSTATED:
        return None
    if hours.kind is HoursKind.OUTSIDE:
        if lookup is None or hours.of is None:
            return None
        other = is_open(lookup(hours.of), when, lookup)
        return None if other is None else not other
    local = _in_london(when)
    if local is None:
        return None
    now = local.hour * 60 + local.minute
    table = _table(hours)
    found: bool | None = False
    if any(opens <= now < closes for opens, closes in table.unknown):
        found = None
    spans = table.days[local.weekday()]
    if any(opens <= now < closes for opens, closes in spans):
        on_day = _on_day(hours, local.date())
        if on_day is True:
            return True
        if on_day is None:
            found = None
    return found


def next_open(
    hours: OpeningHours, when: dt.datetime, lookup: Lookup | None = None
) -> dt.datetime | None:
    """Return the next time at or after ``when`` that the contact is known to open.

    None when it is open now, or when no future opening is known from the source
    (hours or days not stated). The result is in Europe/London time, so clock
    changes are applied. A duty service outside another contact's hours next
    opens when that contact next closes.
    """
    if is_open(hours, when, lookup) is True:
        return None
    if hours.kind is HoursKind.OUTSIDE:
        if lookup is None or hours.of is None:
            return None
        return next_close(lookup(hours.of), when, lookup)
    if hours.kind is not HoursKind.WEEKLY:
        return None
    local = _in_london(when)
    if local is None:
        return None
    for offset in range(_LOOKAHEAD_DAYS):
        try:
            day = local.date() + dt.timedelta(days=offset)
        except OverflowError:  # past the last day a datetime can hold: none is known
            return None
        on_day = _on_day(hours, day)
        starts = [opens for opens, _ in _table(hours).days[day.weekday()]] if on_day else []
        for start in starts:
            candidate = dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=LONDON)
            if candidate >= local:
                return candidate
    return None


def next_close(
    hours: OpeningHours, when: dt.datetime, lookup: Lookup | None = None
) -> dt.datetime | None:
    """When a contact open now closes (the end of its current window), in
    Europe/London time; None when it is not known to be open now."""
    if hours.kind is not HoursKind.WEEKLY or is_open(hours, when, lookup) is not True:
        return None
    local = _in_london(when)
    if local is None:
        return None
    now = local.hour * 60 + local.minute
    end = max(
        minutes(w.closes)
        for w in hours.windows
        if minutes(w.opens) <= now < minutes(w.closes)
        and _day_known(hours, w, local.date()) is True
    )
    try:
        day = local.date() + dt.timedelta(days=end // 1440)
    except OverflowError:
        return None
    end %= 1440
    return dt.datetime.combine(day, dt.time(end // 60, end % 60), tzinfo=LONDON)


#: The minutes of the day at which whether a contact is open, or when it next
#: opens, can change (its windows' ends, and those of the contact whose closed
#: times it covers), by (hours, lookup), each with the objects it was made for.
_BOUNDS: dict[tuple[int, int], tuple[OpeningHours, Lookup | None, tuple[int, ...]]] = {}
#: The state of a contact in one stretch of one day between two of its bounds, by
#: (hours, lookup, day, stretch), with the objects it was made for.
_STATES: dict[
    tuple[int, int, dt.date, int],
    tuple[OpeningHours, Lookup | None, bool | None, str | None],
] = {}
#: At most this many states are kept (a year of days for every contact many times over).
_STATES_MAX = 20_000


def _bounds(hours: OpeningHours, lookup: Lookup | None, seen: tuple[str, ...] = ()) -> set[int]:
    """The minutes at which a window of ``hours`` (or of the contact it is outside of)
    opens or closes."""
    found = {minutes(t) for w in hours.windows for t in (w.opens, w.closes)}
    outside = hours.kind is HoursKind.OUTSIDE and hours.of is not None and hours.of not in seen
    if outside and lookup is not None and hours.of is not None:
        found |= _bounds(lookup(hours.of), lookup, (*seen, hours.of))
    return found


def bounds_of(hours: OpeningHours, lookup: Lookup | None) -> tuple[int, ...]:
    """The minutes of the day at which whether a contact is open, or when it next
    opens, can change (see :func:`open_state`), in order."""
    held = _BOUNDS.get((id(hours), id(lookup)))
    if held is None or held[0] is not hours or held[1] is not lookup:
        held = (hours, lookup, tuple(sorted(_bounds(hours, lookup))))
        _BOUNDS[(id(hours), id(lookup))] = held
    return held[2]


def day_and_minute(when: dt.datetime) -> tuple[dt.date, int] | None:
    """``when``'s day and minute of the day in Europe/London, or None when that is
    past what a datetime can hold."""
    local = _in_london(when)
    return None if local is None else (local.date(), local.hour * 60 + local.minute)


def open_state(
    hours: OpeningHours, when: dt.datetime, lookup: Lookup | None = None
) -> tuple[bool | None, str | None]:
    """:func:`is_open` at ``when``, and :func:`next_open` as ISO 8601 text (None when
    open or unknown). Between two of the minutes at which a window of the contact
    (or of the contact whose closed times it covers) opens or closes, neither can
    change on one day, so each such stretch of a day is worked out once and shared."""
    local = _in_london(when)
    if local is None or hours.kind is HoursKind.ALWAYS or hours.kind is HoursKind.UNSTATED:
        opened = is_open(hours, when, lookup)
        opening = None if opened is True else next_open(hours, when, lookup)
        return opened, opening.isoformat() if opening else None
    stretch = bisect.bisect_right(bounds_of(hours, lookup), local.hour * 60 + local.minute)
    key = (id(hours), id(lookup), local.date(), stretch)
    state = _STATES.get(key)
    if state is not None and state[0] is hours and state[1] is lookup:
        return state[2], state[3]
    opened = is_open(hours, when, lookup)
    opening = None if opened is True else next_open(hours, when, lookup)
    text = opening.isoformat() if opening else None
    if len(_STATES) >= _STATES_MAX:
        _STATES.clear()
    _STATES[key] = (hours, lookup, opened, text)
    return opened, text
