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


def compile_authority(data: Mapping[str, Any], where: Mapping[str, Any] | None = None) -> Authority:
    """Compile validated, merged data into an :class:`Authority`.

    ``where`` says in which file each rule, addition, route and fragment is written
    (:func:`threshold.core.io.loading.where_written`), so the origin of each row
    and part names its file and field; without it, origins name the field only.

    Raises:
        DataError: a fragment is unknown or uses itself (the only reference the
            checks above leave to compilation).
    """
    fragments = data.get("fragments", {})
    where = where or {}
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
        addition_origins = where.get("additions", [])
        if len(addition_origins) == len(data.get("additions", [])):
            additions = _relabel(additions, addition_origins)
    except FragmentError as exc:
        raise DataError(str(data.get("id")), [FieldError("", str(exc))]) from None
    row_origins = where.get("rules", [])
    if len(row_origins) != len(data["rules"]):
        row_origins = [f"rules[{index}]" for index in range(len(data["rules"]))]
    rows = tuple(
        Row(
            compile_condition(spec.get("when")),
            spec["route"],
            row_origins[index],
            spec.get("variant"),
            tuple(spec.get("values", {}).items()),
        )
        for index, spec in enumerate(data["rules"])
    )
    record = data["record_keeping"]
    contact_origins = where.get("contacts", [])
    if len(contact_origins) != len(data["contacts"]):
        contact_origins = [f"contacts[{index}]" for index in range(len(data["contacts"]))]
    return Authority(
        id=data["id"],
        name=data["name"],
        policy_document=data["policy_document"],
        applies_from=data["applies_from"],
        reviewed=data["reviewed"],
        review_due=data["review_due"],
        documents=tuple(
            Document(
                d["id"],
                d["seed"],
                d["title"],
                d["publisher"],
                d["date_text"],
                d.get("date"),
                d.get("url"),
                d.get("short_title"),
            )
            for d in data["documents"]
        ),
        levels=tuple(
            Level(
                level["number"],
                level["name"],
                level["summary"],
                Band(level["band"]),
                _citations(level["citations"]),
            )
            for level in sorted(data["levels"], key=lambda level: level["number"])
        ),
        questions=tuple(_question(q) for q in data.get("questions", [])),
        contacts=tuple(
            Contact(
                id=c["id"],
                name=c["name"],
                purposes=tuple(Purpose(p) for p in c.get("purposes", [c.get("purpose")])),
                hours=_hours(c["hours"]),
                citations=_citations(c["citations"]),
                phone=c.get("phone"),
                phone_option=c.get("phone_option"),
                email=c.get("email"),
                url=c.get("url"),
                note=c.get("note"),
                origin=contact_origins[index],
            )
            for index, c in enumerate(data["contacts"])
        ),
        steps={
            k: StepText(v["action"], v["reason"], _citations(v["citations"]))
            for k, v in data["steps"].items()
        },
        summaries=dict(data["summaries"]),
        consent={
            k: ConsentText(v["guidance"], tuple(v["record"]), _citations(v["citations"]))
            for k, v in data.get("consent", {}).items()
        },
        warnings={
            k: WarningText(v["code"], v["message"], _citations(v.get("citations", [])))
            for k, v in data.get("warnings", {}).items()
        },
        prerequisites={
            k: Prerequisite(v["name"], _citations(v["citations"]))
            for k, v in data.get("prerequisites", {}).items()
        },
        record_keeping=RecordKeepingDuties(
            record["always"], record["conversations"], _citations(record["citations"])
        ),
        question_hints={
            k: QuestionHint(v["text"], _citations(v["citations"]))
            for k, v in data.get("question_hints", {}).items()
        },
        routes=routes,
        rules=rows,
        additions=additions,
        pack=data.get("pack"),
    )
