"""Loading an authority's data: its policy pack and its own files, TOML or JSON,
merged, validated against ``schemas/pack.schema.json``, then compiled.

Files are read in order (a partnership's pack first) and merged key by key:
tables join, a key given twice is an error, never a silent override; in
``rules`` and ``additions`` the authority's entries go where the pack says
``{include = "authority"}`` (else at the end).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threshold.core.io import cache, references, versions
from threshold.core.io.compile import compile_authority
from threshold.core.io.references import check_references
from threshold.core.io.schemas import field_errors, schema, schema_file, validator
from threshold.core.model.authority import Authority
from threshold.core.model.errors import DataError, FieldError

#: In a pack's ``rules`` or ``additions``: where the authority's own entries go.
INCLUDE = {"include": "authority"}

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


def read_data_file(path: Path) -> dict[str, Any]:
    """Read one TOML or JSON data file; raise DataError naming the file on failure."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(str(path), [FieldError("", f"cannot read: {exc}")]) from None
    try:
        if path.suffix == ".json":
            loaded = json.loads(text)
        else:
            import tomllib  # lazy: ~3 ms; a route reads the packs' cached JSON, not TOML

            loaded = tomllib.loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise DataError(
            str(path), [FieldError("", f"not valid {path.suffix[1:].upper()}: {exc}")]
        ) from None
    if not isinstance(loaded, dict):
        raise DataError(str(path), [FieldError("", "expected an object at the top level")])
    plain: dict[str, Any] = _plain(loaded)
    return plain


def _plain(value: Any) -> Any:
    """TOML dates become ISO strings, so the JSON Schema sees JSON types only."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _fragment_validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # lazy: ~250 ms, not when the cache holds

    partial = copy.deepcopy(schema("pack"))
    partial.pop("required", None)
    return Draft202012Validator(partial)


def merge(parts: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Merge data files in order: tables join (a key given twice is an error);
    ``rules`` and ``additions`` splice later files' entries at an ``include`` marker;
    other lists join."""
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for source, data in parts:
        for key, value in data.items():
            if key not in merged:
                merged[key] = copy.deepcopy(value)
                owner[key] = source
            elif isinstance(value, list) and isinstance(merged[key], list):
                items = merged[key]
                marker = next((i for i, item in enumerate(items) if item == INCLUDE), None)
                if marker is None:
                    items.extend(copy.deepcopy(value))
                else:
                    items[marker : marker + 1] = copy.deepcopy(value)
            elif isinstance(value, dict) and isinstance(merged[key], dict):
                for sub, sub_value in value.items():
                    if sub in merged[key]:
                        raise DataError(
                            source, [FieldError(f"{key}.{sub}", f"already given in {owner[key]}")]
                        )
                    merged[key][sub] = copy.deepcopy(sub_value)
            else:
                raise DataError(source, [FieldError(key, f"already given in {owner[key]}")])
    for key in ("rules", "additions"):  # a marker no authority filled takes nothing
        if isinstance(merged.get(key), list):
            merged[key] = [item for item in merged[key] if item != INCLUDE]
    return merged


def where_written(parts: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Where each entry of the merged data is written, for messages that name a file
    and a field: ``rules``, ``additions`` and ``contacts`` (a list, in merged order,
    of ``"ddscp/rules.toml: rules[3]"``), and the file of each route and fragment."""
    lists: dict[str, list[str]] = {"rules": [], "additions": [], "contacts": []}
    tables: dict[str, dict[str, str]] = {"routes": {}, "fragments": {}}
    for source, data in parts:
        shown = short_path(source)
        for key, found in lists.items():
            items = data.get(key)
            if not isinstance(items, list):
                continue
            labels = [
                "" if item == INCLUDE else f"{shown}: {key}[{index}]"
                for index, item in enumerate(items)
            ]
            marker = next((i for i, label in enumerate(found) if label == ""), None)
            if marker is None:
                found.extend(labels)
            else:
                found[marker : marker + 1] = labels
        for key, names in tables.items():
            if isinstance(data.get(key), dict):
                names.update(dict.fromkeys(data[key], shown))
    for found in lists.values():
        found[:] = [label for label in found if label]
    return {**lists, **tables}


def short_path(source: str) -> str:
    """A data file as messages name it: its folder and its name (``ddscp/rules.toml``)."""
    path = Path(source)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _validation_key(paths: list[Path]) -> str:
    """The inputs that decide validity and the merged data: the files (their names,
    which messages print, and their bytes), the schema and the checking code."""
    sources = [p.read_bytes() for p in paths]
    checks = [Path(m).read_bytes() for m in (__file__, references.__file__, versions.__file__)]
    names = "\n".join(str(p) for p in paths)
    return cache.digest(
        names,
        *sources,
        schema_file("pack").read_bytes(),
        schema_file("version").read_bytes(),
        *checks,
    )


def validate_merged(merged: dict[str, Any], label: str) -> None:
    """Validate merged data against ``schemas/pack.schema.json`` and the references.

    Raises:
        DataError: naming the files, the field and what is expected.
    """
    errors = field_errors(validator("pack").iter_errors(merged)) or check_references(merged)
    if errors:
        raise DataError(label, errors)


def load_authority(paths: Iterable[Path], *, version_file: Path | None = None) -> Authority:
    """Load an authority from its policy pack and its own files (in order): merged,
    validated and compiled; ``version_file`` is the ``version.toml`` that names and
    dates this version of them (None: the one undated version, ``current``).

    Raises:
        DataError: naming the file, the field and what is expected.
    """
    paths = list(paths)
    key = "valid-authority-" + _validation_key([*paths, *filter(None, [version_file])])
    # These exact files already passed every check below: their merged data, kept
    # as plain JSON (never code), is read instead of parsing the TOML again.
    held = cache.read_checked(key)
    if isinstance(held, dict) and _usable(held):
        version = versions.version_of(held["version"], held["hash"], paths)
        return compile_authority(held["merged"], held["where"], version=version)
    parts = [(str(path), read_data_file(path)) for path in paths]
    fragment = _fragment_validator()
    for source, data in parts:
        errors = field_errors(fragment.iter_errors(data))
        if errors:
            raise DataError(source, errors)
    merged = merge(parts)
    validate_merged(merged, " + ".join(str(p) for p in paths))
    declared = None
    if version_file is not None:
        declared = read_data_file(version_file)
        versions.check_version(declared, str(version_file))
    where = where_written(parts)
    version = versions.version_of(declared, versions.content_hash(merged), paths)
    authority = compile_authority(merged, where, version=version)
    kept = {"merged": merged, "where": where, "version": declared, "hash": version.hash}
    cache.write_checked(key, kept)
    return authority


def _usable(held: dict[str, Any]) -> bool:
    """Whether a cache entry (its digest already checked) has the shape written."""
    return (
        isinstance(held.get("merged"), dict)
        and isinstance(held.get("where"), dict)
        and isinstance(held.get("hash"), str)
        and isinstance(held.get("version"), dict | None)
    )
