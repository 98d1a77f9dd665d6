"""Derbyshire County Council: a built-in authority plugin.

All its policy is data: the DDSCP pack (``../ddscp``), then ``authority.toml``
(its contacts and words) and ``rules.toml`` (its rows of the decision table and
its routes). Derbyshire does not accept a referral other than child protection
without an Early Help Assessment, unless the family declined one or needs
escalated suddenly (threshold document, section 5): ``rules.toml`` says so.
"""

from __future__ import annotations

from threshold.plugins.ddscp import partnership_data

data = partnership_data(__file__)
threshold_register_authorities, threshold_register_forms, threshold_register_indicators = (
    data.hooks()
)
