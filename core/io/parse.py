"""Input read from people and intake systems: case data checked field by field
against the authority's case (the core's urgent part and its questions), with
errors that name each field and what is expected; query text typed by the same
fields; JSON decoded with care."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any, cast

import attrs

from threshold.core.io.json_text import ONCE, decode_carefully, invalid
from threshold.core.io.schemas import describe_value, shown_name
from threshold.core.io.spelling import spelling_key
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case, plain
from threshold.core.model.clock import check_range, parse_local
from threshold.core.model.enums import Referrer
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.fields import AT_EXPECTED, case_fields
from threshold.core.model.identity import per_object


def _not_an_object(data: object) -> CaseError:
    return CaseError(
        [
            FieldError(
                "case",
                f'got {describe_value(data)}; expected a JSON object such as {{"level": 3}}',
            )
        ]
    )


def _unknown(name: object, names: list[str]) -> FieldError:
    """An unknown field: named only when it is a safe identifier, with the field it
    most resembles (the same name in another spelling first, then a typo)."""
    text = name if isinstance(name, str) else str(name)
    same = [field for field in names if spelling_key(field) == spelling_key(text)]
    hint = same[:1] or difflib.get_close_matches(text, names, n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    return FieldError(
        shown_name(text), f"unknown field{suggestion}; expected one of: {', '.join(names)}"
    )


@attrs.frozen
class _Reader:
    """An authority's case schema compiled for reading: for each field but the time
    (the core's, then the questions', in order), its name, the (name, answer) pair
    for each answer it accepts by that answer, and the pair it takes when it is left
    out. The pairs are made once and shared by every case read (a case's answers
    hold no copies of its own), and a pair's answer has the type of the one accepted
    (so True is not taken for 1)."""

    fields: tuple[tuple[str, dict[object, tuple[str, object]], tuple[str, object]], ...]


_REFERRERS = {r.value: r for r in Referrer}
_ABSENT = object()
#: The core fields read first, in this order, before the questions.
_CORE_ORDER = ("immediate_danger", "significant_harm", "referrer")


def _pairs(name: str, answers: tuple[Any, ...]) -> dict[object, tuple[str, object]]:
    """The (name, answer) pair of each answer, by the answer; answers equal to another
    of another type (1 and True) are left out, for the field-by-field check to read."""
    pairs: dict[object, tuple[str, object]] = {}
    clashes = []
    for answer in answers:
        held = pairs.get(answer)
        if held is not None and type(held[1]) is not type(answer):
            clashes.append(answer)
        pairs.setdefault(answer, (name, answer))
    for answer in clashes:
        pairs.pop(answer, None)
    return pairs


@per_object
def _reader(authority: Authority) -> _Reader:
    """The compiled reader of ``authority``'s case (made once per authority)."""
    by_name = {f.name: f for f in case_fields(authority)}
    names = (*_CORE_ORDER, *(q.id for q in authority.questions))
    fields = []
    for name in names:
        field = by_name[name]
        assert field.answers is not None  # only the time takes any answer
        fields.append((name, _pairs(name, field.answers), (name, field.default)))
    return _Reader(tuple(fields))


def _read(data: dict[str, Any], reader: _Reader) -> Case | None:
    """The Case for ``data`` when every field is known and every answer one the field
    accepts (and ``at`` a usable time), else None: the field-by-field check then
    says what is wrong."""
    get = data.get
    found = 0
    read: list[tuple[str, object]] = []
    try:
        for name, pairs, default in reader.fields:
            value = get(name, _ABSENT)
            if value is _ABSENT:
                read.append(default)
                continue
            pair = pairs.get(value)
            if pair is None or type(pair[1]) is not type(value):
                return None
            read.append(pair)
            found += 1
    except TypeError:  # an unhashable value (a list, an object): refused below
        return None
    at = get("at")
    when = None
    if at is not None:
        if type(at) is not str:
            return None
        try:
            when = parse_local(at)
        except ValueError:
            return None
        found += 1
    elif "at" in data:
        found += 1
    if found != len(data):  # a field of no such name
        return None
    danger, harm, referrer = (cast(bool, read[0][1]), cast(bool, read[1][1]), read[2][1])
    return Case(danger, harm, _REFERRERS[cast(str, referrer)], when, tuple(read[3:]))


def parse_case(data: object, authority: Authority) -> Case:
    """Check ``data`` (a JSON object) field by field against ``authority``'s case
    (the core's urgent part and its questions) and return the Case, every answer
    filled in (defaults for those not given).

    A valid dict is read in one pass over its fields with the authority's compiled
    reader; anything else is checked field by field, for the errors.

    Raises:
        CaseError: with one FieldError per problem, each naming the field and
            what is expected, never echoing what was sent.
    """
    if type(data) is dict:
        case = _read(data, _reader(authority))
        if case is not None:
            return case
    return _check_each(data, authority)


def _check_each(data: object, authority: Authority) -> Case:
    """:func:`parse_case` field by field: every error, each naming its field."""
    if not isinstance(data, Mapping):
        raise _not_an_object(data)
    if any(isinstance(value, Enum) for value in data.values()):
        data = {name: plain(value) for name, value in data.items()}
    fields = {field.name: field for field in case_fields(authority)}
    errors = [_unknown(name, sorted(fields)) for name in data if name not in fields]
    for name, value in data.items():
        field = fields.get(name)
        if field is not None and field.answers is not None and not field.accepts(value):
            errors.append(
                FieldError(name, f"got {describe_value(value)}; expected {field.expected}")
            )
    when = None
    at = data.get("at")
    if at is not None and not errors:
        if not isinstance(at, str):
            errors.append(FieldError("at", f"got {describe_value(at)}; expected {AT_EXPECTED}"))
        else:
            try:
                when = parse_local(at)
                check_range(when)
            except ValueError as exc:
                errors.append(FieldError("at", str(exc)))
    if errors:
        raise CaseError(sorted(errors, key=lambda e: e.path))
    return Case(
        data.get("immediate_danger", False),
        data.get("significant_harm", False),
        Referrer(data.get("referrer", Referrer.PROFESSIONAL.value)),
        when,
        tuple(
            (q.id, data[q.id] if q.id in data else fields[q.id].default)
            for q in authority.questions
        ),
    )


def check_case(case: Case, authority: Authority) -> Case:
    """Return ``case`` (a Case built in Python, not parsed) for ``authority``: its
    answers checked against the authority's questions, in their order, defaults
    filled in, and its time usable.

    Raises:
        CaseError: an answer is to no question of the authority, or not one of its
            answers; ``at`` is not a datetime, or is outside the range of times a
            case may be acted on (:data:`threshold.core.model.clock.EARLIEST` to
            :data:`threshold.core.model.clock.LATEST`).
    """
    errors: list[FieldError] = []
    answers = _checked_answers(case.answers, authority, errors)
    if case.at is not None and not isinstance(case.at, dt.datetime):
        errors.append(FieldError("at", "expected a datetime.datetime or None"))
    elif case.at is not None:
        try:
            check_range(case.at)
        except ValueError as exc:
            errors.append(FieldError("at", str(exc)))
    if errors:
        raise CaseError(errors)
    # ``is``, not ``==``: "refused" == Consent.REFUSED, but the table tells them apart.
    return case if answers is case.answers else attrs.evolve(case, answers=answers)


@per_object
def _checked(_: Authority) -> dict[object, object]:
    """Answers already checked for an authority, by the answers with their types (so
    True and 1 are told apart): a prepared case is checked once, not on every call."""
    return {}


#: Kept for answers that are already complete and plain (the case is used as it is).
_SAME = object()
#: At most this many answer sets are kept per authority (free-text answers are unbounded).
_CHECKED_MAX = 4096


def _typed(answers: tuple[tuple[str, Any], ...]) -> tuple[object, ...]:
    """Answers with the type of each value, so that equal means the same."""
    return tuple((name, type(value), value) for name, value in answers)


def _checked_answers(
    answers: tuple[tuple[str, Any], ...], authority: Authority, errors: list[FieldError]
) -> tuple[tuple[str, Any], ...]:
    """``answers`` checked against ``authority``'s questions, in their order, with
    defaults filled in; each wrong one is added to ``errors``."""
    known = _checked(authority)
    try:
        key: object = (answers, tuple(type(value) for _, value in answers))
        found = known.get(key)
    except TypeError:  # an unhashable answer: checked (and refused) below
        key, found = None, None
    if found is _SAME:
        return answers
    if isinstance(found, tuple):
        return found
    given = {name: plain(value) for name, value in answers}
    fields = {field.name: field for field in case_fields(authority)}
    wrong = [
        _unknown(name, sorted(fields)) for name in given if name not in fields or name in _CORE
    ]
    for name, value in given.items():
        field = fields.get(name)
        if field is not None and field.answers is not None and not field.accepts(value):
            wrong.append(
                FieldError(name, f"got {describe_value(value)}; expected {field.expected}")
            )
    errors.extend(wrong)
    checked = tuple((q.id, given.get(q.id, fields[q.id].default)) for q in authority.questions)
    same = _typed(checked) == _typed(answers)  # complete and plain: kept as it is
    if not wrong and key is not None:
        if len(known) >= _CHECKED_MAX:
            known.clear()
        known[key] = _SAME if same else checked
    return answers if same else checked


_CORE = {"immediate_danger", "significant_harm", "referrer", "at"}
_INTEGER = re.compile(r"-?[0-9]{1,18}")


def case_from_text(values: Mapping[str, str], authority: Authority) -> dict[str, object]:
    """Return case data from text values (an HTTP query: ``level=3&unborn=true``),
    typed by ``authority``'s case: a level's digits become an integer, a flag's
    ``true`` or ``false`` a boolean, ``null`` null where the field allows it.
    Anything else stays a string, so :func:`parse_case` names the field and what is
    expected, with the same messages as for JSON."""
    fields = {field.name: field for field in case_fields(authority)}
    data: dict[str, object] = {}
    for name, text in values.items():
        field = fields.get(name)
        value: object = text
        if field is not None and field.answers is not None:
            if text == "null" and None in field.answers:
                value = None
            elif field.kind == "level" and _INTEGER.fullmatch(text):
                value = int(text)
            elif field.kind == "flag" and text in ("true", "false"):
                value = text == "true"
        data[name] = value
    return data


def decode_json(
    data: bytes, *, field: str = "", one_line: bool = False, example: str = '{"level": 3}'
) -> object:
    """Parse JSON text (UTF-8, a byte-order mark allowed) from untrusted input.

    ``field`` names the input in the error ("--case", "body"); with ``one_line``
    (a batch line) the error gives the column only. An object that gives a key
    twice is refused (the JSON standard leaves its meaning open, and a parser
    would keep one copy silently): the error names each such key.

    Raises:
        InvalidJSONError: not UTF-8, not JSON, a duplicated key, or nested too
            deeply; the message says what is expected and never echoes the input.
            Its ``raised`` gives the urgent flags read from the text itself (every
            copy of a duplicated key, any spelling), for the urgent advice.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        raise invalid(text, [FieldError(field, "expected UTF-8 encoded JSON")]) from None
    try:
        return ONCE.decode(text)
    except Exception:  # not JSON, a key twice, too deep: read again to say which
        pass
    return decode_carefully(text, field, one_line, example)
