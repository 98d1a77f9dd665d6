"""`threshold check` catches each wrong output of issue 13 built into a test pack,
naming the data file and the field (issue 13, "Proof" item 3): Friday's hours in
words that the windows do not keep, an urgent route listing an early-help form
or a written follow-up that names no contact, and a form citing another pack's
document. Each pack is Exampleshire's data, copied, with one defect; Exampleshire
itself passes ``threshold check --strict``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLESHIRE, Result
from threshold.core.plugins.registry import Registry

Run = Callable[..., Result]
AUTHORITY = "threshold_exampleshire/authority.toml"
REFERRAL_FORM = "threshold_exampleshire/forms/safeguarding-referral.toml"

#: First Response's hours as Exampleshire's source gives them: Friday closes at 16:30.
HOURS = (
    'text = "Monday to Thursday 8:30am to 5pm, Friday 8:30am to 4:30pm, closed on bank '
    'holidays", windows = [{ days = ["Monday", "Tuesday", "Wednesday", "Thursday"], '
    'opens = "08:30", closes = "17:00" }, { days = ["Friday"], opens = "08:30", '
    'closes = "16:30" }]'
)
EVERY_DAY = '["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]'


def _pack(tmp_path: Path, file: str = "", old: str = "", new: str = "") -> Path:
    """A copy of Exampleshire's plugin source tree, with ``old`` replaced by ``new``
    (once) in ``file``."""
    tree = tmp_path / "pack"
    shutil.copytree(EXAMPLESHIRE, tree, ignore=shutil.ignore_patterns("__pycache__"))
    if file:
        path = tree / file
        text = path.read_text("utf-8")
        assert old in text, old  # the defect is built from the real data
        path.write_text(text.replace(old, new, 1), "utf-8")
    return tree


def _errors(run_cli: Run, tree: Path) -> list[str]:
    result = run_cli("check", "--path", str(tree))
    assert result.code == 1, result.out + result.err
    return [line for line in result.out.splitlines() if line.startswith("error: ")]


def test_exampleshire_passes_the_strict_check_as_a_source_tree(
    run_cli: Run, tmp_path: Path
) -> None:
    result = run_cli("check", "--path", str(_pack(tmp_path)), "--strict")
    assert result.code == 0, result.out + result.err
    assert result.out.strip().endswith("0 errors, 0 warnings")


def test_exampleshire_passes_the_strict_check_installed(
    exampleshire_registry: Registry, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threshold.core.plugins import registry as registry_module

    monkeypatch.setattr(registry_module, "default_registry", lambda: exampleshire_registry)
    result = run_cli("check", "exampleshire", "--strict")
    assert result.code == 0, result.out + result.err
    assert "exampleshire" in result.out


def test_friday_hours_in_words_that_one_window_for_every_weekday_does_not_keep(
    run_cli: Run, tmp_path: Path
) -> None:
    one_window = HOURS.split(", windows")[0] + (
        ', windows = [{ days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], '
        'opens = "08:30", closes = "17:00" }]'
    )
    errors = _errors(run_cli, _pack(tmp_path, AUTHORITY, HOURS, one_window))
    field = f"error: {AUTHORITY}: contacts[1].hours.text: "
    assert any(
        line.startswith(field) and "says Friday 08:30 to 16:30" in line and "17:00" in line
        for line in errors
    ), errors
    # and the scenario that rings at Friday 16:30 sees the line open: the wrong answer
    assert any("Friday 16:30" in line for line in errors), errors


def test_fri_written_short_against_a_window_for_every_day(run_cli: Run, tmp_path: Path) -> None:
    short = (
        'text = "Mon-Thu 8:30-17:00, Fri 8:30-16:30, closed on bank holidays", '
        f'windows = [{{ days = {EVERY_DAY}, opens = "08:30", closes = "17:00" }}]'
    )
    errors = _errors(run_cli, _pack(tmp_path, AUTHORITY, HOURS, short))
    assert (
        f"error: {AUTHORITY}: contacts[1].hours.text: the hours in words and the windows "
        "disagree (first-response): says Friday 08:30 to 16:30 ('Fri 8:30-16:30'), but the "
        "window for those days is 08:30 to 17:00"
    ) in errors
    assert any(
        line.startswith(f"error: {AUTHORITY}: contacts[1].hours.windows[0].days: ")
        and "Saturday, Sunday is not named" in line
        for line in errors
    ), errors


def test_an_urgent_route_listing_the_early_help_form(run_cli: Run, tmp_path: Path) -> None:
    listed = 'summary = "child-protection"\nsteps = ["ring-first-response"]\n'
    old = listed + 'contacts = ["child-protection"]'
    new = listed + 'contacts = ["child-protection", "online-referral"]'
    errors = _errors(run_cli, _pack(tmp_path, AUTHORITY, old, new))
    assert errors == [
        f"error: {AUTHORITY}: routes.child-protection.parts[0].contacts[1]: rule "
        "urgent-route-contacts: the child-protection route 'child-protection' lists "
        "Exampleshire early help request (online form) (contact 'early-help-request', "
        "purposes: online-referral) for online-referral; an urgent route lists only contacts "
        "for: emergency, child-protection, public, out-of-hours-advice, follow-up"
    ]


def test_a_written_follow_up_that_names_no_contact(run_cli: Run, tmp_path: Path) -> None:
    old = 'steps = ["email-form-24-hours"]\ncontacts = ["follow-up"]\n'
    errors = _errors(run_cli, _pack(tmp_path, AUTHORITY, old, 'steps = ["email-form-24-hours"]\n'))
    where = f"error: {AUTHORITY}: fragments.protection[0]: rule follow-up-contact: "
    routes = {line.split("route ")[1].split(" ")[0] for line in errors if line.startswith(where)}
    assert routes == {"'emergency'", "'child-protection'"}, errors
    assert all("lists no contact with the purpose follow-up" in line for line in errors)


def test_a_form_citing_another_packs_document(run_cli: Run, tmp_path: Path) -> None:
    old = 'cite = [{ seed = "exampleshire-threshold-2026.txt", section = "10. Our forms" }]'
    new = 'cite = [{ seed = "002_1e42af3873256e9b.txt", section = "5. Next steps" }]'
    errors = _errors(run_cli, _pack(tmp_path, REFERRAL_FORM, old, new))
    assert errors and all(REFERRAL_FORM in line for line in errors), errors
    assert any(
        "sections[1].cite[0].seed: unknown seed '002_1e42af3873256e9b.txt'; expected one of: "
        "exampleshire-threshold-2026.txt" in line
        for line in errors
    ), errors


def test_a_drama_number_among_real_ones_is_refused(registry: Registry) -> None:
    import attrs

    from threshold.core.authoring.conformance import check_numbers
    from threshold.core.authoring.drama_numbers import is_drama_number

    assert is_drama_number("0115 496 0100") and is_drama_number("+44 20 7946 0999")
    assert not is_drama_number("0115 497 0100") and not is_drama_number("01629 533190")
    shire = registry.get("derbyshire").authority
    assert check_numbers(shire) == []
    first = next(c for c in shire.contacts if c.phone and c.phone != "999")
    contacts = tuple(
        attrs.evolve(c, phone="0115 496 0100") if c is first else c for c in shire.contacts
    )
    found = check_numbers(attrs.evolve(shire, contacts=contacts))
    assert [f.where for f in found] == [f"derbyshire: contacts.{first.id}.phone"]
    assert "a range Ofcom reserves for drama" in found[0].message


def test_checking_a_tree_leaves_the_installed_plugin_in_place(
    exampleshire_registry: Registry, run_cli: Run, tmp_path: Path
) -> None:
    """A tree checked in the same process never stands in for the installed copy of
    the same package afterwards (it did: every later Exampleshire test then read
    this tree's broken forms)."""
    import sys

    installed = sys.modules["threshold_exampleshire"]
    _errors(
        run_cli,
        _pack(
            tmp_path, REFERRAL_FORM, 'seed = "exampleshire-threshold-2026.txt"', 'seed = "x.txt"'
        ),
    )
    assert sys.modules["threshold_exampleshire"] is installed
