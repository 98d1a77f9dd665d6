"""Batches: one case per line (JSON Lines) in, one result per line out, in order,
in constant memory.

A line is a case (``schemas/case.schema.json``) that may also carry its own
``authority`` (``schemas/batch-line.schema.json``); each line's case is read
against its own authority's questions (that authority's case schema,
:func:`threshold.core.io.case_schema.case_schema`). A bad line gives an error
record for that line (line number, field, message; never the line's text) and
the rest continue. The same functions serve ``threshold route --batch`` and the
HTTP service (``POST /route``, ``POST /route/batch``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

import attrs

from threshold.core.engine.api import route_read
from threshold.core.interfaces.failures import ErrorInfo, debugging, error_info
from threshold.core.io.parse import _not_an_object as not_an_object
from threshold.core.io.parse import decode_json, parse_case
from threshold.core.io.schemas import describe_value
from threshold.core.io.urgent_flags import flags
from threshold.core.model.case import Case
from threshold.core.model.errors import CaseError, FieldError, ThresholdError
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry, default_registry
from threshold.core.render.guidance_json import guidance_json_bytes

#: The longest line read (a case is well under 1 KiB); longer lines are an error.
MAX_LINE_BYTES = 64 * 1024
_AUTHORITY_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_EXPECTED_AUTHORITY = 'an authority id such as "derbyshire"'


@attrs.frozen
class Line:
    """One input line as read.

    Attributes:
        number: Line number, from 1.
        data: The line's bytes (empty when too long).
        size: Bytes read for the line, newline included.
        too_long: True when the line was longer than the limit (it was skipped).
        urgent: (immediate danger, child protection) seen in a line too long to parse.
    """

    number: int
    data: bytes
    size: int
    too_long: bool = False
    urgent: tuple[bool, bool] = (False, False)


@attrs.frozen
class LineResult:
    """The result for one input line: its guidance, or an error record.

    Attributes:
        line: The input line number, from 1.
        guidance: The guidance, when the line routed.
        error: What went wrong, when it did not.
    """

    line: int
    guidance: Guidance | None = None
    error: ErrorInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the result as ``schemas/batch-result.schema.json`` data."""
        if self.guidance is not None:
            return {"line": self.line, "guidance": self.guidance.to_dict()}
        assert self.error is not None
        return {"line": self.line, "error": self.error.to_dict()["error"]}

    def to_json_line(self) -> bytes:
        """Return the result as one line of compact JSON (UTF-8, newline-terminated):
        the same text as ``json.dumps(self.to_dict())``, encoded faster."""
        if self.guidance is not None:
            head = b'{"line":%d,"guidance":' % self.line
            return head + guidance_json_bytes(self.guidance) + b"}\n"
        text = json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8") + b"\n"


def read_lines(stream: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Yield the lines of ``stream`` one at a time, never holding more than
    ``max_bytes`` of one; a longer line is skipped (its urgent flags still read)."""
    number = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield Line(number, raw, len(raw))
            continue
        size = len(raw)
        danger, child_protection = flags(raw)
        while True:
            more = stream.readline(max_bytes)
            size += len(more)
            seen = flags(more)
            danger, child_protection = danger or seen[0], child_protection or seen[1]
            if not more or more.endswith(b"\n"):
                break
        yield Line(number, b"", size, too_long=True, urgent=(danger, child_protection))


def parse_line(
    data: object, default_authority: str | None, registry: Registry | None = None
) -> tuple[str, Case]:
    """Split a batch line (or a ``POST /route`` body) into its authority and case.

    The line's own ``authority`` wins over ``default_authority``. The authority is
    found first (in ``registry``, the installed plugins by default): the case is
    read against its questions (its own case schema).

    Raises:
        CaseError: there is no authority, or it is not an id, or a field is wrong
            (the same messages as ``threshold route``).
        AuthorityError: the authority is unknown or its plugin broken.
    """
    if not isinstance(data, Mapping):
        raise not_an_object(data)  # the same error as for a case anywhere else
    values = dict(data)
    authority = values.pop("authority", None)
    if authority is None:
        authority = default_authority
        if authority is None:
            raise CaseError(
                [
                    FieldError(
                        "authority",
                        f"missing; expected {_EXPECTED_AUTHORITY} on the line, or a default "
                        "(--authority, ?authority=)",
                    )
                ]
            )
    elif (problem := authority_id_error(authority)) is not None:
        raise CaseError([FieldError("authority", problem)])
    assert isinstance(authority, str)
    policy = (registry or default_registry()).get(authority).authority
    return authority, parse_case(values, policy)


def authority_id_error(value: object) -> str | None:
    """What is wrong with ``value`` as an authority id (never echoing it), or None
    when it has the shape of one (whether it is installed is the registry's to say)."""
    if isinstance(value, str) and _AUTHORITY_ID.fullmatch(value):
        return None
    if isinstance(value, str) and _AUTHORITY_ID.fullmatch(value.lower()):
        return f"got a string that is not in lower case; expected {_EXPECTED_AUTHORITY}"
    return f"got {describe_value(value)}; expected {_EXPECTED_AUTHORITY}"


#: An authority named in text that could not be parsed.
_AUTHORITY_IN_TEXT = re.compile(rb'"authority"\s*:\s*"([^"\\\n]{1,100})"')


def authority_of(data: object, default: str | None) -> str | None:
    """The authority a (possibly invalid) line names, else ``default``: for the
    urgent advice that goes with an error. An id that is not installed is kept
    (an installed id in capitals, or mistyped), so the advice can give the lines
    of the ids it resembles; it is never shown."""
    if isinstance(data, bytes):
        match = _AUTHORITY_IN_TEXT.search(data)
        return match.group(1).decode("utf-8", "replace") if match else default
    if isinstance(data, Mapping):
        given = data.get("authority")
        if isinstance(given, str) and 0 < len(given) <= 100:
            return given
    return default


def route_line(
    line: Line, default_authority: str | None, *, record: bool, registry: Registry
) -> LineResult:
    """Route one line; any failure becomes that line's error record."""

    data: object = line.data
    try:
        if line.too_long:
            danger, child_protection = line.urgent
            data = {"immediate_danger": danger, "significant_harm": child_protection}
            raise CaseError(
                [
                    FieldError(
                        "",
                        f"line is longer than {MAX_LINE_BYTES} bytes; expected one case "
                        "(a JSON object) per line",
                    )
                ]
            )
        data = decode_json(line.data, one_line=True)
        authority, case = parse_line(data, default_authority, registry)
        guidance = route_read(case, registry.get(authority), registry, record=record)
        return LineResult(line.number, guidance=guidance)
    except Exception as exc:
        if debugging() and not isinstance(exc, ThresholdError):
            raise
        info = error_info(exc, data, authority_of(data, default_authority), registry)
        if line.too_long:
            info = attrs.evolve(info, code="line-too-long")
        return LineResult(line.number, error=info)


def route_stream(
    stream: IO[bytes],
    default_authority: str | None,
    *,
    record: bool = False,
    registry: Registry,
    on_line: Callable[[Line], None] | None = None,
) -> Iterator[LineResult]:
    """Yield one result per line of ``stream``, in order, holding one line at a time.
    ``on_line`` is called with each line as it is read (for progress)."""
    for line in read_lines(stream):
        if on_line is not None:
            on_line(line)
        yield route_line(line, default_authority, record=record, registry=registry)
