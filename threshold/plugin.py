"""Everything an authority plugin needs, from one module: the public plugin API.

An authority plugin is a module registered in the ``threshold`` entry-point
group. Its policy is data: a policy pack (levels, questions, contacts, texts,
routes and a decision table, validated by ``schemas/pack.schema.json``), given
to threshold with :class:`AuthorityData` (one call: its data files in, the
register hooks out)::

    from pathlib import Path

    from threshold.plugin import AuthorityData

    HERE = Path(__file__).parent
    data = AuthorityData(HERE / "authority.toml", forms=HERE / "forms")
    threshold_register_authorities, threshold_register_forms, threshold_register_indicators = (
        data.hooks()
    )

Where a decision table cannot say it, a plugin may add a Python rule (the escape
hatch), with :data:`hookimpl`; the checks prove it as they prove a table::

    from threshold.plugin import RouteChoice, hookimpl

    @hookimpl
    def threshold_route_rule(authority, case):
        if authority.id != "nottingham_city":
            return None
        return RouteChoice("online-referral") if case.level == 3 else None

Everything a plugin imports comes from here; ``threshold.core`` is internal and
may change in any release (docs/plugins.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threshold.core.io.loading import load_authority
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import Band, Kind, Purpose, Referrer
from threshold.core.model.errors import DataError
from threshold.core.model.guidance import GuidanceWarning, RouteChoice
from threshold.core.plugins.hookspecs import hookimpl

if TYPE_CHECKING:
    from threshold.core.forms.loading import load_forms
    from threshold.core.io.indicators import load_indicators
    from threshold.core.model.forms import Form
    from threshold.core.model.indicators import IndicatorSet

__all__ = [
    "Authority",
    "AuthorityData",
    "Band",
    "Case",
    "DataError",
    "Form",
    "GuidanceWarning",
    "IndicatorSet",
    "Kind",
    "Purpose",
    "Referrer",
    "RouteChoice",
    "hookimpl",
    "load_authority",
    "load_forms",
    "load_indicators",
]

#: Forms and indicators load on first use (about 15 ms of classes and loaders that
#: routing never needs), as ``threshold.__getattr__`` does for the public API.
_LAZY = {
    "Form": "threshold.core.model.forms",
    "IndicatorSet": "threshold.core.model.indicators",
    "load_forms": "threshold.core.forms.loading",
    "load_indicators": "threshold.core.io.indicators",
}


def __getattr__(name: str) -> Any:
    """Load a form or indicator name on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'threshold.plugin' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


#: A register hook: threshold calls it with a ``register`` function.
RegisterHook = Callable[[Callable[..., None]], None]


class AuthorityData:
    """An authority plugin's data: its data files (merged in order, validated),
    its referral forms (every ``*.toml`` and ``*.json`` in the folder ``forms``)
    and the threshold indicators of its policy document, each loaded once, when
    first asked for, and the three register hooks that give them to threshold.

    Args:
        files: The authority's data files (its policy pack's files first, if any).
        forms: The folder of its referral forms, or None for none.
        common_sections: Its policy pack's shared form sections (a file validated
            against ``schemas/form.schema.json`` ``$defs/library``), which its forms
            use by id (``{use = "consent"}``), or None: then only the core's
            neutral sections (common practice, citing no document) are there.
        indicators: A function that returns the indicator set of its policy
            document (shared between the plugins of one document), or None.
        versions: The folder of the data's other dated versions (each a folder
            ``NAME/`` with its ``version.toml`` and the files that change); default:
            ``versions/`` beside the first file, if there is one (docs/plugins.md,
            "Versions").

    Raises (when loaded):
        DataError: a file is not valid; the message names the file, the field and
            what is expected.
    """

    def __init__(
        self,
        *files: Path,
        forms: Path | None = None,
        common_sections: Path | None = None,
        indicators: Callable[[], IndicatorSet] | None = None,
        versions: Path | None = None,
    ) -> None:
        self.files = files
        self.versions_folder = versions
        self._versions: tuple[Authority, ...] | None = None
        self.forms_folder = forms
        self.common_sections = common_sections
        self.indicator_set = indicators
        self._forms: tuple[Form, ...] | None = None

    def authority(self) -> Authority:
        """Return the authority as the files themselves give it (its first version),
        loaded and validated once."""
        return self.versions()[0]

    def versions(self) -> tuple[Authority, ...]:
        """Return every dated version of the authority: the files themselves first,
        then each folder of the versions folder by name; each loaded once."""
        if self._versions is None:
            from threshold.core.io.versions import version_folders

            self._versions = tuple(
                load_authority(found.files, version_file=found.version_file)
                for found in version_folders(self.files, self.versions_folder)
            )
        return self._versions

    def forms(self) -> tuple[Form, ...]:
        """Return the referral forms, loaded and validated once (none without a folder)."""
        if self._forms is None:
            from threshold.core.forms.loading import load_forms  # lazy: as __getattr__

            folder = self.forms_folder
            self._forms = (
                tuple(load_forms(folder, self.authority(), self.common_sections)) if folder else ()
            )
        return self._forms

    def hooks(self) -> tuple[RegisterHook, RegisterHook, RegisterHook]:
        """Return the hooks ``threshold_register_authorities``,
        ``threshold_register_forms`` and ``threshold_register_indicators``, in that
        order, for the plugin module to name so."""

        @hookimpl
        def threshold_register_authorities(register: Callable[[Authority], None]) -> None:
            for version in self.versions():
                register(version)

        @hookimpl
        def threshold_register_forms(register: Callable[[Form], None]) -> None:
            for form in self.forms():
                register(form)

        @hookimpl
        def threshold_register_indicators(register: Callable[[IndicatorSet], None]) -> None:
            if self.indicator_set is not None:
                register(self.indicator_set())

        return (
            threshold_register_authorities,
            threshold_register_forms,
            threshold_register_indicators,
        )
