"""The built-in plugins' data: valid against the schema, every number a real UK
number, every citation pointing at a section and quote that exist in the seeds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from threshold.core.io.loading import load_authority, read_data_file
from threshold.core.model.authority import Authority, Citation
from threshold.core.model.errors import DataError
from threshold.core.plugins.registry import Registry
from threshold.plugins import derby_city, derbyshire
from threshold.plugins.ddscp import PACK

PACK_DATA, TEXTS_DATA, RULES_DATA = PACK  # the DDSCP pack: pack.toml, texts.toml, rules.toml
DERBY_CITY_DATA, DERBY_CITY_RULES = derby_city.data.files[-2:]  # its authority.toml, rules.toml
DERBYSHIRE_DATA, DERBYSHIRE_RULES = derbyshire.data.files[-2:]


def derbyshire_files(authority_file: Path | None = None) -> list[Path]:
    """Derbyshire's data files, with ``authority_file`` instead of its own."""
    return [*PACK, authority_file or DERBYSHIRE_DATA, DERBYSHIRE_RULES]


def derby_city_files(
    authority_file: Path | None = None, texts: Path | None = None, rules: Path | None = None
) -> list[Path]:
    """Derby City's data files, with any of them replaced."""
    return [
        PACK_DATA,
        texts or TEXTS_DATA,
        rules or RULES_DATA,
        authority_file or DERBY_CITY_DATA,
        DERBY_CITY_RULES,
    ]


AUTHORITIES = ["derbyshire", "derby_city"]


def authority(registry: Registry, authority_id: str) -> Authority:
    return registry.get(authority_id).authority


def all_citations(value: Any) -> list[Citation]:
    found = []
    if isinstance(value, Citation):
        return [value]
    if isinstance(value, tuple | list):
        for item in value:
            found += all_citations(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += all_citations(item)
    elif hasattr(value, "__attrs_attrs__"):
        for attribute in value.__attrs_attrs__:
            found += all_citations(getattr(value, attribute.name))
    return found


def normalise(text: str) -> str:
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@pytest.mark.parametrize("authority_id", AUTHORITIES)
def test_every_phone_number_is_a_valid_uk_number(registry: Registry, authority_id: str) -> None:
    for contact in authority(registry, authority_id).contacts:
        if contact.phone is None:
            continue
        if contact.purpose.value == "emergency":
            assert phonenumbers.is_emergency_number(contact.phone, "GB"), contact.id
            continue
        number = phonenumbers.parse(contact.phone, "GB")
        assert phonenumbers.is_valid_number(number), f"{contact.id}: {contact.phone}"


@pytest.mark.parametrize("authority_id", AUTHORITIES)
def test_every_citation_exists_in_its_seed(
    registry: Registry, authority_id: str, seeds: Path
) -> None:
    data = authority(registry, authority_id)
    citations = all_citations(data)
    assert len(citations) > 40
    for citation in citations:
        document = data.document(citation.document)
        text = normalise((seeds / document.seed).read_text("utf-8"))
        if citation.quote:
            for part in citation.quote.split("..."):
                assert normalise(part) in text, f"quote not in {document.seed}: {part!r}"
        # every part of the section path ("A: B: C") is the document's own words
        for part in citation.section.split(": "):
            assert normalise(part) in text, (
                f"{part!r} of {citation.section!r} not in {document.seed}"
            )


@pytest.mark.parametrize("authority_id", AUTHORITIES)
def test_every_phone_number_appears_in_a_seed(
    registry: Registry, authority_id: str, seeds: Path
) -> None:
    all_text = " ".join(p.read_text("utf-8") for p in seeds.glob("*.txt"))
    for contact in authority(registry, authority_id).contacts:
        if contact.phone:
            assert contact.phone in all_text, contact.phone


def test_seed_readme_known_points(registry: Registry) -> None:
    shire = authority(registry, "derbyshire")
    city = authority(registry, "derby_city")
    assert shire.contact("call-derbyshire-child-protection").phone == "01629 533190"
    assert shire.contact("call-derbyshire-out-of-hours").phone == "01629 532 600"
    assert [w.days for w in city.contact("professional-consultation-line").hours.windows] == [None]
    inbox = shire.contact("starting-point-request-for-support").hours
    (window,) = inbox.windows
    assert (window.opens, window.closes, window.days, inbox.bank_holidays.value) == (
        "09:00",
        "16:00",
        (0, 1, 2, 3, 4),
        "closed",
    )
    advice = shire.contact("starting-point-advice-line").hours
    (window,) = advice.windows
    assert (window.opens, window.closes, advice.bank_holidays.value) == (
        "10:00",
        "16:00",
        "unstated",
    )


def test_data_error_names_file_field_and_expectation(tmp_path: Path) -> None:
    broken = tmp_path / "authority.toml"
    text = DERBYSHIRE_DATA.read_text("utf-8").replace('phone = "01629 535353"', 'phone = "ring us"')
    broken.write_text(text, "utf-8")
    with pytest.raises(DataError) as info:
        load_authority(derbyshire_files(broken))
    message = str(info.value)
    assert str(broken) in message
    assert "contacts[2].phone" in message
    assert "expected a phone number of digits and spaces" in message


def test_data_error_for_a_step_a_route_names_but_the_data_has_not(tmp_path: Path) -> None:
    texts = tmp_path / "texts.toml"
    texts.write_text(TEXTS_DATA.read_text("utf-8").replace("[steps.call-999]", "[steps.call-998]"))
    with pytest.raises(
        DataError, match=r"routes\.emergency\.parts\[0\]\.steps\[0\]: unknown steps id 'call-999'"
    ):
        load_authority(derby_city_files(texts=texts))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            'route = "universal"',
            'route = "universe"',
            r"rules\[\d+\]\.route: unknown route 'universe'",
            id="a rule naming an unknown route",
        ),
        pytest.param(
            "when = { level = 2 }",
            "when = { level = 7 }",
            r"rules\[\d+\]\.when\.level: got 7; expected one of",
            id="a condition on an unknown answer",
        ),
        pytest.param(
            '[routes.universal]\nkind = "universal"',
            '[routes.universal]\nkind = "emergency"',
            "expected exactly one route of kind 'emergency'; got 2",
            id="two routes of an urgent kind",
        ),
    ],
)
def test_data_error_in_the_packs_rules(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = RULES_DATA.read_text("utf-8")
    assert old in text  # the defect is built from the real data
    rules = tmp_path / "rules.toml"
    rules.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError, match=expected):
        load_authority(derby_city_files(rules=rules))


def test_data_error_for_an_unknown_document(tmp_path: Path) -> None:
    broken = tmp_path / "authority.toml"
    broken.write_text(
        DERBY_CITY_DATA.read_text("utf-8").replace(
            'document = "ddscp-2022", section = "5. Next steps"',
            'document = "ddscp-2023", section = "5. Next steps"',
            1,
        )
    )
    with pytest.raises(DataError, match="unknown document 'ddscp-2023'"):
        load_authority(derby_city_files(broken))


def test_a_key_given_twice_is_an_error_not_an_override(tmp_path: Path) -> None:
    twice = tmp_path / "authority.toml"
    twice.write_text(
        DERBY_CITY_DATA.read_text("utf-8") + '\n[steps.call-999]\naction = "x"\nreason = "y"\n'
        'citations = [{ document = "ddscp-2022", section = "z" }]\n'
    )
    with pytest.raises(DataError, match=r"steps\.call-999: already given in"):
        load_authority(derby_city_files(twice))


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "authority.toml"
    bad.write_text("id = \n")
    with pytest.raises(DataError, match="not valid TOML"):
        read_data_file(bad)


def test_code_written_before_policy_packs_still_routes(registry: Registry) -> None:
    """`Case(level=4, consent=Consent.REFUSED)` and enum members in a dict, as the
    API documented before policy packs, give the same guidance as plain values;
    an enum member never reaches the decision table (it would match no row)."""
    import threshold
    from threshold.core.engine.api import route

    plain = route({"level": 4, "consent": "refused"}, "derby_city", registry=registry)
    for case in (
        threshold.Case(level=4, consent=threshold.Consent.REFUSED),
        threshold.Case(answers=(("level", 4), ("consent", threshold.Consent.REFUSED))),
        {"level": 4, "consent": threshold.Consent.REFUSED},
    ):
        guidance = route(case, "derby_city", registry=registry)
        assert guidance.route == plain.route == "online-referral"
        assert guidance.consent == plain.consent
        assert guidance.steps == plain.steps
