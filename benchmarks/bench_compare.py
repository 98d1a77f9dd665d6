"""Timing of `threshold compare` and the rule checks (run by hand, never in the tests):

    python benchmarks/bench_compare.py

Prints the number of rows and combinations and the time each step takes, so a
change that slows the comparison down shows here, not as a flaky timed test.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threshold.core.analysis.checks import check_rules
from threshold.core.analysis.compare import compare
from threshold.core.analysis.matrix import matrix_of
from threshold.core.plugins.registry import Registry
from threshold.core.render.compare import FORMATS, render_comparison

PAIR = ("derbyshire", "derby_city")
P = ParamSpec("P")
T = TypeVar("T")


def timed(label: str, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``function`` once, print how long it took, return its result."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    """Time the matrix, the comparison, every format and the rule checks."""
    registry = Registry.load()
    for authority_id in PAIR:
        matrix = matrix_of(registry.get(authority_id).authority)
        timed(f"parse the matrix of {authority_id} (3,840 cases)", matrix.parsed)
    comparison = timed("compare derbyshire derby_city", compare, registry, PAIR)
    only = timed("compare --differences-only", compare, registry, PAIR, differences_only=True)
    for fmt in FORMATS:
        out = timed(f"render {fmt}", render_comparison, comparison, fmt)
        print(f"{'':<40} {len(out.encode()) / 1024:7.0f} KiB")
    for authority_id in PAIR:
        timed(f"check --rules {authority_id}", check_rules, registry, authority_id)
    rows = comparison.rows
    print(
        f"rows {len(rows)}, differing rows {sum(r.differs for r in rows)}, "
        f"combinations {len(comparison.combinations)}, "
        f"differing combinations {len(only.combinations)}"
    )


if __name__ == "__main__":
    main()
