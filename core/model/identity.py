"""Values worked out once per object, kept by the object's identity.

An Authority holds mappings, so it cannot be hashed; its derived tables (the
matrix, the case reader, the prepared contacts, ...) are kept by ``id`` with a
weak reference that tells a reused id from the object it was made for."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def per_object(make: Callable[[K], V]) -> Callable[[K], V]:
    """``make``, called once per object (by identity) and its answer kept."""
    held: dict[int, tuple[weakref.ref[K], V]] = {}

    @functools.wraps(make)
    def get(obj: K) -> V:
        found = held.get(id(obj))
        if found is not None and found[0]() is obj:
            return found[1]
        value = make(obj)
        held[id(obj)] = (weakref.ref(obj), value)
        return value

    return get
