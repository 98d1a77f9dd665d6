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
from threshold.plugins.ddscp import PARTNERSHIP_DATA

DERBY_CITY_DATA = derby_city.data.files[-1]  # its own authority.toml
DERBYSHIRE_DATA = derbyshire.data.files[-1]  # its own authority.toml

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
    assert city.contact("professional-consultation-line").hours.days is None
    inbox = shire.contact("starting-point-request-for-support").hours
    assert (inbox.opens, inbox.closes, inbox.days, inbox.bank_holidays.value) == (
        "09:00",
        "16:00",
        (0, 1, 2, 3, 4),
        "closed",
    )
    advice = shire.contact("starting-point-advice-line").hours
    assert (advice.opens, advice.closes, advice.bank_holidays.value) == (
        "10:00",
        "16:00",
        "unstated",
    )


def test_data_error_names_file_field_and_expectation(tmp_path: Path) -> None:
    broken = tmp_path / "authority.toml"
    text = DERBYSHIRE_DATA.read_text("utf-8").replace('phone = "01629 535353"', 'phone = "ring us"')
    broken.write_text(text, "utf-8")
    with pytest.raises(DataError) as info:
        load_authority([PARTNERSHIP_DATA, broken])
    message = str(info.value)
    assert str(broken) in message
    assert "contacts[2].phone" in message
    assert "expected a phone number of digits and spaces" in message


def test_data_error_for_a_missing_core_step(tmp_path: Path) -> None:
    partnership = tmp_path / "partnership.toml"
    partnership.write_text(
        PARTNERSHIP_DATA.read_text("utf-8").replace("[steps.call-999]", "[steps.call-998]")
    )
    with pytest.raises(DataError, match=r"steps\.call-999: missing; the core engine uses it"):
        load_authority([partnership, DERBY_CITY_DATA])


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
        load_authority([PARTNERSHIP_DATA, broken])


def test_a_key_given_twice_is_an_error_not_an_override(tmp_path: Path) -> None:
    twice = tmp_path / "authority.toml"
    twice.write_text(
        DERBY_CITY_DATA.read_text("utf-8") + '\n[steps.call-999]\naction = "x"\nreason = "y"\n'
        'citations = [{ document = "ddscp-2022", section = "z" }]\n'
    )
    with pytest.raises(DataError, match=r"steps\.call-999: already given in"):
        load_authority([PARTNERSHIP_DATA, twice])


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "authority.toml"
    bad.write_text("id = \n")
    with pytest.raises(DataError, match="not valid TOML"):
        read_data_file(bad)
