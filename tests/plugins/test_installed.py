"""What is installed (core/plugins/installed.py), tested directly: working
authorities with their plugins and data dates, broken plugins by name, as
``schemas/authorities.schema.json`` data."""

from __future__ import annotations

from threshold.core.io.schemas import format_validator
from threshold.core.plugins.installed import AuthorityInfo, BrokenPlugin, list_authorities
from threshold.core.plugins.registry import Registry
from threshold.testing import make_plugin


def test_working_authorities_with_their_plugin_and_dates(registry: Registry) -> None:
    listed = list_authorities(registry)
    assert [a.id for a in listed.authorities] == ["derby_city", "derbyshire"]
    derbyshire = listed.authorities[1]
    assert isinstance(derbyshire, AuthorityInfo)
    assert derbyshire.status == "ok" and derbyshire.plugin == "derbyshire"
    assert derbyshire.distribution == "threshold"
    assert derbyshire.data_reviewed < derbyshire.data_review_due
    assert listed.broken == ()


def test_a_broken_plugin_is_listed_by_name_and_the_others_work() -> None:
    def boom(register: object) -> None:
        raise RuntimeError("no data file")

    broken = make_plugin("boom", threshold_register_authorities=boom)
    registry = Registry.load([("boom", broken)])
    listed = list_authorities(registry)
    assert [a.id for a in listed.authorities] == ["derby_city", "derbyshire"]
    assert listed.broken == (BrokenPlugin("boom", "broken", "RuntimeError: no data file"),)
    data = listed.to_dict()
    assert not list(format_validator("authorities").iter_errors(data))
    assert data["broken"] == [
        {"plugin": "boom", "status": "broken", "error": "RuntimeError: no data file"}
    ]
