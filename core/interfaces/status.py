"""What each interface answers for each kind of error: the HTTP status of the JSON
API, the command line's exit status and the web tool's page status, by the
error's code (``schemas/error.schema.json``). The one table, read by
:mod:`threshold.core.interfaces.failures` (the error object), the HTTP
service, the web tool and the command line; it imports nothing heavy, so the
command line can read it before any command runs."""

from __future__ import annotations

import attrs

from threshold.core.model.errors import (
    AuthorityError,
    CaseError,
    FormError,
    InvalidJSONError,
    UnknownAuthorityError,
)


@attrs.frozen
class Status:
    """What each interface answers for one kind of error.

    Attributes:
        http: The HTTP status of the JSON API.
        exit: The command line's exit status.
        page: The status of the web tool's HTML page.
    """

    http: int
    exit: int
    page: int


#: The command line's exit status for bad input (a case, an option, an authority id).
EXIT_BAD_INPUT = 2
#: The command line's exit status when an authority plugin (or threshold) is broken.
EXIT_BROKEN_PLUGIN = 3

#: For each error code (``schemas/error.schema.json``), what each interface answers.
STATUS = {
    "invalid-json": Status(400, EXIT_BAD_INPUT, 400),
    "invalid-query": Status(400, EXIT_BAD_INPUT, 400),
    "invalid-case": Status(422, EXIT_BAD_INPUT, 400),
    "line-too-long": Status(422, EXIT_BAD_INPUT, 400),
    "unknown-authority": Status(422, EXIT_BAD_INPUT, 400),
    "unknown-form": Status(422, EXIT_BAD_INPUT, 404),
    "not-found": Status(404, EXIT_BAD_INPUT, 404),
    "method-not-allowed": Status(405, EXIT_BAD_INPUT, 405),
    "too-large": Status(413, EXIT_BAD_INPUT, 413),
    "internal-error": Status(500, EXIT_BROKEN_PLUGIN, 500),
    "broken-plugin": Status(503, EXIT_BROKEN_PLUGIN, 503),
    "busy": Status(503, EXIT_BROKEN_PLUGIN, 503),
}


def error_code(exc: BaseException) -> str:
    """The code of the error ``exc`` (``schemas/error.schema.json``)."""
    if isinstance(exc, InvalidJSONError):
        return "invalid-json"
    if isinstance(exc, CaseError):
        return "invalid-case"
    if isinstance(exc, UnknownAuthorityError):
        return "unknown-authority"
    if isinstance(exc, AuthorityError):
        return "broken-plugin"
    if isinstance(exc, FormError):
        return "unknown-form"
    return "internal-error"


def exit_status(exc: BaseException) -> int:
    """The command line's exit status for the error ``exc``: 2 for bad input (an
    unknown authority among it), 3 for a broken plugin or an internal error."""
    return STATUS[error_code(exc)].exit
