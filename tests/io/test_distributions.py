"""Entry points and versions read from the metadata folders directly
(core/io/distributions.py) agree with importlib.metadata, which the start-up no
longer imports."""

from __future__ import annotations

import importlib.metadata as metadata
from pathlib import Path

import pytest

from tests.cold_start import imported_by_a_cold_route
from threshold.core.io import distributions


def _ours(group: str) -> list[tuple[str, str, str, str | None]]:
    return sorted(
        (p.name, p.value, p.dist.name, p.dist.version) for p in distributions.entry_points(group)
    )


def _theirs(group: str) -> list[tuple[str, str, str, str | None]]:
    return sorted(
        (p.name, p.value, p.dist.metadata["Name"], p.dist.version)
        for p in metadata.entry_points(group=group)
    )


@pytest.mark.parametrize("group", ["threshold", "console_scripts", "pytest11"])
def test_the_entry_points_are_importlib_metadatas(group: str) -> None:
    assert _ours(group) == _theirs(group)


def test_a_plugin_folder_on_the_path_is_found_as_importlib_metadata_finds_it(
    exampleshire_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(exampleshire_path))
    assert "exampleshire" in [name for name, *_ in _ours("threshold")]
    assert _ours("threshold") == _theirs("threshold")
    (point,) = [p for p in distributions.entry_points("threshold") if p.name == "exampleshire"]
    assert point.load().__name__ == "threshold_exampleshire"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["holidays", "threshold", "attrs", "Jinja2", "jinja2"])
def test_versions_are_importlib_metadatas(name: str) -> None:
    assert distributions.version(name) == metadata.version(name)
    assert distributions.version("no-such-distribution") is None


def test_the_first_copy_on_the_path_wins_and_odd_lines_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, version in ((first, "2.0"), (second, "1.0")):
        info = folder / f"demo_plugin-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: demo-plugin\nVersion: {version}\n\nName: body\n"
        )
        (info / "entry_points.txt").write_text(
            "# a comment\n[threshold]\ndemo = demo_module:thing\n\n[other]\nx = y\n"
        )
    monkeypatch.syspath_prepend(str(second))
    monkeypatch.syspath_prepend(str(first))
    found = [p for p in distributions.entry_points("threshold") if p.name == "demo"]
    assert [(p.value, p.dist.name, p.dist.version) for p in found] == [
        ("demo_module:thing", "demo-plugin", "2.0")
    ]
    assert distributions.version("Demo_Plugin") == "2.0"


def test_a_cold_route_imports_no_importlib_metadata() -> None:
    assert imported_by_a_cold_route(["importlib.metadata"]) == []
