"""Choosing the version of an authority's data for a time, or by name.

An authority may be registered in several dated versions (by one plugin: two
plugins claiming one id are still a conflict). A time is routed with the version
in force on its day; where none is, never a crash: the latest earlier version is
used, or the earliest for a day before every version, with a warning that says
so (the core's urgent precedence is the same in every version).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from threshold.core.io.spelling import shown_identifier
from threshold.core.model.authority import Authority
from threshold.core.model.clock import local_now
from threshold.core.model.errors import UnknownAuthorityError
from threshold.core.model.guidance import GuidanceWarning

#: The warning given where no version is in force at the time asked for.
NOT_IN_FORCE = "no-version-in-force"


def timeline(found: Sequence[Authority]) -> tuple[Authority, ...]:
    """The versions of one authority, oldest first (undated first).

    Raises:
        ValueError: two versions have one name.
    """
    names = [a.version.name if a.version else "(undated)" for a in found]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"two versions are named {name!r}")
    return tuple(sorted(found, key=lambda a: (a.version and a.version.in_force_from) or ""))


def choose(versions: Sequence[Authority], day: str) -> Authority:
    """The version for ``day`` (ISO): the latest to have come into force by then (a
    version is in force until its ``in_force_until``, or until the next one starts);
    where none has, the earliest. :func:`warning_for` says when it is not in force."""
    chosen = versions[0]
    for authority in versions:
        version = authority.version
        if version is None or (version.in_force_from or "") <= day:
            chosen = authority
    return chosen


def warning_for(authority: Authority, day: str) -> GuidanceWarning | None:
    """The warning for routing ``day`` with ``authority``'s version, or None when the
    version is in force then."""
    version = authority.version
    if version is None or version.in_force_on(day):
        return None
    if version.in_force_from is not None and day < version.in_force_from:
        which = f"the earliest version, {version.name} (in force from {version.in_force_from}),"
    else:
        which = (
            f"the latest earlier version, {version.name} (in force from "
            f"{version.in_force_from or 'the start'} until {version.in_force_until}),"
        )
    return GuidanceWarning(
        NOT_IN_FORCE,
        f"No version of the {authority.name} information is in force on {day}: {which} "
        "was used. Check this guidance against the policy in force on that day.",
    )


def day_of(when: dt.datetime | None) -> str:
    """The day (ISO) of a case's time, in its own offset; now when it has none."""
    return (when or local_now()).date().isoformat()


def today_version(versions: Sequence[Authority]) -> Authority:
    """The version in force today (or the nearest): what the authority is by default."""
    return choose(versions, day_of(None))


def named(versions: Sequence[Authority], authority_id: str, name: str) -> Authority:
    """The version called ``name``.

    Raises:
        UnknownAuthorityError: no version has that name (bad input, as an unknown
            authority is); the message lists them.
    """
    for authority in versions:
        if authority.version is not None and authority.version.name == name:
            return authority
    listed = ", ".join(a.version.name for a in versions if a.version) or "none"
    shown = shown_identifier(name.lower()) and name  # quoted only when short and safe
    raise UnknownAuthorityError(
        authority_id,
        f"unknown version{f' {shown!r}' if shown else ''} of {authority_id}; "
        f"expected one of: {listed}",
    )
