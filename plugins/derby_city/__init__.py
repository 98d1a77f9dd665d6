"""Derby City Council: a built-in authority plugin.

All its policy is data: the DDSCP pack (``../ddscp``), then ``authority.toml``
(its contacts and words) and ``rules.toml`` (its rows of the decision table and
its routes). A completed Early Help Assessment goes to the locality Vulnerable
Children's Meeting; otherwise the online referral system is used (threshold
document, section 5). The sources give no route for members of the public in
Derby City, and the guidance says so.
"""

from __future__ import annotations

from threshold.plugins.ddscp import partnership_data

data = partnership_data(__file__)
threshold_register_authorities, threshold_register_forms, threshold_register_indicators = (
    data.hooks()
)
