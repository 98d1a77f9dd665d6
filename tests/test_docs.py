"""docs/api.md is a runnable reference: every example in it runs as written."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_api_reference_examples_run() -> None:
    failures, attempted = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
        verbose=False,
    )
    assert attempted >= 25, f"only {attempted} examples found in {DOC}"
    assert failures == 0, f"{failures} of {attempted} examples in docs/api.md failed (see above)"


def test_api_reference_names_every_public_name() -> None:
    import threshold

    text = DOC.read_text("utf-8")
    missing = [name for name in threshold.__all__ if name not in text]
    assert not missing, f"docs/api.md does not mention {missing}"
