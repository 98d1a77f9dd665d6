"""Installed distributions as the start-up needs them: the entry points of one group
and a distribution's version, read from the ``.dist-info`` (or ``.egg-info``)
folders on ``sys.path`` directly.

``importlib.metadata`` gives the same answers, but importing it costs about 20 ms
and each distribution's metadata is parsed as an e-mail message (about 5 ms for
the few a start reads), on every start of the command line. As there, the first
distribution of a name on ``sys.path`` wins, names compare normalised (PEP 503),
and a line of ``entry_points.txt`` is ``name = module:attribute``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs

_SUFFIXES = (".dist-info", ".egg-info")


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares it (``Threshold_Exampleshire`` ->
    ``threshold-exampleshire``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


class Distribution:
    """An installed distribution: its ``.dist-info`` or ``.egg-info`` folder, its
    name and version read from its metadata when first asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._headers: dict[str, str] | None = None

    def _header(self, key: str) -> str | None:
        if self._headers is None:
            self._headers = _headers(self.path)
        return self._headers.get(key)

    @property
    def name(self) -> str:
        """Its name as its metadata gives it (else as its folder does)."""
        return self._header("Name") or _folder_name(self.path.name)

    @property
    def version(self) -> str | None:
        """Its version, or None when the metadata gives none."""
        return self._header("Version")

    def entry_points(self, group: str) -> list[EntryPoint]:
        """Its entry points of ``group``, in file order."""
        points = self.path / "entry_points.txt"
        try:
            text = points.read_text("utf-8")
        except OSError:
            return []
        found = []
        section = None
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
            elif section == group and "=" in line:
                name, value = (part.strip() for part in line.split("=", 1))
                found.append(EntryPoint(name, value, self))
        return found


def _folder_name(folder: str) -> str:
    """The distribution name in a metadata folder's name (``attrs-25.1.0.dist-info``,
    ``threshold_exampleshire-0.1.0.dist-info``, ``pkg.egg-info``)."""
    stem = folder.rsplit(".", 1)[0]
    return stem.split("-", 1)[0]


@attrs.frozen
class EntryPoint:
    """One entry point: ``name = module:attribute`` of a distribution."""

    name: str
    value: str
    dist: Distribution

    def load(self) -> object:
        """Import its module and return the object it names."""
        module_name, _, attribute = self.value.partition(":")
        loaded: object = importlib.import_module(module_name.strip())
        for part in attribute.strip().split(".") if attribute.strip() else ():
            loaded = getattr(loaded, part)
        return loaded


def _headers(folder: Path) -> dict[str, str]:
    """The Name and Version headers of a distribution's metadata (they come first)."""
    headers: dict[str, str] = {}
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(folder / file, encoding="utf-8") as stream:
                for line in stream:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    if key in ("Name", "Version") and key not in headers:
                        headers[key] = value.strip()
        except OSError:
            continue
        return headers
    return headers


def distributions() -> Iterator[Distribution]:
    """Every distribution on ``sys.path``, the first of each name only (names as
    their folders give them, so no metadata is read until it is asked for)."""
    seen: set[str] = set()
    for entry in sys.path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for name in names:
            if not name.endswith(_SUFFIXES):
                continue
            key = normalise(_folder_name(name))
            if key in seen:
                continue
            seen.add(key)
            yield Distribution(Path(entry or ".") / name)


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of ``group`` of every installed distribution."""
    return [point for dist in distributions() for point in dist.entry_points(group)]


def version(name: str) -> str | None:
    """The version of the installed distribution ``name``, or None if it is not installed."""
    wanted = normalise(name)
    for dist in distributions():
        if normalise(_folder_name(dist.path.name)) == wanted:
            return dist.version
    return None
