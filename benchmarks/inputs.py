"""Benchmark inputs that look like real work: every combination of the scenario
matrix of every installed authority, each at its own explicit time spread over a
year (as when an intake system re-routes last year's referrals), in a shuffled
order; for batches, 1% bad lines of four kinds. Never a repeated handful of cases
(that would measure the reuse cache, not routing). Deterministic (a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
#: The year the ``at`` times are spread over (last year's referrals).
YEAR_START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
YEAR_MINUTES = 365 * 24 * 60
SEED = 14

#: One line in a hundred is bad, in turn of these kinds.
BAD_EVERY = 100
BAD_KINDS = ("unknown field", "wrong type", "bad `at`", "not JSON")


def _local_text(when: dt.datetime) -> str | None:
    """``when`` as a Europe/London local time without offset, or None when that
    local time is ambiguous (clocks go back), which the parser rightly refuses."""
    local = when.astimezone(LONDON).replace(tzinfo=None)
    early = local.replace(tzinfo=LONDON, fold=0).utcoffset()
    late = local.replace(tzinfo=LONDON, fold=1).utcoffset()
    return None if early != late else local.isoformat(timespec="minutes")


def at_times(rng: random.Random) -> Iterator[str]:
    """Endless explicit ``at`` times spread over a year: mostly local time without
    an offset, one in ten in UTC with ``Z``."""
    while True:
        when = YEAR_START + dt.timedelta(minutes=rng.randrange(YEAR_MINUTES))
        if rng.random() < 0.1:
            yield when.strftime("%Y-%m-%dT%H:%MZ")
            continue
        text = _local_text(when)
        if text is not None:
            yield text


def matrix_cases() -> list[tuple[str, dict[str, Any]]]:
    """Every combination of every installed authority's matrix, without ``at``:
    (authority id, case) pairs, in matrix order."""
    from threshold.core.analysis.matrix import matrix_of
    from threshold.core.plugins.registry import Registry

    registry = Registry.load()
    found = []
    for authority_id in registry.authority_ids():
        matrix = matrix_of(registry.get(authority_id).authority)
        found += [(authority_id, combination.as_dict()) for combination in matrix.combinations()]
    return found


def spread_cases(count: int, seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """``count`` valid cases: the matrices of every installed authority, shuffled,
    repeated as often as needed, each case with its own ``at`` over a year."""
    rng = random.Random(seed)
    base = matrix_cases()
    times = at_times(rng)
    found: list[tuple[str, dict[str, Any]]] = []
    while len(found) < count:
        rng.shuffle(base)
        found += [(a, {**case, "at": next(times)}) for a, case in base[: count - len(found)]]
    return found


def bad_line(kind: int, rng: random.Random) -> bytes:
    """A bad batch line of kind ``kind`` (an index into :data:`BAD_KINDS`)."""
    authority = rng.choice(("derbyshire", "derby_city"))
    if kind == 0:
        case: object = {"authority": authority, "level": 3, "levle": 3}
    elif kind == 1:
        case = {"authority": authority, "level": "three", "immediate_danger": "no"}
    elif kind == 2:
        case = {"authority": authority, "level": 2, "at": "2026-02-30T25:61"}
    else:
        return b'{"authority": "' + authority.encode() + b'", "level": 3,\n'
    return json.dumps(case).encode() + b"\n"


def write_batch(path: Path, lines: int, seed: int = SEED) -> int:
    """Write ``lines`` JSON Lines to ``path``, each carrying its own authority, one
    in :data:`BAD_EVERY` bad (the kinds in turn); return the number of bad lines."""
    rng = random.Random(seed)
    base = matrix_cases()
    times = at_times(rng)
    bad = 0
    with path.open("wb") as handle:
        number = 0
        while number < lines:
            rng.shuffle(base)
            for authority_id, case in base:
                if number == lines:
                    break
                number += 1
                if number % BAD_EVERY == 0:
                    handle.write(bad_line(bad % len(BAD_KINDS), rng))
                    bad += 1
                    continue
                line = {"authority": authority_id, **case, "at": next(times)}
                handle.write(json.dumps(line).encode() + b"\n")
    return bad
