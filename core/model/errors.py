"""Typed errors. Each carries field paths, so a message can name what is wrong."""

from __future__ import annotations

import attrs


@attrs.frozen
class FieldError:
    """One problem with one field.

    Attributes:
        path: The field, as a dotted path from the document root ("level", "contacts[2].phone").
        message: What is wrong and what is expected.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ThresholdError(Exception):
    """Base class of every error threshold raises on purpose.

    ``urgent`` is the urgent advice that goes with the error ("immediate danger
    was reported: ring 999 now"), set by :func:`threshold.route` when the input
    raised an urgent flag or the authority could not be used; otherwise None.
    """

    urgent: str | None = None


class CaseError(ThresholdError, ValueError):
    """The input is not valid: a case (the input to routing), or the other input
    of a call (a referral's answers that are not an object, fewer than two
    authorities to compare). ``errors`` lists each field.

    ``raised`` is (immediate danger, child protection) as read from the input's
    text when the input could not be parsed (not JSON, a duplicated key), so the
    urgent advice does not depend on the parsed data alone.
    """

    raised: tuple[bool, bool] = (False, False)

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class InvalidJSONError(CaseError):
    """The input is not JSON (or not UTF-8): a CaseError whose field is the input itself."""


class DataError(ThresholdError):
    """An authority's data file is not valid: names the file, field and expectation."""

    def __init__(self, source: str, errors: list[FieldError] | tuple[FieldError, ...]) -> None:
        self.source = source
        self.errors = tuple(errors)
        super().__init__(f"{source}: " + "; ".join(str(e) for e in self.errors))


class AuthorityError(ThresholdError):
    """An authority is unknown, or its plugin is broken. The message says which and why."""

    def __init__(self, authority_id: str, message: str) -> None:
        self.authority_id = authority_id
        super().__init__(message)


class FormError(ThresholdError):
    """A form is unknown, the route has no written form, or a form was asked for in
    an unknown format. The message says which, and what to do instead.

    ``route`` is the case's route when it has no written form, else None.
    """

    def __init__(self, authority_id: str, message: str, route: str | None = None) -> None:
        self.authority_id = authority_id
        self.route = route
        super().__init__(message)


class UnknownAuthorityError(AuthorityError):
    """No installed plugin registers this authority id (as opposed to a broken plugin)."""
