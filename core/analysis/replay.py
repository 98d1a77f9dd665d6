"""Replaying a decision record: re-deriving it with the version of the data named in
it, confirming it reproduces exactly (or saying what differs and why), and saying
whether the version in force today would route its case differently.

A record (``schemas/record.schema.json``) holds the case as routed, the time, the
engine, and since issue 16 the version of the authority's data and its content
hash. Replaying routes the case again at the record's time with that version and
makes the record again as it was made (same ``recorded_at``); the decision id is
a hash of the content, so an exact reproduction has the same id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from threshold.core.engine.api import route
from threshold.core.engine.decision import FORMAT as RECORD_FORMAT
from threshold.core.engine.decision import decision_id
from threshold.core.io.schemas import field_errors, validator
from threshold.core.model.authority import Authority
from threshold.core.model.converter import to_dict
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.plain import plain_data
from threshold.core.plugins.info import Registered
from threshold.core.plugins.registry import Registry
from threshold.core.plugins.versions import choose, day_of

FORMAT = "threshold.replay/1"

#: What "routes it differently" compares: the decision, not the record's bookkeeping.
DECISION_FIELDS = ("route", "level", "eha_required", "steps", "contacts", "deciding_fields")


@attrs.frozen
class Difference:
    """One field of a record that differs, as canonical JSON text.

    Attributes:
        field: The record's field (``route``, ``source``, ``steps``, ...).
        recorded: Its value in the record.
        replayed: Its value when replayed.
    """

    field: str
    recorded: str
    replayed: str


@attrs.frozen
class Replay:
    """What replaying a decision record found (``schemas/replay.schema.json``).

    Attributes:
        format: ``threshold.replay/1``.
        record_id: The record's id.
        id_matches: Whether the id is the hash of the record's content (False: it
            was edited after it was made).
        authority: The authority's id.
        version: The version named in the record (None: a record made before
            versions were recorded).
        version_hash: The content hash named in the record.
        replayed_with: The version replayed with (None: it is not installed).
        replayed_hash: Its content hash now.
        reproduced: True when the record is made again exactly (same id).
        differences: The fields that differ when replayed.
        reasons: Why, in words, one a line (or that it reproduces exactly).
        today_version: The version in force today.
        today_same: True when today's version routes the case as the record says.
        today_differences: What differs with today's version (decision fields only).
    """

    format: str
    record_id: str
    id_matches: bool
    authority: str
    version: str | None
    version_hash: str | None
    replayed_with: str | None
    replayed_hash: str | None
    reproduced: bool
    differences: tuple[Difference, ...]
    reasons: tuple[str, ...]
    today_version: str | None
    today_same: bool
    today_differences: tuple[Difference, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the replay as JSON-ready data matching ``schemas/replay.schema.json``."""
        data: dict[str, Any] = to_dict(self)
        return data


def _text(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _differences(
    recorded: Mapping[str, Any], replayed: Mapping[str, Any], fields: tuple[str, ...]
) -> tuple[Difference, ...]:
    return tuple(
        Difference(name, _text(recorded.get(name)), _text(replayed.get(name)))
        for name in fields
        if recorded.get(name) != replayed.get(name)
    )


def check_record(record: object) -> dict[str, Any]:
    """Return ``record`` when it is a decision record (``schemas/record.schema.json``).

    Raises:
        CaseError: it is not; each field named (its values never repeated).
    """
    if not isinstance(record, dict):
        raise CaseError([FieldError("record", "expected a decision record (a JSON object)")])
    if record.get("format") != RECORD_FORMAT:
        raise CaseError([FieldError("format", f'expected "{RECORD_FORMAT}"')])
    errors = field_errors(validator("record").iter_errors(record), echo=False)
    for name in () if errors else ("at", "recorded_at"):
        try:
            dt.datetime.fromisoformat(record[name])
        except ValueError:
            errors.append(FieldError(name, "expected a date and time such as 2026-11-23T11:00"))
    if errors:
        raise CaseError(errors)
    return record


def _version_of(
    registered: Registered, record: Mapping[str, Any]
) -> tuple[Authority | None, list[str]]:
    """The version to replay with, and what to say about the choice."""
    named = (record["source"].get("version") or {}).get("name")
    versions = registered.all_versions()
    if named is None:
        chosen = choose(versions, day_of(dt.datetime.fromisoformat(record["at"])))
        name = chosen.version.name if chosen.version else "current"
        return chosen, [
            "the record names no version of the data (made before versions were recorded): "
            f"replayed with {name}, the version for its time"
        ]
    for authority in versions:
        if authority.version is not None and authority.version.name == named:
            return authority, []
    listed = ", ".join(a.version.name for a in versions if a.version)
    return None, [f"version {named} is not installed (installed: {listed}): it cannot be replayed"]


def _why(record: Mapping[str, Any], made: Mapping[str, Any], fields: set[str]) -> list[str]:
    """Why a replay differs, from which fields differ."""
    reasons = []
    recorded_hash = (record["source"].get("version") or {}).get("hash")
    now_hash = (made["source"].get("version") or {}).get("hash")
    if recorded_hash is not None and recorded_hash != now_hash:
        reasons.append(
            f"the data of this version has changed since the record was made (hash "
            f"{recorded_hash} then, {now_hash} now)"
        )
    if "engine" in fields:
        reasons.append(f"made with {record['engine']}, replayed with {made['engine']}")
    if "source" in fields and not reasons:
        reasons.append("the plugin, its version or its data's dates have changed")
    decided = sorted(fields & set(DECISION_FIELDS))
    if decided:
        because = "because of the above" if reasons else "with the same data and engine"
        reasons.append(f"the decision differs ({', '.join(decided)}), {because}")
    return reasons


def replay(record: object, registry: Registry) -> Replay:
    """Replay the decision record ``record`` (JSON data) with the installed plugins.

    Raises:
        CaseError: it is not a decision record, or its case is not valid for the
            version named in it.
        AuthorityError: its authority is unknown or broken.
    """
    record = check_record(record)
    id_matches = decision_id(record) == record["id"]
    authority_id = record["authority"]["id"]
    registered = registry.get(authority_id)
    chosen, reasons = _version_of(registered, record)
    recorded_version = record["source"].get("version") or {}
    today = registered.authority
    case = {**record["case"], "at": record["at"]}
    differences: tuple[Difference, ...] = ()
    made: dict[str, Any] | None = None
    if chosen is not None:
        again = route(case, authority_id, registry=registry, version=chosen, record=True)
        assert again.record is not None
        remade = attrs.evolve(again.record, recorded_at=record["recorded_at"])
        made = plain_data(attrs.evolve(remade, id=""))
        made["id"] = decision_id(made)
        differences = _differences(record, made, tuple(k for k in made if k != "id"))
        reasons += _why(record, made, {d.field for d in differences})
    if not id_matches:
        reasons.append(
            "the record's id does not match its content: it was edited after it was made"
        )
    reproduced = made is not None and not differences and id_matches
    if reproduced:
        reasons.append("reproduced exactly: the same id, every field the same")
    if today is chosen and made is not None:
        today_differences = _differences(record, made, DECISION_FIELDS)
    else:
        now = route(case, authority_id, registry=registry, version=today, record=True)
        today_differences = _differences(record, to_dict(now.record), DECISION_FIELDS)
    return Replay(
        format=FORMAT,
        record_id=record["id"],
        id_matches=id_matches,
        authority=authority_id,
        version=recorded_version.get("name"),
        version_hash=recorded_version.get("hash"),
        replayed_with=chosen.version.name if chosen is not None and chosen.version else None,
        replayed_hash=chosen.version.hash if chosen is not None and chosen.version else None,
        reproduced=reproduced,
        differences=differences,
        reasons=tuple(reasons),
        today_version=today.version.name if today.version else None,
        today_same=not today_differences,
        today_differences=today_differences,
    )
