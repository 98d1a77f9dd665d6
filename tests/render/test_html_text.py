"""Text for the web pages: phone numbers and addresses become links, and
citations read as a person names the document (issue 15), never a file name."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from threshold.core.model.sources import Document
from threshold.core.plugins.registry import Registry
from threshold.core.render.html_text import document_name, linkify, readable_citation


@pytest.mark.parametrize(
    ("text", "link"),
    [
        (
            "ring 0115 496 0000 now",
            '<a class="govuk-link" href="tel:01154960000">0115 496 0000</a>',
        ),
        ("on 020 7946 0123.", '<a class="govuk-link" href="tel:02079460123">020 7946 0123</a>.'),
        ("ring 999.", '<a class="govuk-link" href="tel:999">999</a>.'),
        (
            "see www.example.org/help.",
            '<a class="govuk-link" href="https://www.example.org/help">www.example.org/help</a>.',
        ),
        (
            "mail a@example.org,",
            '<a class="govuk-link" href="mailto:a@example.org">a@example.org</a>,',
        ),
    ],
)
def test_numbers_and_addresses_become_links(text: str, link: str) -> None:
    assert link in linkify(text)


@pytest.mark.parametrize("text", ["on 2026-11-30", "in 1999", "level 3", "9.99", "a 9999 b"])
def test_other_numbers_stay_text(text: str) -> None:
    assert linkify(text) == text


def test_linkify_escapes_and_reads_markup_once() -> None:
    assert linkify("<b> & 999") == '&lt;b&gt; &amp; <a class="govuk-link" href="tel:999">999</a>'
    assert linkify(Markup("Children&#39;s 999")).startswith("Children&#39;s <a")


def test_a_document_is_named_by_its_short_title_or_title_and_date() -> None:
    base = {"id": "d", "seed": "001_0123456789abcdef.txt", "publisher": "P", "title": "Guide"}
    assert document_name(Document(**base, date_text="May 2020", short_title="P guide")) == "P guide"
    assert document_name(Document(**base, date_text="May 2020")) == "Guide, May 2020"
    assert document_name(Document(**base, date_text="not stated")) == "Guide"


def test_a_built_in_citation_reads_without_its_file_name(registry: Registry) -> None:
    authority = registry.get("derbyshire").authority
    document = authority.document(authority.policy_document)
    cited = readable_citation(
        authority, {"seed": document.seed, "section": "5. Next steps: How to make a referral"}
    )
    assert cited == f"{document.short_title}, section 5: Next steps: How to make a referral"
    assert document.seed not in cited


@pytest.mark.parametrize(
    ("code", "note"),
    [
        ("hours-not-stated", True),
        ("bank-holidays-not-stated", True),
        ("source-silent", True),
        ("source-differs", True),
        ("review-overdue", False),
        ("judgement-required", False),
    ],
)
def test_notes_on_the_sources_are_told_from_cautions(code: str, note: bool) -> None:
    from threshold.core.render.html_text import is_source_note

    assert is_source_note(code) is note
