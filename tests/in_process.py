"""``threshold`` run in this process through ``main()``, for property tests that
call it thousands of times (a subprocess each would take minutes)."""

from __future__ import annotations

import contextlib
import io
import sys

from threshold.cli import main


def run_main(args: list[str], stdin: bytes) -> tuple[int, str, str]:
    """``threshold ARGS`` with ``stdin``: the exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()
