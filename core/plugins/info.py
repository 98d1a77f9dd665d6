"""A plugin as found, and an authority with the plugin that registered it."""

from __future__ import annotations

import attrs

from threshold.core.model.authority import Authority


@attrs.frozen
class PluginInfo:
    """A plugin as found: its name, distribution and version, and why it is broken."""

    name: str
    distribution: str | None = None
    version: str | None = None
    error: str | None = None


@attrs.frozen
class Registered:
    """An authority with the plugin that registered it: ``authority`` is the version
    in force today (or the nearest), ``versions`` every version, oldest first
    (empty: just ``authority``)."""

    authority: Authority
    plugin: PluginInfo
    versions: tuple[Authority, ...] = ()

    def all_versions(self) -> tuple[Authority, ...]:
        """Every version of the authority, oldest first."""
        return self.versions or (self.authority,)


def describe_failure(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
