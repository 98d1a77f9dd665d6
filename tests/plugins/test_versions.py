"""Dated versions of an authority's data (issue 16): the built-in data has one,
dated from the seeds; a fictional second version (tests/fixtures/ddscp_versions)
is used from its first day in force; a time with no version in force is routed
with the nearest one and a warning, never a crash."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.versioned import DRAFT, DRAFT_FROM, plugin, versioned_registry
from threshold.core.engine.api import route
from threshold.core.io.loading import merge, read_data_file
from threshold.core.io.versions import content_hash
from threshold.core.model.errors import AuthorityError, DataError
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry

ADVICE_LINE = "starting-point-advice-line"
DECLINED = {"level": 3, "early_help_assessment": "declined"}


def _route(case: dict[str, object], at: str, **kwargs: object) -> Guidance:
    return route({**case, "at": at}, "derbyshire", registry=versioned_registry(), **kwargs)  # type: ignore[arg-type]


def _hours(guidance: Guidance) -> str:
    return next(c.hours for c in guidance.contacts if c.id == ADVICE_LINE)


def test_each_built_in_authority_has_one_version_dated_from_the_seeds(registry: Registry) -> None:
    for authority_id in ("derbyshire", "derby_city"):
        (authority,) = registry.get(authority_id).all_versions()
        version = authority.version
        assert version is not None
        assert (version.name, version.document_date, version.in_force_from) == (
            "2022-09",
            "2022-09-01",
            "2022-09-01",
        )
        assert version.in_force_until is None
        assert "gives no commencement date" in (version.note or "")


def test_the_hash_is_of_the_validated_merged_data(registry: Registry) -> None:
    authority = registry.get("derbyshire").authority
    assert authority.version is not None
    files = [Path(f) for f in authority.version.files]
    merged = merge([(str(f), read_data_file(f)) for f in files])
    assert authority.version.hash == content_hash(merged)
    draft = versioned_registry().get("derbyshire").all_versions()[1]
    assert draft.version is not None and draft.version.hash != authority.version.hash


def test_the_guidance_and_the_record_name_the_version_and_its_hash() -> None:
    guidance = _route({"level": 2}, "2026-11-23T11:00", record=True)
    data = guidance.to_dict()
    base = versioned_registry().get("derbyshire").all_versions()[0].version
    assert base is not None
    named = {"name": "2022-09", "hash": base.hash, "in_force_from": "2022-09-01"}
    assert named.items() <= data["source"]["version"].items()
    assert data["record"]["source"]["version"] == data["source"]["version"]


def test_the_version_in_force_at_the_case_time_is_used() -> None:
    before = _route(DECLINED, "2030-03-31T11:00")
    after = _route(DECLINED, f"{DRAFT_FROM}T11:00")
    assert before.source.version and before.source.version.name == "2022-09"
    assert after.source.version and after.source.version.name == "2030-04"
    assert (before.route, after.route) == ("request-for-support", "early-help-first")
    assert _hours(_route({}, "2030-03-29T11:00")) == "10am to 4pm, Monday to Friday"
    assert _hours(_route({}, "2030-04-02T11:00")) == "9am to 5pm, Monday to Friday"
    assert not any(w.code == "no-version-in-force" for w in before.warnings + after.warnings)


def test_a_version_can_be_asked_for_by_name() -> None:
    assert _route(DECLINED, "2026-11-23T11:00", version="2030-04").route == "early-help-first"
    with pytest.raises(
        AuthorityError,
        match="unknown version 'draft' of derbyshire; expected one of: 2022-09, 2030-04",
    ):
        _route(DECLINED, "2026-11-23T11:00", version="draft")


def test_a_time_before_every_version_uses_the_earliest_with_a_warning() -> None:
    guidance = _route({"immediate_danger": True}, "2021-01-04T11:00")
    assert guidance.contacts[0].phone == "999"
    warning = guidance.warnings[0]
    assert warning.code == "no-version-in-force"
    assert "in force on 2021-01-04: the earliest version, 2022-09" in warning.message


def test_a_time_after_the_last_version_ends_uses_it_with_a_warning(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(DRAFT, versions / "2030-04")
    version_file = versions / "2030-04" / "version.toml"
    version_file.write_text(version_file.read_text() + 'in_force_until = "2030-12-31"\n')
    registry = Registry.load([("derbyshire", plugin(versions))], use_entry_points=False)
    case = {**DECLINED, "at": "2031-06-01T11:00"}
    guidance = route(case, "derbyshire", registry=registry)
    assert guidance.route == "early-help-first"
    assert guidance.warnings[0].code == "no-version-in-force"
    assert "the latest earlier version, 2030-04 (in force from 2030-04-01 until 2030-12-31)" in (
        guidance.warnings[0].message
    )
    urgent = route(
        {"significant_harm": True, "at": "2031-06-01T11:00"}, "derbyshire", registry=registry
    )
    assert urgent.kind == "child-protection"


def test_a_version_folder_with_a_file_that_replaces_nothing_is_refused(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(DRAFT, versions / "2030-04")
    (versions / "2030-04" / "derbyshire" / "authorty.toml").write_text("")
    registry = Registry.load([("derbyshire", plugin(versions))], use_entry_points=False)
    assert registry.authority_ids() == []
    (problem,) = registry.unusable()
    assert "authorty.toml" in problem[1] or "DataError" in problem[1]


def test_a_version_with_its_dates_out_of_order_is_refused(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    shutil.copytree(DRAFT, versions / "2030-04")
    version_file = versions / "2030-04" / "version.toml"
    version_file.write_text(version_file.read_text() + 'in_force_until = "2029-12-31"\n')
    with pytest.raises(DataError, match="in_force_until"):
        plugin(versions).threshold_register_authorities(register=lambda a: None)


def test_authorities_lists_every_version(run_cli: Callable[..., Result]) -> None:
    from threshold.core.plugins.installed import list_authorities

    rows = list_authorities(versioned_registry()).to_dict()["authorities"]
    versions = rows[0]["versions"]
    assert [v["name"] for v in versions] == ["2022-09", "2030-04"]
    assert [v["in_force_today"] for v in versions] == [
        dt.date.today().isoformat() < DRAFT_FROM,
        dt.date.today().isoformat() >= DRAFT_FROM,
    ]
    text = run_cli("authorities").out
    assert "version 2022-09: in force from 2022-09-01 (in force today)" in text
    assert "the source gives no commencement date" in text.lower()
