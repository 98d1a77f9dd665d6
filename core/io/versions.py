"""Dated versions of an authority's data, as folders on disk.

The files an authority is loaded from are one version: the ``version.toml``
beside its first file (its partnership pack's folder, or its own) names and dates
it; without one, the data has a single undated version, ``current``, in force at
every time (a plugin that knows nothing of versions keeps working unchanged).
Each folder ``versions/NAME/`` beside that first file is another version: its own
``version.toml`` and only the files that change, each a whole copy. A file of the
first file's folder is replaced by the file of the same name; a file of another
folder (an authority's own, loaded after the pack) by the file of that name in a
subfolder named as that folder (``versions/2027-04/<authority>/authority.toml``).
A file in a version folder that replaces nothing is an error, never ignored.

The content hash of a version (:func:`content_hash`) is computed here only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from threshold.core.io.schemas import field_errors, validator
from threshold.core.model.authority import PackVersion
from threshold.core.model.errors import DataError, FieldError

#: The file that names and dates a version.
VERSION_FILE = "version.toml"
#: The folder, beside an authority's first data file, of its other versions.
VERSIONS_FOLDER = "versions"
#: The name of the one version of data that declares none.
UNDECLARED = "current"


@attrs.frozen
class VersionFiles:
    """One version of an authority's data as files.

    Attributes:
        files: The data files, in loading order (the replaced ones swapped in).
        version_file: Its ``version.toml``, or None (the undeclared version).
        folder: The version folder (None: the files as the plugin gives them).
    """

    files: tuple[Path, ...]
    version_file: Path | None
    folder: Path | None = None


def content_hash(merged: Mapping[str, Any]) -> str:
    """The content hash of a version: the first 32 hex digits of the SHA-256 of the
    canonical JSON (keys sorted, no spaces, UTF-8) of its validated, merged data.
    Data that says the same thing has the same hash, whatever its files' layout."""
    text = json.dumps(merged, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def base_version(files: Sequence[Path]) -> VersionFiles:
    """The version the files themselves are."""
    found = files[0].parent / VERSION_FILE if files else None
    return VersionFiles(tuple(files), found if found is not None and found.is_file() else None)


def version_folders(files: Sequence[Path], versions: Path | None = None) -> list[VersionFiles]:
    """Every version of the data in ``files``: the files themselves, then each folder
    of ``versions`` (default: ``versions/`` beside the first file), by name.

    Raises:
        DataError: a version folder has no ``version.toml``, or holds a file that
            replaces none of ``files``.
    """
    found = [base_version(files)]
    if not files:
        return found
    where = versions if versions is not None else files[0].parent / VERSIONS_FOLDER
    try:
        folders = sorted(p for p in where.iterdir() if p.is_dir())
    except OSError:  # no versions folder: one version (the usual case)
        return found
    return [*found, *(overlay(files, folder) for folder in folders)]


def overlay(files: Sequence[Path], folder: Path) -> VersionFiles:
    """The version in ``folder``: ``files`` with the ones it holds swapped in.

    Raises:
        DataError: as :func:`version_folders`.
    """
    version_file = folder / VERSION_FILE
    if not version_file.is_file():
        raise DataError(str(folder), [FieldError(VERSION_FILE, "missing; expected a version.toml")])
    home = files[0].parent
    used: set[Path] = set()
    swapped = []
    for path in files:
        nested = folder / path.parent.name / path.name
        plain = folder / path.name
        if nested.is_file():
            path = nested
        elif path.parent == home and plain.is_file():
            path = plain
        used.add(path)
        swapped.append(path)
    for extra in sorted(p for p in folder.rglob("*") if p.is_file()):
        if extra != version_file and extra not in used and not extra.name.startswith("."):
            raise DataError(
                str(extra),
                [
                    FieldError(
                        "",
                        "replaces no data file of this authority; expected one of: "
                        + ", ".join(p.name for p in files),
                    )
                ],
            )
    return VersionFiles(tuple(swapped), version_file, folder)


def check_version(data: Mapping[str, Any], label: str) -> None:
    """Check the data of a ``version.toml`` against ``schemas/version.schema.json``
    and its dates in order.

    Raises:
        DataError: naming the file and the field.
    """
    errors = field_errors(validator("version").iter_errors(data)) or _date_errors(data)
    if errors:
        raise DataError(label, errors)


def version_of(
    data: Mapping[str, Any] | None, merged_hash: str, files: Sequence[Path] = ()
) -> PackVersion:
    """A version from the (checked) data of its ``version.toml`` (None: the undated
    ``current`` of data that declares no version), its hash and its files."""
    shown = tuple(str(p) for p in files)
    if data is None:
        return PackVersion(UNDECLARED, None, None, None, None, merged_hash, shown)
    return PackVersion(
        data["name"],
        data.get("document_date"),
        data["in_force_from"],
        data.get("in_force_until"),
        data.get("note"),
        merged_hash,
        shown,
    )


def version_data(version: PackVersion) -> dict[str, Any]:
    """The ``version.toml`` data of a version (for the start-up cache)."""
    data = {
        "name": version.name,
        "document_date": version.document_date,
        "in_force_from": version.in_force_from,
        "in_force_until": version.in_force_until,
        "note": version.note,
    }
    return {key: value for key, value in data.items() if value is not None}


def _date_errors(data: Mapping[str, Any]) -> list[FieldError]:
    errors = []
    for key in ("document_date", "in_force_from", "in_force_until"):
        value = data.get(key)
        try:
            if value is not None:
                dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append(FieldError(key, "expected a date such as 2022-09-01"))
    until = data.get("in_force_until")
    if not errors and until is not None and until < data["in_force_from"]:
        errors.append(FieldError("in_force_until", "expected a day on or after in_force_from"))
    return errors
