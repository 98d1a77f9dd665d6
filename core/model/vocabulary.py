"""Words the core uses for every authority: placeholders, the core's questions,
the formats of each output, the national emergency line."""

from __future__ import annotations

from threshold.core.model.enums import Purpose

#: Placeholders in a text filled with the authority's contacts of a purpose, as
#: they read in a sentence; ``{level}`` and a rule row's ``values`` are the others.
PLACEHOLDER_PURPOSE = {
    "child_protection_line": Purpose.CHILD_PROTECTION,
    "advice_line": Purpose.PROFESSIONAL_ADVICE,
    "out_of_hours_line": Purpose.OUT_OF_HOURS_ADVICE,
    "online_referral": Purpose.ONLINE_REFERRAL,
    "follow_up": Purpose.FOLLOW_UP,
    "public_line": Purpose.PUBLIC,
}

#: The questions the core asks on the web before any of an authority's own:
#: immediate danger, significant harm, who is raising the concern. An authority's
#: ``question_hints`` may be keyed by them or by its questions' short ids.
CORE_QUESTIONS = ("danger", "harm", "referrer")
#: The web tool's own query parameters: no question may take one as its id.
WEB_RESERVED = ("authority", "at", "q", "asked", "format")

#: What every error says when nothing more is known: the national emergency number.
NATIONAL_URGENT = "If a child is in immediate danger, ring 999."

#: The formats of guidance (``threshold route --format``).
GUIDANCE_FORMATS = ("text", "markdown", "html", "json")
#: The formats of a comparison of authorities (``threshold compare --format``).
COMPARE_FORMATS = ("text", "markdown", "html", "csv", "json")
#: The formats of threshold indicators and assessments.
INDICATOR_FORMATS = ("text", "markdown", "json")
#: The formats of a referral form, each with its media type (for HTTP).
FORM_MEDIA_TYPES = {
    "json-schema": "application/schema+json",
    "html": "text/html",
    "markdown": "text/markdown",
    "fhir": "application/fhir+json",
}
FORM_FORMATS = tuple(FORM_MEDIA_TYPES)
#: The form formats a filled referral can be shown in, with its errors.
FORM_TEXT_FORMATS = ("html", "markdown")
