"""The built-in Derbyshire plugin with a second, fictional version of its data
(``tests/fixtures/ddscp_versions/2030-04``: the advice line's hours and one row of
the decision table change, in force from 2030-04-01). Tests only: never shipped,
never installed."""

from __future__ import annotations

import types
from functools import cache
from pathlib import Path

from threshold.core.plugins.registry import Registry
from threshold.plugin import AuthorityData
from threshold.plugins import derbyshire
from threshold.plugins.ddscp import FORM_SECTIONS, PACK, indicators

#: The folder of the fictional versions (each a folder NAME/ with its version.toml).
VERSIONS = Path(__file__).resolve().parent / "fixtures" / "ddscp_versions"
#: The fictional version's folder, and its first day in force.
DRAFT = VERSIONS / "2030-04"
DRAFT_FROM = "2030-04-01"
BUILT_IN = Path(derbyshire.__file__).parent


def plugin(versions: Path = VERSIONS) -> types.ModuleType:
    """A plugin module: the built-in Derbyshire data with the versions in ``versions``."""
    data = AuthorityData(
        *PACK,
        BUILT_IN / "authority.toml",
        BUILT_IN / "rules.toml",
        forms=BUILT_IN / "forms",
        common_sections=FORM_SECTIONS,
        indicators=indicators,
        versions=versions,
    )
    module = types.ModuleType("derbyshire_versioned")
    hooks = data.hooks()
    module.threshold_register_authorities = hooks[0]  # type: ignore[attr-defined]
    module.threshold_register_forms = hooks[1]  # type: ignore[attr-defined]
    module.threshold_register_indicators = hooks[2]  # type: ignore[attr-defined]
    return module


@cache
def versioned_registry() -> Registry:
    """A registry with Derbyshire in two versions (2022-09 and the fictional 2030-04)."""
    return Registry.load([("derbyshire", plugin())], use_entry_points=False)
