"""The one mapper from errors to what each interface gives: the published error
object (``schemas/error.schema.json``) for an HTTP response or a batch line,
with the same messages as the command line, and for each kind of error (its
code) the HTTP status, the command line's exit status and the web page's status.

The message is the line the CLI prints after ``threshold: error: ``; each field
error names the field and what is expected, and describes a bad value's type
without echoing it. When the input raised an urgent flag, ``urgent`` still says
who to ring.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import attrs

from threshold.core.engine.urgent import urgent_advice
from threshold.core.interfaces.status import STATUS, error_code
from threshold.core.io.schemas import shown_name
from threshold.core.model.errors import (
    AuthorityError,
    CaseError,
    FieldError,
    FormError,
    UnknownAuthorityError,
)
from threshold.core.model.vocabulary import NATIONAL_URGENT

if TYPE_CHECKING:
    from threshold.core.plugins.registry import Registry

#: Set to show internal errors in full while developing (never in service).
DEBUG_ENV = "THRESHOLD_DEBUG"


@attrs.frozen
class ErrorInfo:
    """What went wrong with one request or one batch line.

    Attributes:
        code: What kind of error (see ``schemas/error.schema.json``).
        message: One line, as the CLI prints it after "threshold: error: ".
        errors: One entry per field.
        urgent: Urgent advice when the input raised an urgent flag (or the
            authority could not be used), else None.
    """

    code: str
    message: str
    errors: tuple[FieldError, ...] = ()
    urgent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the error object ``{"error": {...}}`` of ``schemas/error.schema.json``."""
        errors = [{"field": e.path, "message": e.message} for e in self.errors]
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "errors": errors,
                "urgent": self.urgent,
            }
        }

    @property
    def http_status(self) -> int:
        """The HTTP status for this error."""
        return STATUS[self.code].http


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _authority_text(exc: AuthorityError) -> str:
    """The error's message, with the authority id it names replaced by a
    placeholder unless it is a short safe id (ids of any length reach here)."""

    text = str(exc)
    shown = shown_name(exc.authority_id, "an authority id")
    return text if shown == exc.authority_id else text.replace(repr(exc.authority_id), shown)


def error_info(
    exc: BaseException,
    raw: object,
    authority_id: str | None,
    registry: Registry | None = None,
) -> ErrorInfo:
    """Return the error object for ``exc``, raised while routing input ``raw`` (a
    parsed case, valid or not, or the text of one) in ``authority_id``.

    Any exception that is not a threshold error becomes ``internal-error``, naming
    only its type (its message could hold input).
    """
    if isinstance(exc, CaseError):
        advice = urgent_advice(raw, authority_id, registry, seen=exc.raised)
        urgent = f"{advice}." if advice else None
        return ErrorInfo(
            code=error_code(exc),
            message=_one_line(f"{exc} — {urgent}" if urgent else str(exc)),
            errors=exc.errors,
            urgent=urgent,
        )
    if isinstance(exc, AuthorityError):
        # an unknown id that resembles installed ones still gets their lines
        unknown = exc.authority_id if isinstance(exc, UnknownAuthorityError) else None
        advice = urgent_advice(raw, unknown, registry)
        urgent = f"{advice}." if advice else NATIONAL_URGENT
        return ErrorInfo(
            code=error_code(exc),
            message=_one_line(f"authority: {_authority_text(exc)} — {urgent}"),
            errors=(FieldError("authority", _one_line(_authority_text(exc))),),
            urgent=urgent,
        )
    if isinstance(exc, FormError):
        advice = urgent_advice(raw, authority_id, registry)
        urgent = f"{advice}." if advice else None
        return ErrorInfo(
            code="unknown-form",
            message=_one_line(f"form: {exc} — {urgent}" if urgent else f"form: {exc}"),
            errors=(FieldError("form", _one_line(str(exc))),),
            urgent=urgent,
        )
    advice = urgent_advice(raw, authority_id, registry)
    urgent = f"{advice}." if advice else NATIONAL_URGENT
    return ErrorInfo(
        code="internal-error",
        message=f"internal error ({type(exc).__name__}); {urgent}",
        urgent=urgent,
    )


def debugging() -> bool:
    """True when THRESHOLD_DEBUG is set: internal errors are raised, not summarised."""
    return bool(os.environ.get(DEBUG_ENV))
