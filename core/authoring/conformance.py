"""The conformance kit: everything an authority plugin must get right.

Used by ``threshold check AUTHORITY``, ``threshold check --path DIR`` and, for
a plugin's own test suite, :func:`threshold.testing.assert_conformance`.
Each finding names where (file and field, or authority) and what is expected.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from threshold.core.analysis.checks import check_rules, check_tables
from threshold.core.authoring.drama_numbers import is_drama_number
from threshold.core.authoring.forms_check import check_forms
from threshold.core.authoring.hours_text import compare_hours
from threshold.core.authoring.scaffold import PLACEHOLDER
from threshold.core.authoring.scenario_files import (
    check_scenario,
    find_scenario_files,
    load_scenarios,
)
from threshold.core.engine.hours import minutes
from threshold.core.model.authority import Authority, Contact
from threshold.core.model.clock import LONDON
from threshold.core.model.enums import HoursKind
from threshold.core.model.errors import AuthorityError, DataError
from threshold.core.plugins.registry import Registry


@attrs.frozen
class Finding:
    """One problem: ``error`` fails the check, ``warning`` does not (unless strict)."""

    severity: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"


def _error(where: str, message: str) -> Finding:
    return Finding("error", where, message)


# ----------------------------------------------------------------------------- placeholders


def _walk_strings(value: Any, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from _walk_strings(sub, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _walk_strings(sub, f"{path}[{index}]")


def find_placeholders(files: Iterable[Path]) -> list[Finding]:
    """Every ``TODO`` placeholder left in the given TOML files, by file and field."""
    found = []
    for path in files:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            found.append(_error(str(path), f"cannot read: {exc}"))
            continue
        for field, text in _walk_strings(data, ""):
            if PLACEHOLDER in text:
                found.append(_error(f"{path}: {field}", f"placeholder not filled in ({text})"))
    return found


# ----------------------------------------------------------------------------- data checks


def check_numbers(authority: Authority) -> list[Finding]:
    """Every phone number is a valid UK number (999 a UK emergency number). A
    fictional authority's numbers are all in Ofcom's drama ranges; a drama number
    among real ones is an error."""
    import phonenumbers  # lazy: ~30 ms, only when a check reads phone numbers

    found = []
    phones = [c.phone for c in authority.contacts if c.phone and c.purpose.value != "emergency"]
    fictional = bool(phones) and all(is_drama_number(phone) for phone in phones)
    for contact in authority.contacts:
        if contact.phone is None:
            continue
        where = f"{authority.id}: contacts.{contact.id}.phone"
        if contact.purpose.value == "emergency":
            if not phonenumbers.is_emergency_number(contact.phone, "GB"):
                found.append(_error(where, f"{contact.phone} is not a UK emergency number"))
            continue
        try:
            number = phonenumbers.parse(contact.phone, "GB")
        except phonenumbers.NumberParseException:
            found.append(_error(where, f"{contact.phone!r} does not parse as a UK phone number"))
            continue
        if is_drama_number(contact.phone):
            if not fictional:
                found.append(
                    _error(
                        where,
                        f"{contact.phone} is in a range Ofcom reserves for drama, among real "
                        "numbers; expected the number the source prints",
                    )
                )
            continue
        if not phonenumbers.is_valid_number(number):
            found.append(_error(where, f"{contact.phone} is not a valid UK phone number"))
    return found


def contact_where(authority: Authority, contact: Contact) -> str:
    """Where a contact is written, for a message: its file and field, or the
    authority and the contact's id."""
    return contact.origin or f"{authority.id}: contacts.{contact.id}"


def check_hours(authority: Authority) -> list[Finding]:
    """Hours make sense and say the same in words as in their windows, or say the
    source does not state them."""
    found = []
    for contact in authority.contacts:
        hours = contact.hours
        where = f"{contact_where(authority, contact)}.hours"
        if hours.kind is HoursKind.WEEKLY:
            if not hours.windows:
                found.append(_error(where, "weekly hours need at least one window"))
            for index, window in enumerate(hours.windows):
                if minutes(window.opens) >= minutes(window.closes):
                    found.append(
                        _error(
                            f"{where}.windows[{index}]",
                            f"opens {window.opens} is not before closes {window.closes}",
                        )
                    )
        if hours.kind is HoursKind.OUTSIDE and hours.of == contact.id:
            found.append(_error(f"{where}.of", "a contact cannot be open outside its own hours"))
        if not hours.text.strip():
            found.append(_error(where, "expected the hours in words (text)"))
        for mismatch in compare_hours(hours):
            found.append(
                _error(
                    f"{where}.{mismatch.field}",
                    f"the hours in words and the windows disagree ({contact.id}): "
                    f"{mismatch.message}",
                )
            )
    return found


def check_review_dates(authority: Authority, today: dt.date, strict: bool) -> list[Finding]:
    """Review dates present, in order, and not past (a warning; an error when strict)."""
    where = f"{authority.id}: review_due"
    reviewed = dt.date.fromisoformat(authority.reviewed)
    due = dt.date.fromisoformat(authority.review_due)
    found = []
    if reviewed > today:
        found.append(_error(f"{authority.id}: reviewed", f"{reviewed} is in the future"))
    if due <= reviewed:
        found.append(_error(where, f"{due} is not after reviewed {reviewed}"))
    if due < today:
        found.append(
            Finding(
                "error" if strict else "warning",
                where,
                f"the data was due for review on {due}; check every number and hour against the "
                "sources and update reviewed and review_due",
            )
        )
    return found


def check_scenario_files(files: Iterable[Path], registry: Registry) -> list[Finding]:
    """The plugin's own scenario files pass."""
    found = []
    for path in files:
        try:
            scenarios = load_scenarios(path, registry)
        except DataError as exc:
            found.append(_error(str(path), str(exc)))
            continue
        for scenario in scenarios:
            problems, _ = check_scenario(scenario, registry)
            for problem in problems:
                found.append(_error(f"scenario {scenario.label}", problem))
    return found


def check_authority(
    registry: Registry,
    authority_id: str,
    *,
    strict: bool = False,
    scenario_files: Iterable[Path] = (),
    today: dt.date | None = None,
) -> list[Finding]:
    """Run every check on one authority loaded in ``registry``."""

    try:
        registered = registry.get(authority_id)
    except AuthorityError as exc:
        return [_error(authority_id, str(exc))]
    authority = registered.authority
    today = today or dt.datetime.now(LONDON).date()
    findings = [
        *check_numbers(authority),
        *check_hours(authority),
        *check_review_dates(authority, today, strict),
    ]
    findings += _check_rules(registry, authority_id, strict)
    findings += [
        Finding(f.severity, f.where, f.message) for f in check_forms(registry, authority_id)
    ]
    findings += check_scenario_files(scenario_files, registry)
    return findings


def _check_rules(registry: Registry, authority_id: str, strict: bool = False) -> list[Finding]:
    """The rule completeness and safety checks over the scenario matrix, and the
    proofs over the decision table and parts."""
    found = [_error(f"{authority_id}: rules", str(v)) for v in check_rules(registry, authority_id)]
    authority = registry.get(authority_id).authority
    found += [
        Finding(f.severity, f.where, f"rule {f.rule}: {f.message}")
        for f in check_tables(authority, strict=strict)
    ]
    return found


def installed_scenario_files(registry: Registry, authority_id: str) -> list[Path]:
    """Scenario files shipped inside the package of the plugin that registered the authority."""

    try:
        plugin = registry.pm.get_plugin(registry.get(authority_id).plugin.name)
    except AuthorityError:
        return []
    origin = getattr(plugin, "__file__", None)
    return find_scenario_files(Path(origin).parent) if origin else []


# ----------------------------------------------------------------------------- source trees


def _entry_points(directory: Path) -> dict[str, str]:
    pyproject = directory / "pyproject.toml"
    data = tomllib.loads(pyproject.read_text("utf-8"))
    points: dict[str, str] = data.get("project", {}).get("entry-points", {}).get("threshold", {})
    return points


def _import_from_tree(
    directory: Path, points: dict[str, str], findings: list[Finding]
) -> list[tuple[str, object]]:
    """Import the tree's plugin modules without leaving a trace: sys.path and
    sys.modules are restored afterwards (a build leaves an egg-info in the tree,
    which would otherwise make the plugin look installed to the whole process)."""
    roots = [str(r) for r in (directory / "src", directory) if r.is_dir()]
    tops = {m.split(".")[0] for m in points.values()}
    saved_path = list(sys.path)
    # The same packages already imported (an installed copy) are set aside and put
    # back, so the tree's modules never stand in for them afterwards.
    saved = {n: m for n, m in sys.modules.items() if n.split(".")[0] in tops}
    for module_name in saved:
        del sys.modules[module_name]
    sys.path[:0] = roots
    plugins: list[tuple[str, object]] = []
    try:
        for name, module_name in points.items():
            try:
                plugins.append((name, importlib.import_module(module_name)))
            except Exception as exc:
                findings.append(
                    _error(f"entry point {name}", f"failed to import {module_name}: {exc}")
                )
    finally:
        sys.path[:] = saved_path
        for module_name in [n for n in sys.modules if n.split(".")[0] in tops]:
            del sys.modules[module_name]
        sys.modules.update(saved)
    return plugins


def check_path(
    directory: Path, *, strict: bool = False, today: dt.date | None = None
) -> list[Finding]:
    """Check a plugin source tree (with a pyproject.toml) without installing it.

    Placeholders are reported first, each by file and field; while any are
    left, the other checks are not run (they would fail on the placeholders).
    """
    directory = directory.resolve()
    if not (directory / "pyproject.toml").is_file():
        return [_error(str(directory), "expected a plugin source tree with a pyproject.toml")]
    tomls = sorted(p for p in directory.rglob("*.toml") if p.name != "pyproject.toml")
    placeholders = find_placeholders(tomls)
    if placeholders:
        return placeholders
    try:
        points = _entry_points(directory)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return [_error(str(directory / "pyproject.toml"), f"cannot read: {exc}")]
    if not points:
        return [
            _error(
                str(directory / "pyproject.toml"),
                "expected an entry point in [project.entry-points.threshold]",
            )
        ]
    findings: list[Finding] = []
    plugins = _import_from_tree(directory, points, findings)
    registry = Registry.load(plugins, use_entry_points=False)
    for plugin, problem in registry.problems():
        findings.append(_error(plugin, problem))
    scenario_files = find_scenario_files(directory)
    for authority_id in registry.authority_ids():
        findings += check_authority(
            registry, authority_id, strict=strict, scenario_files=scenario_files, today=today
        )
    if not registry.authority_ids() and not findings:
        findings.append(_error(str(directory), "the plugin registered no authority"))
    return findings
