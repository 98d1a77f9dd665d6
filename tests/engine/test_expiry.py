"""Expiry warns, never breaks (issue 16): every installed authority, and the
fictional second version of the DDSCP data, still routes a year from today and the
day after its data's review date, with the review warning; urgent advice first."""

from __future__ import annotations

import datetime as dt

from tests.versioned import versioned_registry
from threshold.core.engine.api import route
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry

CASES = (
    {"immediate_danger": True},
    {"significant_harm": True},
    {},
    *({"level": level} for level in (1, 2, 3, 4)),
)


def _days(review_due: str) -> list[dt.date]:
    return [
        dt.date.today() + dt.timedelta(days=365),
        dt.date.fromisoformat(review_due) + dt.timedelta(days=1),
    ]


def _check(guidance: Guidance, case: dict[str, object]) -> None:
    assert guidance.steps and guidance.route
    assert "review-overdue" in [w.code for w in guidance.warnings]
    if case.get("immediate_danger"):
        assert guidance.contacts[0].phone == "999"


def test_every_installed_authority_routes_after_its_review_date(registry: Registry) -> None:
    assert {"derbyshire", "derby_city"} <= set(registry.authority_ids())
    for authority_id in registry.authority_ids():  # a third-party plugin too, if installed
        authority = registry.get(authority_id).authority
        for day in _days(authority.review_due):
            for case in CASES:
                at = f"{day.isoformat()}T11:00"
                guidance = route({**case, "at": at}, authority_id, registry=registry, today=day)
                _check(guidance, case)


def test_every_version_routes_after_its_review_date_and_a_year_after_it_starts() -> None:
    registry = versioned_registry()
    for authority in registry.get("derbyshire").all_versions():
        assert authority.version is not None and authority.version.in_force_from
        start = dt.date.fromisoformat(authority.version.in_force_from)
        days = [*_days(authority.review_due), start + dt.timedelta(days=365)]
        for day in days:
            for case in CASES:
                at = f"{day.isoformat()}T11:00"
                guidance = route(
                    {**case, "at": at},
                    "derbyshire",
                    registry=registry,
                    today=day,
                    version=authority.version.name,
                )
                if day > dt.date.fromisoformat(authority.review_due):
                    _check(guidance, case)
                else:
                    assert guidance.steps
