"""A small on-disk cache of derived, non-personal data, to keep start-up fast.

It holds only things computed from installed code and data: England's bank
holidays per year (from the ``holidays`` package) and markers that a data file
has already passed validation. Never case data. The directory is
``$THRESHOLD_CACHE_DIR``, else ``$XDG_CACHE_HOME/threshold``, else
``~/.cache/threshold``; ``THRESHOLD_CACHE_DIR=off`` turns it off. Any failure to
read or write is ignored: the cache only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def cache_dir() -> Path | None:
    """The cache directory, or None when caching is off."""
    configured = os.environ.get("THRESHOLD_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "threshold"


def digest(*parts: bytes | str) -> str:
    """A short stable key for the given inputs."""
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()[:32]


def read(name: str) -> Any:
    """Return the cached JSON value ``name``, or None."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        return json.loads((directory / f"{name}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def write(name: str, value: Any) -> None:
    """Store ``value`` as JSON under ``name`` (atomically; errors ignored)."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(value), "utf-8")
        os.replace(temporary, directory / f"{name}.json")
    except OSError:
        return
