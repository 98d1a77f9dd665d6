"""Collecting what plugins register beside authorities: referral forms and
indicator sets. The registry collects each the first time it is asked for
(routing never pays for them), and a plugin's faults stay its own: broken forms
or indicators never stop routing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pluggy

from threshold.core.plugins.info import PluginInfo, Registered, describe_failure

if TYPE_CHECKING:  # the classes load with the first forms or indicators asked for
    from threshold.core.model.forms import Form
    from threshold.core.model.indicators import IndicatorSet


def collect_forms(
    pm: pluggy.PluginManager, plugins: dict[str, PluginInfo], authorities: Iterable[Registered]
) -> tuple[dict[str, dict[str, Form]], dict[str, str]]:
    """Collect every working plugin's referral forms, by authority and form id, and
    the problems of the plugins whose forms failed (by plugin name)."""
    from threshold.core.model.forms import Form  # lazy: ~6 ms of classes; routing never needs them

    collected: dict[str, dict[str, Form]] = {}
    problems: dict[str, str] = {}
    authorities = list(authorities)
    for impl in pm.hook.threshold_register_forms.get_hookimpls():
        info = plugins[pm.get_name(impl.plugin) or ""]
        if info.error:
            continue
        found: list[Form] = []

        def register(form: Form, found: list[Form] = found) -> None:

            if not isinstance(form, Form):
                raise TypeError(f"register() expects a Form, got {type(form).__name__}")
            found.append(form)

        try:
            impl.function(register=register)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            problems[info.name] = describe_failure(exc)
            continue
        problem = _check_forms(info, found, authorities)
        if problem:
            problems[info.name] = problem
            continue
        for form in found:
            collected.setdefault(form.authority, {})[form.id] = form
    return collected, problems


def _check_forms(info: PluginInfo, forms: list[Form], authorities: list[Registered]) -> str | None:
    own = {r.authority.id for r in authorities if r.plugin.name == info.name}
    ids: set[tuple[str, str]] = set()
    routes: dict[tuple[str, str], str] = {}
    for form in forms:
        if form.authority not in own:
            return (
                f"form {form.id!r} is for authority {form.authority!r}, "
                "which this plugin does not supply"
            )
        if (form.authority, form.id) in ids:
            return f"two forms are named {form.id!r}"
        ids.add((form.authority, form.id))
        for route in form.routes:
            other = routes.get((form.authority, route))
            if other is not None:
                return f"forms {other!r} and {form.id!r} both claim route {route!r}"
            routes[(form.authority, route)] = form.id
    return None


def collect_indicators(pm: pluggy.PluginManager) -> tuple[dict[str, IndicatorSet], dict[str, str]]:
    """Collect the indicator sets, by document id, and the problems with indicator
    registrations, by plugin or document: they never make an authority unusable
    (routing does not depend on them)."""
    from threshold.core.model.indicators import IndicatorSet  # lazy: ~7 ms, as for forms

    indicators_by_document: dict[str, IndicatorSet] = {}
    problems: dict[str, str] = {}
    claims: dict[str, list[tuple[IndicatorSet, str]]] = {}
    for impl in pm.hook.threshold_register_indicators.get_hookimpls():
        name = pm.get_name(impl.plugin) or ""
        found: list[IndicatorSet] = []

        def register(indicators: IndicatorSet, found: list[IndicatorSet] = found) -> None:

            if not isinstance(indicators, IndicatorSet):
                raise TypeError(
                    f"register() expects an IndicatorSet, got {type(indicators).__name__}"
                )
            found.append(indicators)

        try:
            impl.function(register=register)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            problems[f"{name} (indicators)"] = describe_failure(exc)
            continue
        for indicators in found:
            claims.setdefault(indicators.document.id, []).append((indicators, name))
    for document_id, claimants in claims.items():
        first = claimants[0][0]
        # The same set registered by several plugins (a shared document) is one set.
        if all(indicators == first for indicators, _ in claimants):
            indicators_by_document[document_id] = first
        else:
            names = " and ".join(sorted({name for _, name in claimants}))
            problems[f"indicators for {document_id}"] = (
                f"plugins {names} register different threshold indicators for document "
                f"{document_id!r}; none is used until they agree"
            )
    return indicators_by_document, problems
