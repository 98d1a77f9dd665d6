"""Comparing versions of an authority's data: "what changes if we adopt this?".

A side of a comparison is an authority id (the version in force today), or
``ID@NAME`` (one of its installed versions), or ``ID@FOLDER`` (a draft version in
a folder: its ``version.toml`` and the files that change, laid over the
authority's own files as a folder of ``versions/`` would be). When every side is
one authority, each scenario's outcome also holds its first contact, the hours of
every contact advised, its steps and its consent duties, so a row differs when
any of them changes, and the row says what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from threshold.core.analysis.checks import check_rules, check_tables
from threshold.core.io.loading import load_authority
from threshold.core.io.versions import overlay
from threshold.core.model.authority import Authority
from threshold.core.model.errors import AuthorityError, DataError, UnknownAuthorityError
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry
from threshold.core.plugins.versions import named

#: What an outcome holds beside its route, in version comparisons: (what, value).
Detail = tuple[tuple[str, str], ...]


@attrs.frozen
class Side:
    """One side of a comparison.

    Attributes:
        label: How it is named: the id, or ``id@version``.
        authority: The version of the authority's data compared.
        pinned: True when a version was asked for (routed with exactly it).
    """

    label: str
    authority: Authority
    pinned: bool


def resolve(registry: Registry, selector: str) -> Side:
    """The side named ``selector``: ``ID``, ``ID@NAME`` or ``ID@FOLDER``.

    Raises:
        AuthorityError: the authority is unknown or broken, it has no version of
            that name, or the draft folder's data is not valid.
    """
    authority_id, at, name = selector.partition("@")
    registered = registry.get(authority_id)
    if not at:
        return Side(authority_id, registered.authority, False)
    if "/" in name or name.startswith("."):
        return Side(f"{authority_id}@{name}", draft(registered.all_versions()[0], Path(name)), True)
    return Side(selector, named(registered.all_versions(), authority_id, name), True)


def draft(base: Authority, folder: Path) -> Authority:
    """The draft version in ``folder``, laid over the files ``base`` was loaded from.

    Raises:
        UnknownAuthorityError: the folder is missing, or its data is not valid (the
            message names the file and field): bad input, exit status 2.
    """
    if base.version is None or not base.version.files:
        raise AuthorityError(
            base.id, f"{base.id} was not loaded from files; no draft can be laid over it"
        )
    if not folder.is_dir():
        raise UnknownAuthorityError(
            base.id, f"no such folder: {folder}; expected a draft version folder"
        )
    try:
        found = overlay([Path(f) for f in base.version.files], folder)
        return load_authority(found.files, version_file=found.version_file)
    except DataError as exc:
        raise UnknownAuthorityError(base.id, f"the draft version is not valid: {exc}") from None


def label_name(side: Side) -> str:
    """The side's name as columns show it: the authority's, with its version when
    one was asked for."""
    version = side.authority.version
    if side.pinned and version is not None:
        return f"{side.authority.name} ({version.name})"
    return side.authority.name


def detail_of(guidance: Guidance) -> Detail:
    """What a version comparison compares beside the route: the first contact, the
    hours of every contact advised, the steps (in order, with their words) and the
    consent duties."""
    pairs = [("first contact", guidance.contacts[0].name if guidance.contacts else "none")]
    for contact in (*guidance.urgent_contacts, *guidance.contacts):
        pairs.append((f"hours of {contact.name}", contact.hours))
    pairs.append(("steps in order", ", ".join(s.id for s in guidance.steps)))
    pairs += [(f"step {s.id}", s.action) for s in guidance.steps]
    consent = guidance.consent
    required = {True: "yes", False: "no", None: "not stated"}[consent.required]
    pairs += [
        ("consent required", required),
        ("consent guidance", " ".join(consent.guidance) or "none"),
        ("consent: what to record", "; ".join(consent.record) or "nothing"),
    ]
    return tuple(dict(pairs).items())


def changes(routes: Sequence[str], details: Sequence[Detail]) -> tuple[str, ...]:
    """What changes from the first side to each other, one line a change."""
    found: list[str] = []
    first = dict(details[0])
    for index, detail in enumerate(details[1:], start=1):
        if routes[index] != routes[0]:
            found.append(f"route: {routes[0]} → {routes[index]}")
        other = dict(detail)
        for key in dict.fromkeys([*first, *other]):
            before, after = first.get(key), other.get(key)
            if before == after:
                continue
            if before is None:
                found.append(f"{key}: added ({after})")
            elif after is None:
                found.append(f"{key}: removed (was {before})")
            else:
                found.append(f"{key}: {before} → {after}")
    return tuple(dict.fromkeys(found))


def only_changes(details: Sequence[Detail]) -> list[Detail]:
    """Each side's detail kept to the facts that differ between the sides, so that
    combinations with the same changes are grouped into one row."""
    keys = dict.fromkeys(k for detail in details for k, _ in detail)
    found = [dict(detail) for detail in details]
    changed = {k for k in keys if len({d.get(k) for d in found}) > 1}
    return [tuple((k, v) for k, v in detail if k in changed) for detail in details]


def version_checks(registry: Registry, sides: Sequence[Side]) -> tuple[str, ...]:
    """The completeness and safety checks of ``threshold check --rules`` (and the
    proofs of the decision table) for each version asked for by name or folder, one
    line per problem, or one line saying every check holds: a draft is checked as
    an installed authority is, before it is compared."""
    lines: list[str] = []
    for side in sides:
        if not side.pinned:
            continue
        authority = side.authority
        found = [
            f"{side.label}: {finding.rule}: {finding.where}: {finding.message}"
            for finding in check_tables(authority)
            if finding.severity == "error"
        ]
        found += [
            f"{side.label}: rule {violation.rule}: {violation.message} [case {violation.case}]"
            for violation in check_rules(registry, authority.id, version=authority)
        ]
        lines += found or [f"{side.label}: every completeness and safety check holds"]
    return tuple(lines)
