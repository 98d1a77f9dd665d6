"""The on-disk cache only saves time: it never changes an answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from threshold.core.engine import hours
from threshold.core.io import cache
from threshold.core.io import loading as data
from threshold.core.model.errors import DataError
from threshold.plugins import derby_city

DERBY_CITY_FILES = list(derby_city.data.files)  # the DDSCP pack, then its own files
DERBY_CITY_DATA = DERBY_CITY_FILES[-2]  # its own authority.toml


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("THRESHOLD_CACHE_DIR", str(tmp_path))
    hours._england_holidays.cache_clear()
    return tmp_path


def test_validation_is_skipped_only_for_the_same_files(
    fresh_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = data.check_references
    monkeypatch.setattr(data, "check_references", lambda merged: calls.append(1) or real(merged))
    first = data.load_authority(DERBY_CITY_FILES)
    second = data.load_authority(DERBY_CITY_FILES)
    assert first == second
    assert len(calls) == 1  # the second load found the marker
    assert len(list(fresh_cache.glob("valid-authority-*.json"))) == 1

    changed = tmp_path / "authority.toml"
    changed.write_text(
        DERBY_CITY_DATA.read_text("utf-8").replace('phone = "01332 641172"', 'phone = "x"')
    )
    with pytest.raises(DataError, match="phone"):
        data.load_authority([*DERBY_CITY_FILES[:-2], changed, DERBY_CITY_FILES[-1]])


def test_bank_holidays_from_cache_equal_the_package(fresh_cache: Path) -> None:
    import holidays

    computed = hours._england_holidays(2027)
    hours._england_holidays.cache_clear()
    cached = hours._england_holidays(2027)
    assert cached == computed
    package = holidays.country_holidays("GB", subdiv="ENG", years=2027)
    assert cached == {day: str(name) for day, name in package.items()}
    assert dt.date(2027, 12, 28) in cached


def test_cache_off_and_unwritable_directory_are_harmless(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("THRESHOLD_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    cache.write("x", 1)
    assert cache.read("x") is None
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("THRESHOLD_CACHE_DIR", str(blocked / "sub"))
    cache.write("x", 1)  # no error
    assert cache.read("x") is None
    hours._england_holidays.cache_clear()
    assert hours.bank_holiday(dt.date(2026, 12, 28)) == "Boxing Day (observed)"


def test_the_merged_data_is_read_from_the_cache_and_a_damaged_entry_is_ignored(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = []
    real = data.read_data_file
    monkeypatch.setattr(data, "read_data_file", lambda path: parsed.append(path) or real(path))
    first = data.load_authority(DERBY_CITY_FILES)
    assert len(parsed) == len(DERBY_CITY_FILES)
    assert data.load_authority(DERBY_CITY_FILES) == first
    assert len(parsed) == len(DERBY_CITY_FILES)  # the second load parsed no TOML
    (entry,) = fresh_cache.glob("valid-authority-*.json")
    entry.write_text(entry.read_text("utf-8").replace("01332 641172", "01332 000000"), "utf-8")
    again = data.load_authority(DERBY_CITY_FILES)
    assert again == first  # the changed entry was not used
    assert again.contact("initial-response-team").phone == "01332 641172"
    assert len(parsed) == 2 * len(DERBY_CITY_FILES)


def test_a_checked_entry_cut_short_or_changed_is_never_read(fresh_cache: Path) -> None:
    value = {"merged": {"phone": "01332 641172", "list": [1, 2.5, None]}, "where": {}}
    cache.write_checked("entry", value)
    assert cache.read_checked("entry") == value
    (entry,) = fresh_cache.glob("entry.json")
    text = entry.read_text("utf-8")
    for damaged in (text[:-1], text[:-2] + "}", text.replace("641172", "641173"), "", "{}"):
        entry.write_text(damaged, "utf-8")
        assert cache.read_checked("entry") is None
    cache.write("plain", value)  # an entry without a digest is not a checked one
    assert cache.read_checked("plain") is None
