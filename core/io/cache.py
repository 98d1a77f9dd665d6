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
    text = _read_text(name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def write(name: str, value: Any) -> None:
    """Store ``value`` as JSON under ``name`` (atomically; errors ignored)."""
    _write_text(name, json.dumps(value))


#: A checked entry: its value's JSON text, after the digest of that text.
_CHECKED = '{"check":"%s","value":'
_CHECKED_HEAD = len(_CHECKED % digest(""))


def read_checked(name: str) -> Any:
    """Return the value :func:`write_checked` stored under ``name``, or None when
    there is none or the entry was cut short or changed (its text no longer has its
    digest): the text is hashed as read, never encoded again."""
    text = _read_text(name)
    if text is None or not text.endswith("}"):
        return None
    value = text[_CHECKED_HEAD:-1]
    if text[:_CHECKED_HEAD] != _CHECKED % digest(value):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def write_checked(name: str, value: Any) -> None:
    """Store ``value`` as JSON under ``name`` with the digest of its text, so that
    :func:`read_checked` never returns an entry cut short or changed on disk."""
    text = json.dumps(value)
    _write_text(name, _CHECKED % digest(text) + text + "}")


def _read_text(name: str) -> str | None:
    directory = cache_dir()
    if directory is None:
        return None
    try:
        return (directory / f"{name}.json").read_text("utf-8")
    except (OSError, ValueError):
        return None


def _write_text(name: str, text: str) -> None:
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(text, "utf-8")
        os.replace(temporary, directory / f"{name}.json")
    except OSError:
        return
