"""Compiling an authority's validated, merged data into the model.

Conditions become tests, fragments are inlined into the parts that use them,
the decision table keeps its order; texts and contacts become frozen classes.
Runs once per authority, when its plugin is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from threshold.core.io.urgent_flags import learn
from threshold.core.model.authority import (
    Authority,
    ConsentText,
    Contact,
    OpeningHours,
    PackVersion,
    Prerequisite,
    QuestionHint,
    RecordKeepingDuties,
    RouteDef,
    StepText,
    WarningText,
    Window,
)
from threshold.core.model.clock import DAY_NAMES
from threshold.core.model.enums import (
    Band,
    BankHolidays,
    HoursKind,
    Kind,
    Purpose,
    QuestionType,
)
from threshold.core.model.errors import DataError, FieldError
from threshold.core.model.questions import Choice, Level, Question
from threshold.core.model.sources import Citation, Document
from threshold.core.model.tables import (
    FragmentError,
    Part,
    Row,
    compile_condition,
    compile_parts,
)


def _citations(items: Sequence[Mapping[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(c["document"], c["section"], c.get("quote")) for c in items)


def _hours(spec: Mapping[str, Any]) -> OpeningHours:
    kind = HoursKind(spec["kind"])
    if "windows" in spec:
        windows = tuple(_window(w) for w in spec["windows"])
    elif kind is HoursKind.WEEKLY:
        windows = (_window(spec),)
    else:
        windows = ()
    return OpeningHours(
        kind,
        spec["text"],
        windows,
        spec.get("of"),
        BankHolidays(spec.get("bank_holidays", "unstated")),
    )


def _window(spec: Mapping[str, Any]) -> Window:
    days = spec.get("days")
    return Window(
        tuple(DAY_NAMES.index(d) for d in days) if days else None, spec["opens"], spec["closes"]
    )


def _relabel(parts: tuple[Part, ...], origins: Sequence[str]) -> tuple[Part, ...]:
    """Additions with the origin of each as written in its file (``additions[i]`` of the
    merged list is ``origins[i]``); a part inlined from a fragment keeps its own."""
    relabelled = []
    for part in parts:
        head, _, tail = part.origin.partition("]")
        if head.startswith("additions[") and ":" not in head:
            index = int(head.removeprefix("additions["))
            part = attrs.evolve(part, origin=origins[index] + tail)
        relabelled.append(part)
    return tuple(relabelled)


def _question(spec: Mapping[str, Any]) -> Question:
    if spec.get("urgent"):  # read even from input that is not valid, as the core's are
        learn(spec["id"], spec["urgent"])
    return Question(
        id=spec["id"],
        type=QuestionType(spec["type"]),
        title=spec["title"],
        words=spec["words"],
        help=spec["help"],
        citations=_citations(spec["citations"]),
        choices=tuple(
            Choice(c["value"], c["label"], c.get("words")) for c in spec.get("choices", [])
        ),
        nullable=spec.get("nullable", spec["type"] == "level"),
        default=spec.get("default", False if spec["type"] == "boolean" else None),
        short=spec.get("short"),
        option=spec.get("option"),
        public_title=spec.get("public_title"),
        yes=spec.get("yes"),
        no=spec.get("no"),
        role=spec.get("role"),
        urgent=spec.get("urgent"),
        harm_option=spec.get("harm_option"),
        web=spec.get("web", True),
        matrix=spec.get("matrix", True),
    )


def _origins(where: Mapping[str, Any], key: str, count: int) -> list[str]:
    """Where each of ``count`` items of ``key`` is written, or its field alone."""
    found = list(where.get(key, []))
    return found if len(found) == count else [f"{key}[{index}]" for index in range(count)]


def _routes_and_additions(
    data: Mapping[str, Any], where: Mapping[str, Any]
) -> tuple[dict[str, RouteDef], tuple[Part, ...]]:
    """The routes and the additions, their parts compiled and labelled by origin."""
    fragments = data.get("fragments", {})
    files: Mapping[str, Mapping[str, str]] = {
        key: where.get(key, {}) for key in ("routes", "fragments")
    }

    def origin(key: str, name: str, field: str) -> str:
        file = files[key].get(name)
        return f"{file}: {field}" if file else field

    prefixes = {name: origin("fragments", name, f"fragments.{name}") for name in fragments}
    try:
        routes = {
            route_id: RouteDef(
                route_id,
                Kind(spec["kind"]),
                spec["title"],
                tuple(
                    compile_parts(
                        spec["parts"],
                        origin("routes", route_id, f"routes.{route_id}.parts"),
                        fragments,
                        prefixes=prefixes,
                    )
                ),
            )
            for route_id, spec in data["routes"].items()
        }
        additions = tuple(
            compile_parts(data.get("additions", []), "additions", fragments, prefixes=prefixes)
        )
    except FragmentError as exc:
        raise DataError(str(data.get("id")), [FieldError("", str(exc))]) from None
    addition_origins = where.get("additions", [])
    if len(addition_origins) == len(data.get("additions", [])):
        additions = _relabel(additions, addition_origins)
    return routes, additions


def _rows(data: Mapping[str, Any], where: Mapping[str, Any]) -> tuple[Row, ...]:
    """The decision table's rows, in order, each naming where it is written."""
    origins = _origins(where, "rules", len(data["rules"]))
    return tuple(
        Row(
            compile_condition(spec.get("when")),
            spec["route"],
            origins[index],
            spec.get("variant"),
            tuple(spec.get("values", {}).items()),
        )
        for index, spec in enumerate(data["rules"])
    )


def _document(spec: Mapping[str, Any]) -> Document:
    """A source document from its data."""
    return Document(
        spec["id"],
        spec["seed"],
        spec["title"],
        spec["publisher"],
        spec["date_text"],
        spec.get("date"),
        spec.get("url"),
        spec.get("short_title"),
    )


def _level(spec: Mapping[str, Any]) -> Level:
    """A level of need from its data."""
    return Level(
        spec["number"],
        spec["name"],
        spec["summary"],
        Band(spec["band"]),
        _citations(spec["citations"]),
    )


def _contact(spec: Mapping[str, Any], origin: str) -> Contact:
    """A contact from its data; ``origin`` says where it is written."""
    return Contact(
        id=spec["id"],
        name=spec["name"],
        purposes=tuple(Purpose(p) for p in spec.get("purposes", [spec.get("purpose")])),
        hours=_hours(spec["hours"]),
        citations=_citations(spec["citations"]),
        phone=spec.get("phone"),
        phone_option=spec.get("phone_option"),
        email=spec.get("email"),
        url=spec.get("url"),
        note=spec.get("note"),
        origin=origin,
    )


def _texts(data: Mapping[str, Any]) -> dict[str, Any]:
    """The pack's texts by kind: steps, consent, warnings, prerequisites, hints."""
    return {
        "steps": {
            k: StepText(v["action"], v["reason"], _citations(v["citations"]))
            for k, v in data["steps"].items()
        },
        "summaries": dict(data["summaries"]),
        "consent": {
            k: ConsentText(v["guidance"], tuple(v["record"]), _citations(v["citations"]))
            for k, v in data.get("consent", {}).items()
        },
        "warnings": {
            k: WarningText(v["code"], v["message"], _citations(v.get("citations", [])))
            for k, v in data.get("warnings", {}).items()
        },
        "prerequisites": {
            k: Prerequisite(v["name"], _citations(v["citations"]))
            for k, v in data.get("prerequisites", {}).items()
        },
        "question_hints": {
            k: QuestionHint(v["text"], _citations(v["citations"]))
            for k, v in data.get("question_hints", {}).items()
        },
    }


def compile_authority(
    data: Mapping[str, Any],
    where: Mapping[str, Any] | None = None,
    *,
    version: PackVersion | None = None,
) -> Authority:
    """Compile validated, merged data into an :class:`Authority`.

    ``where`` says in which file each rule, addition, route and fragment is written
    (:func:`threshold.core.io.loading.where_written`), so the origin of each row
    and part names its file and field; without it, origins name the field only.

    Raises:
        DataError: a fragment is unknown or uses itself (the only reference the
            checks above leave to compilation).
    """
    where = where or {}
    routes, additions = _routes_and_additions(data, where)
    record = data["record_keeping"]
    contact_origins = _origins(where, "contacts", len(data["contacts"]))
    return Authority(
        id=data["id"],
        name=data["name"],
        policy_document=data["policy_document"],
        applies_from=data["applies_from"],
        reviewed=data["reviewed"],
        review_due=data["review_due"],
        documents=tuple(_document(d) for d in data["documents"]),
        levels=tuple(_level(v) for v in sorted(data["levels"], key=lambda v: v["number"])),
        questions=tuple(_question(q) for q in data.get("questions", [])),
        contacts=tuple(
            _contact(c, contact_origins[index]) for index, c in enumerate(data["contacts"])
        ),
        record_keeping=RecordKeepingDuties(
            record["always"], record["conversations"], _citations(record["citations"])
        ),
        routes=routes,
        rules=_rows(data, where),
        additions=additions,
        pack=data.get("pack"),
        version=version,
        **_texts(data),
    )
