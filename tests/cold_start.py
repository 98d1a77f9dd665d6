"""A cold ``threshold route`` in a fresh interpreter, for tests of what it imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Sequence

ROUTE = ["route", "--authority", "derbyshire", "--level", "3", "--format", "json"]


def imported_by_a_cold_route(modules: Sequence[str], *, runs: int = 1) -> list[str]:
    """Which of ``modules`` a cold route has imported when it ends (the last of
    ``runs`` fresh processes: the first may fill the start-up cache)."""
    code = (
        "import sys; from threshold.cli import main\n"
        "try:\n"
        f"    main({ROUTE!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"print(sorted(m for m in {list(modules)!r} if m in sys.modules))\n"
    )
    found: list[str] = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
        )
        assert done.returncode == 0, done.stderr
        found = ast.literal_eval(done.stdout.rstrip().splitlines()[-1])
    return found
