"""The matrix several authorities are compared over, and how one combination of it
is put to each authority.

Its axes are the union of the authorities' matrix axes (the urgent facts first).
Where the authorities' levels differ (in number or in band), the level is
compared by its *band* (universal, emerging, intensive, specialist): the axis is
``band``, and a band is put to an authority as each of its levels in that band.
A combination that gives a question an authority does not ask (or an answer it
does not offer) a value other than a default is *not comparable* for that
authority, unless the core's precedence decides the case (immediate danger or
significant harm), where no question is read. A question several authorities
ask with different answers (each its own consent wording, say) cannot be lined
up answer by answer: it is compared unanswered (each authority's default).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from threshold.core.analysis.matrix import Matrix
from threshold.core.model.authority import Authority
from threshold.core.model.enums import Band
from threshold.core.model.fields import CORE_URGENT, CaseField, case_fields, matrix_axes

#: The axis that stands for ``level`` when authorities are compared by band.
BAND = "band"


def same_levels(authorities: Sequence[Authority]) -> bool:
    """Whether every authority has the same levels (numbers and bands)."""
    scales = {tuple((lv.number, lv.band) for lv in a.levels) for a in authorities}
    return len(scales) == 1


class CompareMatrix(Matrix):
    """Every combination of the fields that decide any of the authorities' guidance."""

    def __init__(self, authorities: Sequence[Authority]) -> None:
        self.authority = authorities[0]
        self.authorities = tuple(authorities)
        self.by_band = not same_levels(authorities)
        axes: dict[str, list[Any]] = {}
        self._fields: dict[str, CaseField] = {}
        self._defaults: dict[str, set[Any]] = {}
        self._fields_of: dict[str, dict[str, CaseField]] = {}
        answers: dict[str, set[tuple[Any, ...]]] = {}
        for authority in authorities:
            for name, values in matrix_axes(authority):
                field = next(f for f in case_fields(authority) if f.name == name)
                if name == "level" and self.by_band:
                    name, values = BAND, (None, *_bands(authorities))
                self._fields.setdefault(name, field)
                self._defaults.setdefault(name, set()).add(field.default)
                answers.setdefault(name, set()).add(tuple(sorted(map(repr, values))))
                found = axes.setdefault(name, [])
                found.extend(v for v in values if v not in found)
        #: Questions asked with different answers: compared unanswered.
        self.unaligned = tuple(n for n in axes if n != BAND and len(answers[n]) > 1)
        for name in self.unaligned:
            axes[name] = [self._fields[name].default]
        names = list(axes)
        ordered = [n for n in names if self._fields[n].urgent]
        ordered += [n for n in names if not self._fields[n].urgent]
        self.fields = tuple((name, tuple(axes[name])) for name in ordered)
        self.names = tuple(ordered)
        self.urgent = tuple(n for n in ordered if self._fields[n].urgent)
        size = 1
        for _, values in self.fields:
            size *= len(values)
        self.size = size
        self._parsed = {}

    def fields_of(self, authority: Authority) -> dict[str, CaseField]:
        """The fields of ``authority``'s case by name (made once per authority)."""
        found = self._fields_of.get(authority.id)
        if found is None:
            found = self._fields_of[authority.id] = {f.name: f for f in case_fields(authority)}
        return found

    def field_title(self, name: str) -> str:
        """A field's name in words (``band``: "level band")."""
        return "level band" if name == BAND else self._fields[name].title

    def default(self, name: str) -> Any:
        """The answer a case has when none is given (the first authority's)."""
        return None if name == BAND else self._fields[name].default

    def is_default(self, name: str, value: Any) -> bool:
        """Whether ``value`` is the default of the field in any authority that asks it."""
        return value in self._defaults.get(name, ())


def _bands(authorities: Sequence[Authority]) -> list[str]:
    """The bands the authorities' levels use, in the bands' order (extensions last)."""
    used = {str(lv.band) for a in authorities for lv in a.levels}
    known = [b.value for b in Band if b.value in used]
    return known + sorted(used - set(known))


@attrs.frozen
class Put:
    """A combination as one authority's cases, or why it cannot be put to it.

    Attributes:
        cases: The case inputs (one per level of the band; one when compared by
            level), empty when not comparable.
        levels: The level of each case (None where no level is given).
        reason: Why it is not comparable, or None.
    """

    cases: tuple[dict[str, Any], ...]
    levels: tuple[int | None, ...]
    reason: str | None = None


def put_to(matrix: CompareMatrix, authority: Authority, values: dict[str, Any], at: str) -> Put:
    """The cases of ``authority`` for the combination ``values`` of ``matrix``."""
    fields = matrix.fields_of(authority)
    decided = any(values.get(name) for name in CORE_URGENT)
    data: dict[str, Any] = {"at": at}
    levels: list[int | None] = [None]
    for name, value in values.items():
        if name == BAND:
            if value is None or "level" not in fields:
                continue
            levels = [lv.number for lv in authority.levels if lv.band == value]
            if not levels:
                if decided:
                    levels = [None]
                    continue
                return Put((), (), f"{authority.name} has no level in the {value} band")
        elif name in fields and fields[name].accepts(value):
            data[name] = value
        elif matrix.is_default(name, value) or decided:
            continue  # left unanswered: the authority's own default
        elif name not in fields:
            title = matrix.field_title(name)
            return Put((), (), f"{authority.name} does not ask about {title}")
        else:
            title = matrix.field_title(name)
            return Put((), (), f"{authority.name} has no answer {value!r} to {title}")
    if levels == [None]:
        return Put((data,), (None,))
    return Put(tuple({**data, "level": n} for n in levels), tuple(levels))
