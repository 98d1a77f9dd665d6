"""Values kept per object by identity (core/model/identity.py)."""

from __future__ import annotations

import gc

from threshold.core.model.identity import per_object


class Thing:
    """An object that is not hashable by value, as an Authority is not."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, name: str) -> None:
        self.name = name


def test_made_once_per_object_and_never_for_another() -> None:
    made: list[str] = []

    @per_object
    def label(thing: Thing) -> str:
        made.append(thing.name)
        return f"<{thing.name}>"

    first, second = Thing("a"), Thing("a")
    assert label(first) == label(first) == "<a>"
    assert label(second) == "<a>"
    assert made == ["a", "a"]  # equal but distinct objects each get their own
    for _ in range(50):  # an id reused after an object dies is never served its value
        gone = Thing("old")
        label(gone)
        del gone
        gc.collect()
        assert label(Thing("new")) == "<new>"
