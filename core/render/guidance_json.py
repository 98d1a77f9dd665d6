"""Guidance as compact JSON, fast enough for batches.

The same text as ``json.dumps(guidance.to_dict(), ensure_ascii=False,
separators=(",", ":"))`` (a test checks it over every combination of the case
fields), but the parts of a guidance that the engine reuses between calls for
the same case (the very same objects: steps, consent, citations, ...) are
encoded once and their bytes reused, found by object identity and checked
object by object. Only what changes with the time (``at``, each contact's
``open``, ``next_open``, ``alternative`` and ``when_closed``, the warnings) is
encoded on every call; and a contact advice that is the very same object as
before (the engine keeps one per contact and state) is not encoded again at all.
Without cattrs: :func:`threshold.core.model.plain.plain_data` gives the same data.
"""

from __future__ import annotations

import json
import operator
from json.encoder import encode_basestring
from typing import Any

import attrs

from threshold.core.model.guidance import ContactAdvice, Guidance
from threshold.core.model.plain import plain_data

_LIMIT = 100_000
_COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}


def _plain(value: Any) -> bytes:
    return json.dumps(plain_data(value), **_COMPACT).encode("utf-8")


def _scalar(value: str | int | bool | None) -> bytes:
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, int):
        return str(value).encode()
    return str(encode_basestring(value)).encode("utf-8")


def _key(name: str) -> bytes:
    return encode_basestring(name).encode() + b":"


# ----------------------------------------------------------------------------- contacts
_CONTACT_FIELDS = tuple(f.name for f in attrs.fields(ContactAdvice))
#: The fields of a contact that change with the time, encoded on every call.
_CONTACT_PER_CALL = ("open", "next_open", "alternative", "when_closed")
_CONTACT_KEYS = tuple(_key(name) for name in _CONTACT_PER_CALL)
#: For each contact template (found by its citations tuple, which the engine makes
#: once per contact and reuses), the bytes around the per-call fields: before each
#: of them (the run of fixed fields before it and its key), and the end.
_AROUND: dict[int, tuple[tuple[Any, ...], tuple[bytes, ...]]] = {}


def _contact_glue(contact: ContactAdvice) -> tuple[bytes, ...]:
    runs: list[list[bytes]] = [[]]
    for name in _CONTACT_FIELDS:
        if name in _CONTACT_PER_CALL:
            runs.append([])
            continue
        value = getattr(contact, name)
        text = _plain(value) if name == "citations" else _scalar(getattr(value, "value", value))
        runs[-1].append(_key(name) + text)
    joined = [b",".join(run) for run in runs]
    before = [
        (b"{" if index == 0 else b",") + (run + b"," if run else b"") + key
        for index, (run, key) in enumerate(zip(joined, _CONTACT_KEYS, strict=False))
    ]
    return (*before, (b"," + joined[-1] if joined[-1] else b"") + b"}")


def _fixed(contact: ContactAdvice) -> tuple[Any, ...]:
    return tuple(getattr(contact, n) for n in _CONTACT_FIELDS if n not in _CONTACT_PER_CALL)


def _contact(contact: ContactAdvice) -> tuple[bytes, ...]:
    """The contact's bytes in pieces: the glue of its template (shared by every
    state of the contact) between the per-call values."""
    citations = contact.citations
    fixed = _fixed(contact)
    hit = _AROUND.get(id(citations)) if citations else None
    if hit is None or hit[0] != fixed:  # identical objects: compared by identity in C
        hit = (fixed, _contact_glue(contact))
        if citations:  # an empty tuple is shared: no identity to go by
            if len(_AROUND) >= _LIMIT:
                _AROUND.clear()
            _AROUND[id(citations)] = hit  # the stored tuple keeps the id from reuse
    glue = hit[1]
    values = (contact.open, contact.next_open, contact.alternative, contact.when_closed)
    pieces: list[bytes] = []
    for before, value in zip(glue, values, strict=False):
        pieces += (before, _scalar(value))
    pieces.append(glue[-1])
    return tuple(pieces)


#: The pieces of each contact advice (:func:`_contact`), by its identity (the engine
#: keeps and reuses the very same advice for a contact in the same state, so a batch
#: spread over a year has a few thousand); the stored advice keeps its id from
#: reuse. Lists are joined from these, not kept whole: lists differ by one contact's
#: state and would hold each contact's bytes many times over; and the pieces share
#: the bytes of the contact's fixed fields between its states.
_ONE: dict[int, tuple[ContactAdvice, tuple[bytes, ...]]] = {}
#: At most this many are kept (the pieces of a contact's own are under 1 KiB).
_ONE_LIMIT = 4_096


def _contact_list(contacts: tuple[ContactAdvice, ...]) -> bytes:
    parts = []
    for contact in contacts:
        hit = _ONE.get(id(contact))
        if hit is None or hit[0] is not contact:
            if len(_ONE) >= _ONE_LIMIT:
                _ONE.clear()
            hit = _ONE[id(contact)] = (contact, _contact(contact))
        parts.append(b"".join(hit[1]))
    return b"[" + b",".join(parts) + b"]"


# ----------------------------------------------------------------------------- guidance
_FIELDS = tuple(f.name for f in attrs.fields(Guidance))
#: The fields encoded on every call, in the order of the class (the record last:
#: it is the only one that may be left out).
_PER_CALL = ("at", "contacts", "urgent_contacts", "warnings", "record")
#: The runs of fields between the per-call ones, in order.
_RUNS: list[tuple[str, ...]] = []
_run: list[str] = []
for _name in _FIELDS:
    if _name in _PER_CALL:
        _RUNS.append(tuple(_run))
        _run = []
    else:
        _run.append(_name)
_RUNS.append(tuple(_run))
if [n for n in _FIELDS if n in _PER_CALL] != list(_PER_CALL):
    raise ImportError("guidance_json: the per-call fields are not in the order of Guidance")
_STATIC_FIELDS = tuple(n for n in _FIELDS if n not in _PER_CALL)
#: The static field values of a guidance, read in one call (in C).
_static_values = operator.attrgetter(*_STATIC_FIELDS)

#: For each static guidance (found by its steps tuple, made once per distinct
#: case), its static field values and its glue (see :func:`_glue`).
_SEGMENTS: dict[int, tuple[tuple[Any, ...], tuple[bytes, ...]]] = {}


def _segments(guidance: Guidance) -> tuple[bytes, ...]:
    values = _static_values(guidance)
    hit = _SEGMENTS.get(id(guidance.steps))
    if hit is not None and hit[0] == values:  # identical objects: compared by identity in C
        return hit[1]
    runs = [b",".join(_key(n) + _value(getattr(guidance, n)) for n in run) for run in _RUNS]
    glue = _glue(runs)
    if len(_SEGMENTS) >= _LIMIT:
        _SEGMENTS.clear()
    _SEGMENTS[id(guidance.steps)] = (values, glue)  # the values keep the ids from reuse
    return glue


def _glue(runs: list[bytes]) -> tuple[bytes, ...]:
    """The bytes around the per-call fields, from the runs of static fields between
    them: before each per-call field (the runs before it and its key), then the end
    after a record, and the end when there is none (the record is left out)."""
    before = [
        (b"{" if index == 0 else b",") + (run + b"," if run else b"") + _KEYS[name]
        for index, (run, name) in enumerate(zip(runs, _PER_CALL, strict=False))
    ]
    end = (b"," + runs[-1] if runs[-1] else b"") + b"}"
    no_record = (b"," + runs[-2] if runs[-2] else b"") + end
    return (*before, end, no_record)


def _value(value: Any) -> bytes:
    if value is None or isinstance(value, str | int | bool):
        return _scalar(value)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum
        return _scalar(value.value)
    return _plain(value)


_KEYS = {name: _key(name) for name in _PER_CALL}
_WARNINGS: dict[int, tuple[object, bytes]] = {}


def _warnings(warnings: tuple[Any, ...]) -> bytes:
    hit = _WARNINGS.get(id(warnings))
    if hit is None or hit[0] is not warnings:
        if len(_WARNINGS) >= _LIMIT:
            _WARNINGS.clear()
        hit = (warnings, _plain(warnings))
        _WARNINGS[id(warnings)] = hit
    return hit[1]


def guidance_json_bytes(guidance: Guidance) -> bytes:
    """Return ``guidance`` as compact JSON, UTF-8 (``schemas/guidance.schema.json``)."""
    at, contacts, urgent, warnings, record, end, no_record = _segments(guidance)
    tail = no_record if guidance.record is None else record + _plain(guidance.record) + end
    return b"".join(
        (
            at,
            _scalar(guidance.at),
            contacts,
            _contact_list(guidance.contacts),
            urgent,
            _contact_list(guidance.urgent_contacts),
            warnings,
            _warnings(guidance.warnings),
            tail,
        )
    )


def guidance_json(guidance: Guidance) -> str:
    """Return ``guidance`` as compact JSON text (``schemas/guidance.schema.json``)."""
    return guidance_json_bytes(guidance).decode("utf-8")
