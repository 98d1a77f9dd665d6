"""The benchmark table: its rows (one name and one budget each, from issue 14), its
header and its rendering. No timing and no threshold import here, so the README
test (tests/test_benchmarks_readme.py) reads the row names without measuring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

#: The batch sizes README's table is measured at.
SMALL_LINES = 10_000
BIG_LINES = 1_000_000

#: The columns of the table, in order.
HEADER = ("measure", "CPU", "wall", "reference, same run (CPU / wall)", "ratio", "budget", "met")

#: The cell of a row without a budget (an en dash).
NONE = "\N{EN DASH}"

#: The line README's table is introduced by; ``{date}`` is the day of the run.
STAMP = "Measured with `python -m benchmarks` on {date}"
STAMP_PATTERN = re.compile(r"Measured with `python -m benchmarks` on (\d{4}-\d{2}-\d{2})")


def _lines(count: int) -> str:
    return f"{count // 1_000_000}M" if count % 1_000_000 == 0 else f"{count // 1000:,}k"


def row_names(big: int = BIG_LINES) -> tuple[str, ...]:
    """The names of the table's rows, in order (``big``: the large batch's lines)."""
    small, large = _lines(SMALL_LINES), _lines(big)
    return (
        "`route(dict)`, median per call",
        "`route(Case)` on a prepared case, median per call",
        f"`route --batch --jobs 1`, {small} lines, lines per second",
        f"`route --batch --jobs 1`, {large} lines, lines per second",
        f"`route --batch --jobs 1` peak memory, {large} lines",
        "cold `threshold route … --format json`",
        "cold bare click hello",
        "`compare derbyshire derby_city`, in process",
        "cold `threshold compare derbyshire derby_city --format json`",
        f"`route --batch --jobs 2` over `--jobs 1`, {large} lines",
        "`serve --workers 2` over `--workers 1`, POST /route at concurrency 32",
        "relevant questions of a web page (`next_question`), worst answer state",
        "`GET /question` page over loopback, median",
        "`compare` of 4 authorities over 2 (growth)",
    )


@attrs.frozen
class Row:
    """One measured row.

    Attributes:
        name: The row's name (one of :func:`row_names`).
        cpu: The figure in CPU time, with its unit.
        wall: The figure in wall time, with its unit.
        reference: The reference measured in the same run, CPU / wall.
        ratio: The figure over its reference (CPU), e.g. "2.1x".
        budget: The budget from issue 14, or :data:`NONE` when the issue sets none.
        met: "yes", "no", or :data:`NONE` when there is no budget.
    """

    name: str
    cpu: str
    wall: str
    reference: str
    ratio: str
    budget: str
    met: str


def render(rows: Sequence[Row]) -> str:
    """The table as Markdown, one line per row."""
    lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join("---" for _ in HEADER) + " |"]
    for row in rows:
        cells = (row.name, row.cpu, row.wall, row.reference, row.ratio, row.budget, row.met)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def table_names(text: str) -> tuple[tuple[str, ...], list[str]]:
    """The header cells and the row names of the first benchmark table in ``text``
    (a table whose header is :data:`HEADER`), or ``((), [])`` when there is none."""
    header = "| " + " | ".join(HEADER) + " |"
    lines = text.splitlines()
    if header not in lines:
        return (), []
    start = lines.index(header)
    names = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        names.append(line.split(" | ")[0].removeprefix("| ").strip())
    return HEADER, names
