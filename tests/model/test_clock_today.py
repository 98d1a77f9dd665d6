"""london_today: the date in Europe/London, worked out once a day, right at midnight
either side of the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest

from threshold.core.model import clock
from threshold.core.model.clock import LONDON, london_today


def test_today_is_the_date_in_london_now() -> None:
    before = dt.datetime.now(LONDON).date()
    got = london_today()
    assert got in (before, dt.datetime.now(LONDON).date())


@pytest.mark.parametrize("day", ["2026-03-28", "2026-03-29", "2026-10-25", "2026-12-31"])
def test_today_changes_at_midnight_in_london(day: str, monkeypatch: pytest.MonkeyPatch) -> None:
    midnight = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), LONDON).timestamp()
    for offset, want in ((-1.0, -1), (-0.001, -1), (0.0, 0), (1.0, 0), (-1.0, -1), (3600.0, 0)):
        monkeypatch.setattr(clock.time, "time", lambda offset=offset: midnight + offset)
        expected = dt.date.fromisoformat(day) + dt.timedelta(days=want)
        assert london_today() == expected, (day, offset)
