"""Decision records: what was advised, for whom (an authority, never a person), with
which data, and which case fields decided the route.

The decision id is a content hash, not a random uuid: the first 32 hex digits of
the SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8) of every other
field of the record. Anyone can recompute it from the record (an edited record no
longer matches its id), it is a pure function of the record (tests and auditors
can reproduce it), and the record includes the time it was made to the
microsecond, so two decisions on identical facts are two records. The case holds
no personal data, so neither does the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import attrs

from threshold.core.engine.plan import ReferralRule, decide_route
from threshold.core.io.distributions import version
from threshold.core.model.authority import Authority
from threshold.core.model.case import Case
from threshold.core.model.enums import Referrer
from threshold.core.model.fields import case_fields
from threshold.core.model.guidance import AuthorityRef, DecisionRecord, DecisionStep, Guidance
from threshold.core.model.plain import plain_data

FORMAT = "threshold.record/1"


def canonical_json(data: object) -> bytes:
    """Return ``data`` as canonical JSON: keys sorted, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def decision_id(record: dict[str, Any]) -> str:
    """Return the decision id of a record given as JSON data (its own ``id`` is ignored):
    the first 32 hex digits of the SHA-256 of the canonical JSON of every other field.
    Use it to check that a stored record has not been edited."""
    content = {key: value for key, value in record.items() if key != "id"}
    return hashlib.sha256(canonical_json(content)).hexdigest()[:32]


@cache
def engine_version() -> str:
    """Return "threshold VERSION" for the installed package."""

    found = version("threshold")
    return f"threshold {found}" if found else "threshold (version unknown)"


def _alternatives(authority: Authority) -> tuple[tuple[str, tuple[object, ...]], ...]:
    """Every field of ``authority``'s case that can decide a route, with every answer
    it may take (the time never chooses a route)."""
    return tuple(
        (field.name, field.answers) for field in case_fields(authority) if field.answers is not None
    )


def _with(case: Case, name: str, value: object) -> Case:
    """``case`` with field ``name`` answered ``value``."""
    if name == "immediate_danger":
        return attrs.evolve(case, immediate_danger=bool(value))
    if name == "significant_harm":
        return attrs.evolve(case, significant_harm=bool(value))
    if name == "referrer":
        return attrs.evolve(case, referrer=Referrer(str(value)))
    return attrs.evolve(
        case, answers=tuple((k, value if k == name else v) for k, v in case.answers)
    )


def deciding_fields(case: Case, authority: Authority, rule: ReferralRule | None) -> tuple[str, ...]:
    """Return the case fields for which any other allowed value gives a different route.

    A variant whose routing fails counts as different: the field mattered.
    """
    route = decide_route(case, authority, rule)
    current = case.facts()

    def differs(name: str, values: tuple[object, ...]) -> Iterator[bool]:
        for value in values:
            if type(value) is type(current.get(name)) and value == current.get(name):
                continue
            try:
                yield decide_route(_with(case, name, value), authority, rule) != route
            except Exception:
                yield True

    return tuple(name for name, values in _alternatives(authority) if any(differs(name, values)))


def make_decision_record(
    case: Case,
    guidance: Guidance,
    authority: Authority,
    rule: ReferralRule | None,
    *,
    now: dt.datetime | None = None,
) -> DecisionRecord:
    """Return the decision record of ``guidance`` (given for ``case`` in ``authority``).

    ``now`` (for tests) is when the record is made; default: the current UTC time.
    """

    made = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    record = DecisionRecord(
        format=FORMAT,
        id="",
        at=guidance.at,
        recorded_at=made.isoformat(timespec="microseconds"),
        engine=engine_version(),
        authority=AuthorityRef(guidance.authority.id, guidance.authority.name),
        source=guidance.source,
        route=guidance.route,
        level=guidance.level,
        eha_required=guidance.eha_required,
        steps=tuple(DecisionStep(s.order, s.id, s.action) for s in guidance.steps),
        contacts=tuple(c.id for c in guidance.contacts),
        case=attrs.evolve(case, at=dt.datetime.fromisoformat(guidance.at)),
        deciding_fields=deciding_fields(case, authority, rule),
    )
    return attrs.evolve(record, id=decision_id(plain_data(record)))
