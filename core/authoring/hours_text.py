"""Opening hours in words against the same hours as weekly windows.

A contact's hours are data twice: ``text`` (what a person reads) and
``windows`` (what the engine uses to say *open now*). When they disagree one of
them is wrong, and the tool would say a line is open when its source says it has
closed. This module reads the times and days a text names ("Monday to Thursday
8:30am to 5pm, Friday 8:30am to 4:30pm") and says where they and the windows
differ: a time or day the text names that no window has, a window time or day
the text does not name, and, where one part of the text gives both days and
times, a day whose window has other times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from threshold.core.model.authority import OpeningHours, Window
from threshold.core.model.clock import DAY_NAMES

_DAY_WORDS = {
    **{name.lower(): index for index, name in enumerate(DAY_NAMES)},
    **{name[:3].lower(): index for index, name in enumerate(DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_DAY = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_DAY_RANGE = re.compile(
    rf"\b({_DAY})s?\b(?:\s*(?:to|until|till|through|-|\u2013|\u2014)\s*\b({_DAY})s?\b)?",
    re.IGNORECASE,
)
_GROUPS = {"weekdays": range(5), "weekday": range(5), "weekends": (5, 6), "weekend": (5, 6)}
_GROUP = re.compile(r"\b(" + "|".join(_GROUPS) + r")\b", re.IGNORECASE)
_EVERY_DAY = re.compile(r"\b(every day|daily|seven days a week|7 days a week)\b", re.IGNORECASE)
_TWELVE_HOUR = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)", re.IGNORECASE)
_TWENTY_FOUR = re.compile(r"\b(\d{1,2}):(\d{2})\b(?!\s*(?:am|pm|a\.m\.|p\.m\.))", re.IGNORECASE)
_NAMED = {"noon": 720, "midday": 720, "midnight": 0}
_NAMED_TIME = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)


def _minutes(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def clock(minutes: int) -> str:
    """Minutes after midnight as "HH:MM"."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def times_named(text: str) -> list[int]:
    """The times ``text`` names, as minutes after midnight, in order of appearance
    ("8:30am" 510, "5pm" 1020, "17:00" 1020, "noon" 720, "midnight" 0)."""
    found: list[tuple[int, int]] = []
    for match in _TWELVE_HOUR.finditer(text):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            continue
        hour = hour % 12 + (12 if match[3].lower().startswith("p") else 0)
        found.append((match.start(), hour * 60 + minute))
    for match in _TWENTY_FOUR.finditer(text):
        hour, minute = int(match[1]), int(match[2])
        if hour <= 24 and minute <= 59:
            found.append((match.start(), hour * 60 + minute))
    for match in _NAMED_TIME.finditer(text):
        found.append((match.start(), _NAMED[match[1].lower()]))
    return [minutes for _, minutes in sorted(found)]


def days_named(text: str) -> set[int]:
    """The days ``text`` names (0 = Monday), ranges ("Monday to Thursday") and
    "weekdays", "weekends", "every day" included."""
    days: set[int] = set()
    for match in _DAY_RANGE.finditer(text):
        first = _DAY_WORDS[match[1].lower()]
        if match[2] is None:
            days.add(first)
            continue
        last = _DAY_WORDS[match[2].lower()]
        day = first
        while True:
            days.add(day)
            if day == last:
                break
            day = (day + 1) % 7
    for match in _GROUP.finditer(text):
        days.update(_GROUPS[match[1].lower()])
    if _EVERY_DAY.search(text):
        days.update(range(7))
    return days


@attrs.frozen
class Mismatch:
    """Where the hours in words and the windows disagree.

    Attributes:
        field: ``text`` or ``windows[i]``, the field to look at.
        message: What differs.
    """

    field: str
    message: str


def _days_text(days: Iterable[int]) -> str:
    return ", ".join(DAY_NAMES[d] for d in sorted(days))


def compare_hours(hours: OpeningHours) -> list[Mismatch]:
    """Where weekly hours' ``text`` and ``windows`` disagree (none for other kinds)."""
    if not hours.windows:
        return []
    text = hours.text
    named = times_named(text)
    window_times = {_minutes(w.opens) for w in hours.windows}
    window_times |= {_minutes(w.closes) % 1440 for w in hours.windows}
    found: list[Mismatch] = []
    for minutes in dict.fromkeys(named):
        if minutes % 1440 not in window_times:
            found.append(
                Mismatch(
                    "text",
                    f"names {clock(minutes)}, at which no window opens or closes "
                    f"(the windows: {windows_text(hours.windows)})",
                )
            )
    for index, window in enumerate(hours.windows):
        for edge in ("opens", "closes"):
            minutes = _minutes(getattr(window, edge)) % 1440
            if minutes == 0:  # the start or end of a day need not be said
                continue
            if minutes not in {m % 1440 for m in named}:
                found.append(
                    Mismatch(
                        f"windows[{index}].{edge}",
                        f"{getattr(window, edge)} is not named in the hours text ({text!r})",
                    )
                )
    text_days = days_named(text)
    window_days = {d for w in hours.windows if w.days is not None for d in w.days}
    if text_days:
        if extra := text_days - window_days:
            found.append(
                Mismatch(
                    "text",
                    f"names {_days_text(extra)}, which no window covers "
                    f"(the windows: {windows_text(hours.windows)})",
                )
            )
        for index, window in enumerate(hours.windows):
            if window.days is not None and (missing := set(window.days) - text_days):
                found.append(
                    Mismatch(
                        f"windows[{index}].days",
                        f"{_days_text(missing)} is not named in the hours text ({text!r})",
                    )
                )
    found += _parts_against_windows(hours)
    return found


def _parts_against_windows(hours: OpeningHours) -> list[Mismatch]:
    """Each part of the text (between commas or semicolons) that names days and two
    times must agree with the window of each of those days."""
    found = []
    for part in re.split(r"[;,]|\band\b", hours.text):
        days, times = days_named(part), times_named(part)
        if not days or len(times) != 2:
            continue
        opens, closes = times
        wrong: dict[int, list[Window]] = {}
        for day in sorted(days):
            windows = [w for w in hours.windows if w.days is not None and day in w.days]
            if windows and not any(
                _minutes(w.opens) == opens and _minutes(w.closes) % 1440 == closes % 1440
                for w in windows
            ):
                wrong[day] = windows
        if wrong:
            shown = dict.fromkeys(f"{w.opens} to {w.closes}" for ws in wrong.values() for w in ws)
            found.append(
                Mismatch(
                    "text",
                    f"says {_days_text(wrong)} {clock(opens)} to {clock(closes)} "
                    f"({part.strip()!r}), but the window for those days is " + " and ".join(shown),
                )
            )
    return found


def windows_text(windows: Iterable[Window]) -> str:
    """Windows in words: "Monday, Tuesday 08:30-17:00; Friday 08:30-16:30"."""
    return "; ".join(
        f"{_days_text(w.days) if w.days is not None else 'days not stated'} {w.opens}-{w.closes}"
        for w in windows
    )
