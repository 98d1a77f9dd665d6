"""Shared data of the Derby and Derbyshire Safeguarding Children Partnership (DDSCP)
threshold document, used by both the Derbyshire and the Derby City plugins.

This package registers no hooks itself: it is data the two authority plugins load
(and register: both register the one shared indicator set of the document).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from threshold import plugin
from threshold.plugin import AuthorityData

if TYPE_CHECKING:
    from threshold.plugin import IndicatorSet

#: Levels, partnership-wide steps, consent texts and the 999 contact.
PARTNERSHIP_DATA = Path(__file__).with_name("partnership.toml")
#: Appendix 2 threshold indicators.
INDICATORS_DATA = Path(__file__).with_name("indicators.json")


@cache
def indicators() -> IndicatorSet:
    """Return the Appendix 2 threshold indicators, loaded and validated once (both
    authority plugins register this one set)."""
    return plugin.load_indicators(INDICATORS_DATA)  # loads the indicators on first use


def partnership_data(plugin_file: str) -> AuthorityData:
    """The data of a DDSCP authority plugin: the partnership file, then the plugin's
    own ``authority.toml`` (beside ``plugin_file``), its ``forms/`` and the shared
    indicator set."""
    folder = Path(plugin_file).parent
    return AuthorityData(
        PARTNERSHIP_DATA, folder / "authority.toml", forms=folder / "forms", indicators=indicators
    )
