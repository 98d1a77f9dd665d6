"""Compare two or more authorities side by side: their contacts, and their routes
over the whole scenario matrix, with the source of every rule.

:func:`compare` builds a :class:`Comparison` (attrs data); renderers for text,
Markdown, HTML, CSV and JSON are in :mod:`threshold.core.render.compare`.

The scenario matrix (:mod:`threshold.core.analysis.matrix`) has 3,840 combinations per
authority. For a person to read it, combinations whose outcome is the same in
every authority are collapsed into rows: the matrix is split field by field in
precedence order (the urgent facts first), and values of a field that lead to
the same rows are merged ("level: 3 or 4"), so every row is a plain
combination of conditions and the urgent precedence is shown once. Every
combination, with each authority's outcome, stays in the CSV and JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from threshold.core.analysis.compare_contacts import Footnotes, contact_rows
from threshold.core.analysis.compare_matrix import CompareMatrix, put_to
from threshold.core.analysis.compare_model import (
    FORMAT,
    NOT_COMPARABLE,
    AuthorityColumn,
    CombinationRow,
    Comparison,
    ContactRow,
    Footnote,
    Outcome,
    ScenarioRow,
    ShownOutcome,
)
from threshold.core.analysis.compare_versions import (
    Side,
    changes,
    detail_of,
    label_name,
    only_changes,
    resolve,
    version_checks,
)
from threshold.core.analysis.grouping import conditions_of, group_rows
from threshold.core.analysis.matrix import MATRIX_AT, Combination, value_text
from threshold.core.engine.api import route
from threshold.core.engine.wording import DISCLAIMER, contact_label
from threshold.core.model.authority import Authority
from threshold.core.model.errors import CaseError, FieldError
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry

# ----------------------------------------------------------------------------- scenarios


#: What one authority answers for one combination: its guidance for each level of
#: the band (one when compared by level), or why the combination cannot be put to it.
Answer = tuple[tuple[Guidance | Exception, ...], str | None]


def _outcome_of(guidance: Guidance | Exception, detail: bool = False) -> Outcome:
    if not isinstance(guidance, Guidance):
        return Outcome("no-route", False, None, False)
    return Outcome(
        detail=detail_of(guidance) if detail else (),
        route=guidance.route,
        eha_required=guidance.eha_required,
        follow_up_hours=guidance.follow_up.within_hours if guidance.follow_up else None,
        silent=any(w.code == "source-silent" for w in guidance.warnings),
        kind=guidance.kind,
        prerequisites=guidance.prerequisites,
    )


def _outcome(answer: Answer, detail: bool = False) -> Outcome:
    """The outcome compared: one route, the routes of a band's levels joined where
    they differ, or not comparable; with ``detail``, its contacts, hours, steps and
    consent duties too (versions of one authority compared)."""
    guidances, reason = answer
    if reason is not None:
        return Outcome(NOT_COMPARABLE, False, None, False, comparable=False)
    found = list(dict.fromkeys(_outcome_of(g, detail) for g in guidances))
    if len(found) == 1:
        return found[0]
    hours = [o.follow_up_hours for o in found if o.follow_up_hours is not None]
    return Outcome(
        route=" or ".join(dict.fromkeys(o.route for o in found)),
        eha_required=any(o.eha_required for o in found),
        follow_up_hours=min(hours) if hours else None,
        silent=any(o.silent for o in found),
        kind=" or ".join(dict.fromkeys(o.kind for o in found)),
        prerequisites=tuple(dict.fromkeys(p for o in found for p in o.prerequisites)),
        detail=tuple(dict.fromkeys(d for o in found for d in o.detail)),
    )


def _route_all(registry: Registry, side: Side, matrix: CompareMatrix) -> list[Answer]:
    authority = side.authority
    version = authority if side.pinned else None
    answers: list[Answer] = []
    for combination in matrix.combinations():
        put = put_to(matrix, authority, combination.as_dict(), MATRIX_AT)
        found: list[Guidance | Exception] = []
        for case in put.cases:
            try:
                found.append(route(case, authority.id, registry=registry, version=version))
            except Exception as exc:  # a broken plugin is shown, never a crash
                found.append(exc)
        answers.append((tuple(found), put.reason))
    return answers


def _example(indices: Sequence[int], matrix: CompareMatrix, cases: Sequence[Combination]) -> int:
    """The combination of a row closest to the case defaults (its words are shown);
    ``cases`` are the matrix's combinations."""

    defaults = {name: matrix.default(name) for name in matrix.names}

    def distance(index: int) -> tuple[int, int]:
        values = cases[index].as_dict()
        return (sum(1 for k, v in values.items() if defaults.get(k) != v), index)

    return min(indices, key=distance)


def _shown(
    answer: Answer, authority: Authority, notes: Footnotes, outcome: Outcome
) -> ShownOutcome:
    guidances, reason = answer
    if reason is not None:
        return ShownOutcome(outcome, "Not comparable", reason + ".", None, (), ())
    shown = [_shown_one(g, authority, notes, outcome) for g in guidances]
    if len(shown) == 1 or len({(s.title, s.summary) for s in shown}) == 1:
        return shown[0]
    levels = [g.level for g in guidances if isinstance(g, Guidance)]
    return ShownOutcome(
        outcome=outcome,
        title=" or ".join(f"{s.title} (level {n})" for s, n in zip(shown, levels, strict=False)),
        summary=" ".join(dict.fromkeys(s.summary for s in shown)),
        first_contact=shown[0].first_contact,
        notes=tuple(dict.fromkeys(n for s in shown for n in s.notes)),
        footnotes=tuple(dict.fromkeys(n for s in shown for n in s.footnotes)),
    )


def _shown_one(
    answer: Guidance | Exception, authority: Authority, notes: Footnotes, outcome: Outcome
) -> ShownOutcome:
    if not isinstance(answer, Guidance):
        first_line = (str(answer).strip().splitlines() or [""])[0]
        return ShownOutcome(
            outcome,
            "No route: the plugin failed",
            first_line or type(answer).__name__,
            None,
            (),
            (),
        )
    label = None
    if answer.contacts:
        first = answer.contacts[0]
        contact = next((c for c in authority.contacts if c.id == first.id), None)
        label = contact_label(contact) if contact is not None else first.name
    return ShownOutcome(
        outcome=outcome,
        title=answer.route_title,
        summary=answer.summary,
        first_contact=label,
        notes=tuple(w.message for w in answer.warnings if w.code == "source-silent"),
        footnotes=notes.add(c for step in answer.steps for c in step.citations),
    )


# ----------------------------------------------------------------------------- build


def _column(registry: Registry, side: Side) -> AuthorityColumn:
    registered = registry.get(side.authority.id)
    authority = side.authority
    policy = authority.document(authority.policy_document)
    version = authority.version if side.pinned else None
    return AuthorityColumn(
        id=side.label,
        name=label_name(side),
        version=version.name if version else None,
        version_hash=version.hash if version else None,
        plugin=registered.plugin.distribution or registered.plugin.name,
        plugin_version=registered.plugin.version or "unknown",
        policy_document=policy.title,
        policy_document_date=policy.date_text,
        data_reviewed=authority.reviewed,
        data_review_due=authority.review_due,
    )


def compare(
    registry: Registry, authority_ids: Sequence[str], *, differences_only: bool = False
) -> Comparison:
    """Compare the authorities ``authority_ids`` (two or more, in column order); each
    may name a version, ``id@version``, or a draft version's folder, ``id@./folder``
    (:mod:`threshold.core.analysis.compare_versions`).

    Raises:
        CaseError: fewer than two authorities, or one named twice (the field is
            "authorities").
        AuthorityError: an authority is unknown, conflicted or its plugin broken, or
            a version is unknown or not valid.
    """
    _check_ids(authority_ids)
    sides = [resolve(registry, a) for a in authority_ids]
    columns = tuple(_column(registry, side) for side in sides)
    authorities = [side.authority for side in sides]
    notes = Footnotes()
    contacts = contact_rows(authorities, notes)

    matrix = CompareMatrix(authorities)
    rows, every = _scenarios(registry, sides, matrix, notes)
    kept_contacts = [r for r in contacts if r.differs or not differences_only]
    kept_rows = [r for r in rows if r.differs or not differences_only]
    kept_contacts, kept_rows, footnotes = _renumber(kept_contacts, kept_rows, notes.all())
    return Comparison(
        format=FORMAT,
        authorities=columns,
        differences_only=differences_only,
        fields=matrix.names,
        total_combinations=matrix.size,
        total_rows=len(rows),
        urgent_same=not any(r.differs for r in rows if r.urgent),
        contacts=tuple(kept_contacts),
        rows=tuple(kept_rows),
        combinations=tuple(c for c in every if c.differs or not differences_only),
        footnotes=footnotes,
        disclaimer=DISCLAIMER,
        checks=version_checks(registry, sides),
    )


def _scenarios(
    registry: Registry, sides: Sequence[Side], matrix: CompareMatrix, notes: Footnotes
) -> tuple[list[ScenarioRow], list[CombinationRow]]:
    """Route every combination in every authority, and group them into rows."""
    authorities = [side.authority for side in sides]
    detail = len({a.id for a in authorities}) == 1  # versions of one authority
    answers = [_route_all(registry, side, matrix) for side in sides]
    outcomes = [[_outcome(answer, detail) for answer in row] for row in answers]
    if detail:  # keep to what changes, so that rows group by it
        for index in range(len(outcomes[0])):
            kept = only_changes([o[index].detail for o in outcomes])
            for side, facts in zip(outcomes, kept, strict=True):
                side[index] = attrs.evolve(side[index], detail=facts)
    cases = list(matrix.combinations())
    values = [c.values for c in cases]
    keys = [tuple(o[i] for o in outcomes) for i in range(len(cases))]
    grouped = group_rows(list(range(len(cases))), values, keys)
    rows: list[ScenarioRow] = []
    row_of: dict[int, int] = {}
    for number, indices in enumerate(grouped, start=1):
        example = _example(indices, matrix, cases)
        shown = tuple(
            _shown(answers[a][example], authorities[a], notes, outcomes[a][example])
            for a in range(len(authorities))
        )
        rows.append(_scenario_row(number, sorted(indices), example, shown, keys, cases))
        row_of.update(dict.fromkeys(indices, number))
    every = [
        CombinationRow(
            index=c.index,
            case=c.as_dict(),
            row=row_of[c.index],
            outcomes=tuple(o[c.index] for o in outcomes),
            differs=len(set(keys[c.index])) > 1,
        )
        for c in cases
    ]
    return rows, every


def _check_ids(authority_ids: Sequence[str]) -> None:
    """Raise CaseError unless two or more authorities are named, each once."""
    if len(authority_ids) < 2:
        raise CaseError(
            [
                FieldError(
                    "authorities", f"got {len(authority_ids)}; expected two or more authority ids"
                )
            ]
        )
    if len(set(authority_ids)) != len(authority_ids):
        raise CaseError(
            [FieldError("authorities", "an authority is named twice; expected each once")]
        )


def _scenario_row(
    number: int,
    indices: list[int],
    example: int,
    shown: tuple[ShownOutcome, ...],
    keys: Sequence[tuple[Outcome, ...]],
    cases: Sequence[Combination],
) -> ScenarioRow:
    """One scenario row: its conditions, its example in words, each authority's outcome."""
    matrix = cases[0].matrix
    conditions = conditions_of(indices, [c.values for c in cases], matrix)
    example_values = cases[example].as_dict()
    example_text = ", ".join(
        f"{c.title}: {value_text(c.field, example_values[c.field])}"
        for c in conditions
        if len(c.values) > 1
    )
    return ScenarioRow(
        number=number,
        urgent=cases[indices[0]].urgent(),
        conditions=tuple(conditions),
        example=example,
        example_text=example_text,
        outcomes=shown,
        differs=len(set(keys[example])) > 1,
        combinations=tuple(indices),
        kinds_differ=len({o.kind for o in keys[example] if o.comparable}) > 1,
        changes=changes([o.route for o in keys[example]], [o.detail for o in keys[example]])
        if any(o.detail for o in keys[example])
        else (),
    )


def _renumber(
    contacts: list[ContactRow], rows: list[ScenarioRow], footnotes: tuple[Footnote, ...]
) -> tuple[list[ContactRow], list[ScenarioRow], tuple[Footnote, ...]]:
    """Number the footnotes that are used, in reading order (contacts, then rows);
    each cell lists its own in ascending order."""
    used = [n for r in contacts for cell in r.cells for x in cell for n in x.footnotes]
    used += [n for r in rows for o in r.outcomes for n in o.footnotes]
    new = {old: number for number, old in enumerate(dict.fromkeys(used), start=1)}

    def renumber(numbers: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(new[n] for n in numbers))

    contacts = [
        attrs.evolve(
            r,
            cells=tuple(
                tuple(attrs.evolve(x, footnotes=renumber(x.footnotes)) for x in cell)
                for cell in r.cells
            ),
        )
        for r in contacts
    ]
    rows = [
        attrs.evolve(
            r,
            outcomes=tuple(attrs.evolve(o, footnotes=renumber(o.footnotes)) for o in r.outcomes),
        )
        for r in rows
    ]
    by_old = {f.number: f for f in footnotes}
    kept = tuple(
        attrs.evolve(by_old[old], number=number)
        for old, number in sorted(new.items(), key=lambda item: item[1])
    )
    return contacts, rows, kept
