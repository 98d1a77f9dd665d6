"""The policy pack of the Derby and Derbyshire Safeguarding Children Partnership
(DDSCP) threshold document, shared by the Derbyshire and the Derby City plugins:
its levels, questions, words, routes and decision table, and the shared sections
of its referral forms, as data.

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

#: The DDSCP pack: documents, levels, questions and the 999 contact (pack.toml),
#: its words (texts.toml) and its decision table and routes (rules.toml).
PACK = tuple(Path(__file__).with_name(name) for name in ("pack.toml", "texts.toml", "rules.toml"))
#: The shared sections of the DDSCP authorities' referral forms.
FORM_SECTIONS = Path(__file__).with_name("forms_common.toml")
#: Appendix 2 threshold indicators.
INDICATORS_DATA = Path(__file__).with_name("indicators.json")


@cache
def indicators() -> IndicatorSet:
    """Return the Appendix 2 threshold indicators, loaded and validated once (both
    authority plugins register this one set)."""
    return plugin.load_indicators(INDICATORS_DATA)  # loads the indicators on first use


def partnership_data(plugin_file: str) -> AuthorityData:
    """The data of a DDSCP authority plugin: the DDSCP pack, then the plugin's own
    ``authority.toml`` and ``rules.toml`` (beside ``plugin_file``), its ``forms/``
    (with the DDSCP's shared form sections) and the shared indicator set."""
    folder = Path(plugin_file).parent
    return AuthorityData(
        *PACK,
        folder / "authority.toml",
        folder / "rules.toml",
        forms=folder / "forms",
        common_sections=FORM_SECTIONS,
        indicators=indicators,
    )
