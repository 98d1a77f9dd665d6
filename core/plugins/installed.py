"""What is installed: the working authorities with their plugins and data dates,
and the broken plugins (``schemas/authorities.schema.json``)."""

from __future__ import annotations

from typing import Any

import attrs

from threshold.core.model.converter import to_dict
from threshold.core.plugins.info import Registered
from threshold.core.plugins.registry import Registry


@attrs.frozen
class VersionInfo:
    """One dated version of an authority's data, as listed.

    Attributes:
        name: Its name (``AUTHORITY@NAME`` selects it).
        hash: The content hash of its validated data.
        document_date: The policy document's own date (ISO), or None.
        in_force_from: Its first day in force (ISO), or None: since always.
        in_force_until: Its last day in force (ISO), or None: until replaced.
        note: What the sources say, or do not say, about these dates.
        in_force_today: Whether a case of today is routed with it.
    """

    name: str
    hash: str
    document_date: str | None
    in_force_from: str | None
    in_force_until: str | None
    note: str | None
    in_force_today: bool


@attrs.frozen
class AuthorityInfo:
    """An installed, working authority.

    Attributes:
        id: Authority id, as ``route`` takes it.
        name: The authority's name.
        status: Always "ok".
        plugin: The plugin (entry-point) name.
        distribution: The Python distribution that ships the plugin, if known.
        version: That distribution's version, if known.
        policy_document: Title of the threshold document the authority follows.
        policy_document_date: Its date (ISO), or None where it states none.
        data_reviewed: When the data was last checked against its sources (ISO).
        data_review_due: When it must be checked again (ISO).
        versions: Every dated version of its data, oldest first.
    """

    id: str
    name: str
    status: str
    plugin: str
    distribution: str | None
    version: str | None
    policy_document: str
    policy_document_date: str | None
    data_reviewed: str
    data_review_due: str
    versions: tuple[VersionInfo, ...] = ()


@attrs.frozen
class BrokenPlugin:
    """A plugin (or a conflicted authority id) that cannot be used, and why.

    Attributes:
        plugin: The plugin name, or the authority id two plugins claim.
        status: Always "broken".
        error: Why, in one line.
    """

    plugin: str
    status: str
    error: str


@attrs.frozen
class AuthorityList:
    """The installed authorities (sorted by id) and the broken plugins.

    Attributes:
        authorities: The working authorities.
        broken: The plugins that failed to load, and conflicted ids.
    """

    authorities: tuple[AuthorityInfo, ...]
    broken: tuple[BrokenPlugin, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the list as JSON-ready data matching ``schemas/authorities.schema.json``."""

        data: dict[str, Any] = to_dict(self)
        return data


def list_authorities(registry: Registry) -> AuthorityList:
    """Return what ``registry`` has loaded: working authorities and broken plugins."""
    rows = []
    for registered in registry.registered():
        authority, plugin = registered.authority, registered.plugin
        policy = authority.document(authority.policy_document)
        rows.append(
            AuthorityInfo(
                id=authority.id,
                name=authority.name,
                status="ok",
                plugin=plugin.name,
                distribution=plugin.distribution,
                version=plugin.version,
                policy_document=policy.title,
                policy_document_date=policy.date,
                data_reviewed=authority.reviewed,
                data_review_due=authority.review_due,
                versions=_versions(registered),
            )
        )
    broken = tuple(BrokenPlugin(name, "broken", error) for name, error in registry.problems())
    return AuthorityList(tuple(rows), broken)


def _versions(registered: Registered) -> tuple[VersionInfo, ...]:
    """Every version of an authority as listed (one undated for data made in code)."""
    listed = []
    for authority in registered.all_versions():
        version = authority.version
        if version is None:
            continue
        listed.append(
            VersionInfo(
                name=version.name,
                hash=version.hash,
                document_date=version.document_date,
                in_force_from=version.in_force_from,
                in_force_until=version.in_force_until,
                note=version.note,
                in_force_today=authority is registered.authority,
            )
        )
    return tuple(listed)
