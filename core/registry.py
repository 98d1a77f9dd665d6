"""Finding and loading authority plugins, with each plugin's faults kept to itself.

Plugins come from the ``threshold`` entry-point group (the built-in authorities
too) or are passed in directly (tests). A plugin that fails to import, declares
an unknown hook, raises in a hook or ships invalid data is recorded as broken,
by name, with the reason; every other authority keeps working. Two plugins
claiming one authority id make that id unusable, and the error names both.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import attrs
import pluggy

from threshold.core import hookspecs
from threshold.core.errors import AuthorityError, UnknownAuthorityError
from threshold.core.models import Authority, Case, RouteChoice

ENTRY_POINT_GROUP = "threshold"
#: Comma-separated plugin (entry-point) names; when set, only these are loaded.
PLUGINS_ENV = "THRESHOLD_PLUGINS"


@attrs.frozen
class PluginInfo:
    """A plugin as found: its name, distribution and version, and why it is broken."""

    name: str
    distribution: str | None = None
    version: str | None = None
    error: str | None = None


@attrs.frozen
class Registered:
    """An authority with the plugin that registered it."""

    authority: Authority
    plugin: PluginInfo


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


class Registry:
    """The loaded plugins and the authorities they registered."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self._authorities: dict[str, Registered] = {}
        self._conflicts: dict[str, str] = {}

    # ----------------------------------------------------------- loading
    @classmethod
    def load(
        cls,
        plugins: Sequence[tuple[str, object]] = (),
        *,
        use_entry_points: bool = True,
        only: Iterable[str] | None = None,
    ) -> Registry:
        """Load plugins from entry points (unless ``use_entry_points`` is False)
        and from ``plugins`` (name, module) pairs, then collect their authorities.

        ``only`` limits which plugin names load; by default the ``THRESHOLD_PLUGINS``
        environment variable does, when set.
        """
        registry = cls()
        if only is None and os.environ.get(PLUGINS_ENV, "").strip():
            only = [n.strip() for n in os.environ[PLUGINS_ENV].split(",") if n.strip()]
        allowed = None if only is None else set(only)
        if use_entry_points:
            for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                if allowed is None or entry_point.name in allowed:
                    registry._add_entry_point(entry_point)
        for name, module in plugins:
            if allowed is None or name in allowed:
                registry._add(PluginInfo(name), module)
        registry._collect()
        return registry

    def _add_entry_point(self, entry_point: EntryPoint) -> None:
        dist = entry_point.dist
        info = PluginInfo(
            entry_point.name,
            dist.metadata["Name"] if dist is not None else None,
            dist.version if dist is not None else None,
        )
        try:
            module = entry_point.load()
        except Exception as exc:  # a broken plugin must not take the others down
            self.plugins[info.name] = attrs.evolve(
                info, error=f"failed to import: {_describe(exc)}"
            )
            return
        self._add(info, module)

    def _add(self, info: PluginInfo, module: object) -> None:
        if info.name in self.plugins:
            self.plugins[info.name] = attrs.evolve(
                self.plugins[info.name], error=f"two plugins are named {info.name!r}"
            )
            return
        try:
            self.pm.register(module, name=info.name)
            unknown = [
                impl.function.__name__
                for caller in self.pm.get_hookcallers(module) or []
                if not caller.has_spec()
                for impl in caller.get_hookimpls()
                if impl.plugin is module
            ]
            if unknown:
                self.pm.unregister(module)
                raise pluggy.PluginValidationError(
                    module,
                    f"unknown hook {', '.join(sorted(unknown))} (not in threshold.core.hookspecs)",
                )
        except Exception as exc:
            self.plugins[info.name] = attrs.evolve(info, error=f"rejected: {_describe(exc)}")
            return
        self.plugins[info.name] = info

    def _collect(self) -> None:
        claims: dict[str, list[tuple[Authority, PluginInfo]]] = {}
        for impl in self.pm.hook.threshold_register_authorities.get_hookimpls():
            info = self.plugins[self.pm.get_name(impl.plugin) or ""]
            found: list[Authority] = []

            def register(authority: Authority, found: list[Authority] = found) -> None:
                if not isinstance(authority, Authority):
                    raise TypeError(
                        f"register() expects an Authority, got {type(authority).__name__}"
                    )
                found.append(authority)

            try:
                impl.function(register=register)
            except Exception as exc:
                self.plugins[info.name] = attrs.evolve(info, error=_describe(exc))
                continue
            for authority in found:
                claims.setdefault(authority.id, []).append((authority, info))
        for authority_id, claimants in claims.items():
            if len(claimants) == 1:
                authority, info = claimants[0]
                self._authorities[authority_id] = Registered(authority, info)
            else:
                names = " and ".join(
                    f"{info.name} ({info.distribution or 'no distribution'})"
                    for _, info in claimants
                )
                self._conflicts[authority_id] = (
                    f"authority id {authority_id!r} is claimed by two plugins: {names}; "
                    "neither is used until one is removed"
                )

    # ----------------------------------------------------------- queries
    def authority_ids(self) -> list[str]:
        """Return the ids of the usable authorities, sorted."""
        return sorted(self._authorities)

    def registered(self) -> list[Registered]:
        """Return every usable authority with its plugin, sorted by id."""
        return [self._authorities[i] for i in self.authority_ids()]

    def problems(self) -> list[tuple[str, str]]:
        """Return (plugin or authority id, reason) for every broken plugin and conflict."""
        broken = [(name, info.error) for name, info in sorted(self.plugins.items()) if info.error]
        return [*broken, *sorted(self._conflicts.items())]

    def get(self, authority_id: str) -> Registered:
        """Return the authority ``authority_id``.

        Raises:
            AuthorityError: unknown id, a conflict, or its plugin is broken; the
                message says which, and lists the authorities that do work.
        """
        if authority_id in self._authorities:
            return self._authorities[authority_id]
        if authority_id in self._conflicts:
            raise AuthorityError(authority_id, self._conflicts[authority_id])
        broken = self.plugins.get(authority_id)
        if broken is not None and broken.error:
            raise AuthorityError(authority_id, f"plugin {authority_id!r} is broken: {broken.error}")
        known = ", ".join(self.authority_ids()) or "none installed"
        raise UnknownAuthorityError(
            authority_id, f"unknown authority {authority_id!r}; expected one of: {known}"
        )

    def referral_route(self, registered: Registered, case: Case) -> RouteChoice:
        """Ask the plugin that registered the authority (and only it) for the
        non-urgent route. Raises AuthorityError if it raises or gives no answer."""
        plugin: Any = self.pm.get_plugin(registered.plugin.name)
        caller = self.pm.subset_hook_caller(
            "threshold_referral_route",
            remove_plugins=[p for p in self.pm.get_plugins() if p is not plugin],
        )
        try:
            choice = caller(authority=registered.authority, case=case)
        except Exception as exc:
            raise AuthorityError(
                registered.authority.id,
                f"plugin {registered.plugin.name!r} failed in threshold_referral_route: "
                f"{_describe(exc)}",
            ) from exc
        if not isinstance(choice, RouteChoice):
            raise AuthorityError(
                registered.authority.id,
                f"plugin {registered.plugin.name!r} gave no route for this case "
                f"(threshold_referral_route returned {type(choice).__name__})",
            )
        return choice


@cache
def default_registry() -> Registry:
    """Return the registry of installed plugins, loaded once per process."""
    return Registry.load()
