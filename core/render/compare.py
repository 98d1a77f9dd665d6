"""A comparison of authorities as text, Markdown, HTML (one self-contained page),
CSV (every combination, one line each) or JSON (``schemas/compare.schema.json``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from threshold.core.analysis.compare_model import (
    NOT_STATED,
    Comparison,
    ContactCell,
    ScenarioRow,
    ShownOutcome,
)
from threshold.core.analysis.matrix import value_text
from threshold.core.model.vocabulary import COMPARE_FORMATS
from threshold.core.render.environment import render

FORMATS = COMPARE_FORMATS


def urgent_titles(comparison: Comparison) -> list[str]:
    """The urgent facts of the comparison in words, in precedence order."""
    titles = [c.title for r in comparison.rows for c in r.conditions if c.urgent]
    return list(dict.fromkeys(titles)) or ["immediate danger", "significant harm"]


def not_urgent_text(comparison: Comparison) -> str:
    """The conditions every not-urgent row shares, said once above those rows: each
    urgent fact of the comparison, "no"."""
    titles = urgent_titles(comparison)
    if len(titles) == 1:
        return f"no {titles[0]}"
    return "no " + ", no ".join(titles[:-1]) + f" and no {titles[-1]}"


def conditions_text(row: ScenarioRow) -> str:
    """A row's conditions in words. Not-urgent rows leave out the urgent fields
    (all "no", said once in the heading above them)."""
    shown = [c for c in row.conditions if row.urgent or not c.urgent]
    text = "; ".join(c.text() for c in shown) if shown else "any other case"
    if row.urgent:
        text += " (whatever the other facts)"
    return text


def notes_text(numbers: tuple[int, ...]) -> str:
    """Footnote numbers as "[1, 4]" (empty when there are none)."""
    return "[" + ", ".join(str(n) for n in numbers) + "]" if numbers else ""


def outcome_text(shown: ShownOutcome) -> str:
    """An outcome in one line: route and its kind; what is needed first; follow-up;
    first contact. Not comparable: why."""
    outcome = shown.outcome
    if not outcome.comparable:
        return f"not comparable: {shown.summary}"
    parts = [shown.title + (" (the sources are silent on part of it)" if outcome.silent else "")]
    if outcome.kind:
        parts[0] += f" [{outcome.kind}]"
    if outcome.route != "no-route":
        parts.append(
            "needed first: "
            + (", ".join(outcome.prerequisites) if outcome.prerequisites else "nothing")
        )
        parts.append(
            f"follow up in writing within {outcome.follow_up_hours} hours"
            if outcome.follow_up_hours
            else "no written follow-up"
        )
    if shown.first_contact:
        parts.append(f"first contact: {shown.first_contact}")
    return "; ".join(parts)


def contact_text(cell: ContactCell) -> str:
    """A contact's facts in one line: hours, days, bank holidays."""
    return f"hours: {cell.hours}; days: {cell.days}; bank holidays: {cell.bank_holidays}"


def _context(comparison: Comparison) -> dict[str, Any]:
    differing_rows = [r for r in comparison.rows if r.differs]
    return {
        "c": comparison,
        "urgent_rows": [r for r in comparison.rows if r.urgent],
        "other_rows": [r for r in comparison.rows if not r.urgent],
        "differing_rows": len(differing_rows),
        "differing_combinations": sum(1 for x in comparison.combinations if x.differs),
        "not_urgent": not_urgent_text(comparison),
        "urgent_facts": ", ".join(urgent_titles(comparison)),
        "field_names": ", ".join(comparison.fields),
        "not_stated": NOT_STATED,
    }


#: Each authority's columns in the CSV, after its id.
_CSV_COLUMNS = (
    "route",
    "kind",
    "prerequisites",
    "comparable",
    "eha_required",
    "follow_up_hours",
    "sources_silent",
    "contact",
    "number",
    "hours",
    "days",
    "bank_holidays",
    "sources",
)


def _csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["table", "id", "row", "differs", *comparison.fields, "purpose"]
    for authority in comparison.authorities:
        header += [f"{authority.id} {column}" for column in _CSV_COLUMNS]
    header.append("source")
    versions = any(row.changes for row in comparison.rows)
    if versions:  # versions of one authority: what changes, per combination
        header.append("changes")
    writer.writerow(header)
    writer.writerows(_contact_lines(comparison))
    writer.writerows(_with_changes(comparison, _scenario_lines(comparison), versions))
    width = len(header) - versions
    for note in comparison.footnotes:
        line = ["source", str(note.number)] + [""] * (width - 3)
        date = note.document_date or "date not stated"
        writer.writerow([*line, f"{note.seed}: {note.section} ({note.document}, {date})"])
    return buffer.getvalue()


def _contact_lines(comparison: Comparison) -> list[list[str]]:
    """The CSV lines of the contacts: one per purpose."""
    lines = []
    blank_fields = [""] * len(comparison.fields)
    for row in comparison.contacts:
        line = ["contact", row.purpose, "", "yes" if row.differs else "no", *blank_fields]
        line.append(row.title)
        for cell in row.cells:
            line += [""] * 7
            line += [
                " | ".join(c.name for c in cell) or NOT_STATED,
                " | ".join(c.number for c in cell) or NOT_STATED,
                " | ".join(c.hours for c in cell) or NOT_STATED,
                " | ".join(c.days for c in cell) or NOT_STATED,
                " | ".join(c.bank_holidays for c in cell) or NOT_STATED,
                _numbers(n for c in cell for n in c.footnotes),
            ]
        lines.append(line)
    return lines


def _scenario_lines(comparison: Comparison) -> list[list[str]]:
    """The CSV lines of the combinations: one each, citing its row's sources."""
    lines = []
    row_sources = {
        row.number: [_numbers(shown.footnotes) for shown in row.outcomes] for row in comparison.rows
    }
    for combination in comparison.combinations:
        values = [value_text(k, v) for k, v in combination.case.items()]
        line = ["scenario", str(combination.index), str(combination.row)]
        line += ["yes" if combination.differs else "no", *values, ""]
        cited = row_sources.get(combination.row, [""] * len(combination.outcomes))
        for outcome, cites in zip(combination.outcomes, cited, strict=True):
            line += [
                outcome.route,
                outcome.kind,
                " ".join(outcome.prerequisites),
                "yes" if outcome.comparable else "no",
                "yes" if outcome.eha_required else "no",
                str(outcome.follow_up_hours or ""),
                "yes" if outcome.silent else "no",
                *([""] * 5),
                cites,
            ]
        lines.append(line)
    return lines


def _with_changes(
    comparison: Comparison, lines: list[list[str]], versions: bool
) -> list[list[str]]:
    """The scenario lines with what changes in their row (versions compared only)."""
    if not versions:
        return lines
    changed = {row.number: " | ".join(row.changes) for row in comparison.rows}
    return [[*line, changed.get(int(line[2]), "")] for line in lines]


def _numbers(numbers: Iterable[int]) -> str:
    """Footnote numbers for a CSV cell: "1; 4" (the "source" lines give each)."""
    return "; ".join(str(n) for n in dict.fromkeys(numbers))


def render_comparison(comparison: Comparison, fmt: str) -> str:
    """Return ``comparison`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(comparison.to_dict(), indent=1, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(comparison)
    template = {"text": "compare.txt.j2", "markdown": "compare.md.j2", "html": "compare.html.j2"}
    return render(
        template[fmt],
        conditions=conditions_text,
        notes=notes_text,
        outcome_text=outcome_text,
        contact_text=contact_text,
        **_context(comparison),
    )
