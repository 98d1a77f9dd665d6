"""Small helpers for words in output: a count with its noun in the right number."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and ``noun``, plural unless the number is one: "1 error", "2 errors"."""
    word = noun if number == 1 else (plural or noun + "s")
    return f"{number} {word}"
