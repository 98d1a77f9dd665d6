"""Finding and loading authority plugins, with each plugin's faults kept to itself.

Plugins come from the ``threshold`` entry-point group (the built-in authorities
too) or are passed in directly (tests). A plugin that fails to import, declares
an unknown hook, raises in a hook or ships invalid data is recorded as broken,
by name, with the reason; every other authority keeps working. That holds for
anything a plugin raises, ``SystemExit`` included: only ``KeyboardInterrupt`` (the
user stopping the program) passes through. Two plugins claiming one authority id
make that id unusable, and the error names both.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from threshold.core.io.distributions import EntryPoint, entry_points
from threshold.core.io.spelling import shown_identifier, spelling_key
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.errors import AuthorityError, FormError, UnknownAuthorityError
from threshold.core.model.guidance import RouteChoice
from threshold.core.plugins import hookspecs
from threshold.core.plugins.collect import collect_forms, collect_indicators
from threshold.core.plugins.info import PluginInfo, Registered, describe_failure
from threshold.core.plugins.versions import timeline, today_version

if TYPE_CHECKING:  # forms and indicators load only when asked for
    from threshold.core.model.forms import Form
    from threshold.core.model.indicators import IndicatorSet

ENTRY_POINT_GROUP = "threshold"
#: Comma-separated plugin (entry-point) names; when set, only these are loaded.
PLUGINS_ENV = "THRESHOLD_PLUGINS"


class Registry:
    """The loaded plugins and the authorities they registered."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self._authorities: dict[str, Registered] = {}
        self._conflicts: dict[str, str] = {}
        self._forms: dict[str, dict[str, Form]] | None = None
        self._form_problems: dict[str, str] = {}
        self._indicators: dict[str, IndicatorSet] = {}
        self._indicators_collected = False
        #: Problems with indicator registrations, by plugin or document: they never
        #: make an authority unusable (routing does not depend on them).
        self._indicator_problems: dict[str, str] = {}
        #: Each authority's Python rule (or None), found once.
        self._rules: dict[str, Callable[[Case], RouteChoice | None] | None] = {}

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
            for entry_point in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name):
                if allowed is None or entry_point.name in allowed:
                    registry._add_entry_point(entry_point)
        for name, module in plugins:
            if allowed is None or name in allowed:
                registry._add(PluginInfo(name), module)
        registry._collect()
        return registry

    def _add_entry_point(self, entry_point: EntryPoint) -> None:
        dist = entry_point.dist
        info = PluginInfo(entry_point.name, dist.name, dist.version)
        try:
            module = entry_point.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a broken plugin must not take the others down
            self.plugins[info.name] = attrs.evolve(
                info, error=f"failed to import: {describe_failure(exc)}"
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
                    f"unknown hook {', '.join(sorted(unknown))} "
                    "(not in threshold.core.plugins.hookspecs)",
                )
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            self.plugins[info.name] = attrs.evolve(info, error=f"rejected: {describe_failure(exc)}")
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
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                self.plugins[info.name] = attrs.evolve(info, error=describe_failure(exc))
                continue
            for authority in found:
                claims.setdefault(authority.id, []).append((authority, info))
        for authority_id, claimants in claims.items():
            if len(claimants) == 1:
                authority, info = claimants[0]
                self._authorities[authority_id] = Registered(authority, info)
            elif len({info.name for _, info in claimants}) == 1:  # one plugin's versions
                self._versions(authority_id, claimants)
            else:
                names = " and ".join(
                    f"{info.name} ({info.distribution or 'no distribution'})"
                    for _, info in claimants
                )
                self._conflicts[authority_id] = (
                    f"authority id {authority_id!r} is claimed by two plugins: {names}; "
                    "neither is used until one is removed"
                )

    def _versions(self, authority_id: str, claimants: list[tuple[Authority, PluginInfo]]) -> None:
        """One plugin's dated versions of one authority (two of one name: broken)."""
        info = claimants[0][1]
        try:
            found = timeline([authority for authority, _ in claimants])
        except ValueError as exc:
            self.plugins[info.name] = attrs.evolve(info, error=f"{authority_id}: {exc}")
            return
        self._authorities[authority_id] = Registered(today_version(found), info, found)

    def _collected_forms(self) -> dict[str, dict[str, Form]]:
        """Collect each plugin's forms the first time they are asked for (routing
        never pays for them); a plugin whose forms fail keeps routing."""
        if self._forms is None:
            self._forms, self._form_problems = collect_forms(
                self.pm, self.plugins, self._authorities.values()
            )
        return self._forms

    def _ensure_indicators(self) -> None:
        """Collect the indicator sets the first time they are asked for (routing
        never pays for them)."""
        if not self._indicators_collected:
            self._indicators_collected = True
            self._indicators, self._indicator_problems = collect_indicators(self.pm)

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
        self._collected_forms()
        self._ensure_indicators()
        forms = [(f"{name} (forms)", error) for name, error in sorted(self._form_problems.items())]
        return [
            *broken,
            *forms,
            *sorted(self._conflicts.items()),
            *sorted(self._indicator_problems.items()),
        ]

    def unusable(self) -> list[tuple[str, str]]:
        """Return (plugin or authority id, reason) for every broken plugin and
        conflict: what cannot be routed at all (unlike :meth:`problems`, without
        broken forms or indicators, which never stop routing)."""
        broken = [(name, info.error) for name, info in sorted(self.plugins.items()) if info.error]
        return [*broken, *sorted(self._conflicts.items())]

    def indicator_sets(self) -> list[IndicatorSet]:
        """Return every usable indicator set, sorted by document id."""
        self._ensure_indicators()
        return [self._indicators[key] for key in sorted(self._indicators)]

    def indicators_for(self, authority_id: str) -> IndicatorSet:
        """Return the threshold indicators of the authority's policy document.

        Raises:
            AuthorityError: the authority is unusable (see :meth:`get`), or no
                usable indicator set is registered for its policy document.
        """
        authority = self.get(authority_id).authority
        self._ensure_indicators()
        found = self._indicators.get(authority.policy_document)
        if found is None:
            problem = self._indicator_problems.get(f"indicators for {authority.policy_document}")
            raise AuthorityError(
                authority_id,
                problem
                or f"no threshold indicators are registered for {authority_id}'s policy "
                f"document {authority.policy_document!r}",
            )
        return found

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
        # the id as typed is quoted only when it is a short, safe identifier
        shown = shown_identifier(authority_id)
        close = self.resembling(authority_id)
        suggestion = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise UnknownAuthorityError(
            authority_id,
            f"unknown authority{f' {shown!r}' if shown else ''}{suggestion}; "
            f"expected one of: {known}",
        )

    def resembling(self, authority_id: str) -> list[str]:
        """Return the usable authority ids that ``authority_id`` (not itself one)
        resembles: the same id under another spelling (``Exampleshire``,
        ``example-shire``), else up to two close matches (``exampleshre``)."""

        if not isinstance(authority_id, str):
            return []
        ids = self.authority_ids()
        key = spelling_key(authority_id)
        same = [i for i in ids if key and spelling_key(i) == key]
        if same:
            return same
        return difflib.get_close_matches(authority_id[:100].casefold(), ids, n=2, cutoff=0.75)

    def forms(self, authority_id: str) -> list[Form]:
        """Return the referral forms of an authority, sorted by id.

        Raises:
            AuthorityError: the authority is unknown or broken, or its plugin's
                forms failed to load (routing still works).
        """
        registered = self.get(authority_id)
        collected = self._collected_forms()
        problem = self._form_problems.get(registered.plugin.name)
        if problem:
            raise AuthorityError(
                authority_id,
                f"the forms of plugin {registered.plugin.name!r} are broken: {problem}",
            )
        forms = collected.get(authority_id, {})
        return [forms[form_id] for form_id in sorted(forms)]

    def form(self, authority_id: str, form_id: str) -> Form:
        """Return the form ``form_id`` of an authority.

        Raises:
            AuthorityError: as :meth:`forms`.
            FormError: no such form; the message lists the authority's forms.
        """
        forms = {form.id: form for form in self.forms(authority_id)}
        if form_id in forms:
            return forms[form_id]
        shown = form_id if len(form_id) <= 60 else form_id[:57] + "..."
        raise FormError(
            authority_id,
            f"unknown form {shown!r} for {authority_id}; expected one of: "
            + (", ".join(forms) or "none (this authority has no forms)"),
        )

    def form_for_route(self, authority_id: str, route: str) -> Form | None:
        """Return the authority's written form for ``route``, or None when it has none."""
        for form in self.forms(authority_id):
            if route in form.routes:
                return form
        return None

    def route_rule(
        self, registered: Registered, authority: Authority | None = None
    ) -> Callable[[Case], RouteChoice | None] | None:
        """The Python rule of the plugin that registered the authority (and only
        it), or None when the plugin has none (its decision table decides alone).
        The rule is given ``authority``, the version of the authority's data that
        routes the case (by default the registered one, in force today), and is
        made once per version. The rule raises AuthorityError if the plugin raises
        or answers something that is not a RouteChoice."""
        chosen = registered.authority if authority is None else authority
        key = f"{registered.plugin.name}/{registered.authority.id}"
        if chosen is not registered.authority:
            if chosen.version is None:  # made in code: not one of its versions
                return self._route_rule(registered, chosen)
            key += f"@{chosen.version.hash}"  # a version is known by its data's hash
        if key not in self._rules:
            self._rules[key] = self._route_rule(registered, chosen)
        return self._rules[key]

    def _route_rule(
        self, registered: Registered, authority: Authority
    ) -> Callable[[Case], RouteChoice | None] | None:
        """The rule of :meth:`route_rule`, made for ``authority`` (one version)."""
        plugin: Any = self.pm.get_plugin(registered.plugin.name)
        if not hasattr(plugin, "threshold_route_rule"):
            return None
        caller = self.pm.subset_hook_caller(
            "threshold_route_rule",
            remove_plugins=[p for p in self.pm.get_plugins() if p is not plugin],
        )

        def rule(case: Case) -> RouteChoice | None:
            try:
                choice = caller(authority=authority, case=case)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                raise AuthorityError(
                    authority.id,
                    f"plugin {registered.plugin.name!r} failed in threshold_route_rule: "
                    f"{describe_failure(exc)}",
                ) from exc
            if choice is not None and not isinstance(choice, RouteChoice):
                raise AuthorityError(
                    authority.id,
                    f"plugin {registered.plugin.name!r} gave no route for this case "
                    f"(threshold_route_rule returned {type(choice).__name__})",
                )
            return choice

        return rule


@cache
def default_registry() -> Registry:
    """Return the registry of installed plugins, loaded once per process."""
    return Registry.load()
