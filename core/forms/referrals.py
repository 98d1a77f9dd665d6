"""A filled referral checked against its form: the referral as sent to ``POST
/validate`` (``schemas/referral.schema.json``: authority, form id and answers) and
the result (``schemas/validation.schema.json``), which ``threshold validate
--format json`` prints too.

The checking itself is :func:`threshold.core.forms.evaluate.validate` and
:func:`threshold.core.forms.evaluate.missing`; this module only carries their result as
data. A referral holds personal data: nothing here stores, logs or echoes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.engine.urgent import urgent_advice
from threshold.core.forms.evaluate import missing, validate
from threshold.core.io.schemas import validate as against
from threshold.core.io.urgent_flags import flags
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.forms import Form

if TYPE_CHECKING:
    from threshold.core.plugins.registry import Registry

FORMAT = "threshold.validation/1"


@attrs.frozen
class Validation:
    """A referral checked against its form.

    Attributes:
        authority: The authority whose form it is.
        form: The form's id.
        errors: One per problem, in form order (item id and message).
        missing: The shown, required questions with no answer, in form order.
        urgent: Urgent advice when the referral reports immediate danger or
            significant harm, else None.
    """

    authority: str
    form: str
    errors: tuple[FieldError, ...]
    missing: tuple[str, ...]
    urgent: str | None

    @property
    def valid(self) -> bool:
        """True when the referral has no errors."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        """Return the result as ``schemas/validation.schema.json`` data."""
        return {
            "format": FORMAT,
            "authority": self.authority,
            "form": self.form,
            "valid": self.valid,
            "errors": [{"item": e.path, "message": e.message} for e in self.errors],
            "missing": list(self.missing),
            "urgent": self.urgent,
        }


def referral_flags(answers: object) -> dict[str, object]:
    """The urgent answers of a referral (item ids ``immediate-danger``, ... under any
    spelling, as :func:`threshold.core.io.urgent_flags.flags` reads them) under the case's
    field names, so the urgent advice reads them as it reads a case's flags."""
    if not isinstance(answers, Mapping):
        return {}
    danger, child_protection = flags(answers)
    return {"immediate_danger": danger, "significant_harm": child_protection}


def check(form: Form, answers: Mapping[str, Any], registry: Registry | None = None) -> Validation:
    """Check ``answers`` against ``form`` (with the one evaluator,
    :mod:`threshold.core.forms.evaluate`)."""
    advice = urgent_advice(referral_flags(answers), form.authority, registry)
    return Validation(
        authority=form.authority,
        form=form.id,
        errors=tuple(validate(form, answers)),
        missing=tuple(missing(form, answers)),
        urgent=f"{advice}." if advice else None,
    )


def parse_referral(data: object) -> tuple[str, str, dict[str, Any]]:
    """Return (authority id, form id, answers) from a referral as sent.

    Raises:
        CaseError: it does not match ``schemas/referral.schema.json``; each error
            names the field and what is expected.
    """

    errors = against("referral", data)
    if errors:
        raise CaseError(errors)
    assert isinstance(data, Mapping)
    return data["authority"], data["form"], dict(data["answers"])
