"""The hooks an authority plugin can implement. One docstring per hook.

A plugin is a module of ``@hookimpl`` functions, registered through the
``threshold`` entry-point group. Hooks are named ``threshold_*``; a plugin that
implements a hook not listed here is rejected when it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.guidance import RouteChoice

if TYPE_CHECKING:
    from threshold.core.model.forms import Form
    from threshold.core.model.indicators import IndicatorSet

PROJECT = "threshold"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
    """Register the authorities this plugin supplies: call ``register(authority)``
    once for each, with an :class:`~threshold.core.model.authority.Authority` loaded from
    the plugin's policy pack and data files (see
    :func:`threshold.core.io.loading.load_authority`)."""


@hookspec(firstresult=True)
def threshold_route_rule(authority: Authority, case: Case) -> RouteChoice | None:
    """The escape hatch beside an authority's decision table, for logic a table
    cannot express: choose a route of the authority's data for a case that is not
    urgent (the core has already taken immediate danger and significant harm), or
    return None to let the table decide. Return None for other plugins'
    authorities. ``authority`` is the version of the authority's data that routes
    the case (in force at its time, or the one asked for), not always today's.
    The answer must depend only on the arguments (the core reuses it
    per distinct case), and ``threshold check --rules`` proves it as it proves a
    table."""


@hookspec
def threshold_register_forms(register: Callable[[Form], None]) -> None:
    """Register the referral forms of this plugin's own authorities: call
    ``register(form)`` once for each :class:`~threshold.core.model.forms.Form`, loaded
    from the plugin's data (see :func:`threshold.core.forms.loading.load_forms`)."""


@hookspec
def threshold_register_indicators(register: Callable[[IndicatorSet], None]) -> None:
    """Register threshold indicators: ``register(indicator_set)`` for its document's id."""
