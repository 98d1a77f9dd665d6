"""Text for HTML pages: phone numbers and addresses as links, and citations as a
person reads them (the document's name, date and section, never a file name)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from threshold.core.model.authority import Authority
from threshold.core.model.sources import Document

#: What becomes a link in a sentence: a UK phone number of 10 or 11 digits
#: written with single spaces (``01629 533190``, ``0115 496 0000``), the
#: emergency number 999, an email address, a web address (``www.`` or
#: ``https://``). Trailing punctuation stays outside the link.
_LINKS = re.compile(
    r"(?P<phone>(?<![\w+])0\d(?: ?\d){8,9}(?!\w))"
    r"|(?P<emergency>(?<![\w.])999(?![\w]))"
    r"|(?P<email>(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<web>(?<![\w/])(?:https?://|www\.)[^\s<>\"']+)"
)
_TRAILING = ".,;:!?)]"


#: Warning codes of notes about the sources themselves (what they do not state,
#: where they are silent or differ with themselves): shown as inset text, since
#: the warning is kept for danger and cautions.
SOURCE_NOTE_CODES = frozenset({"source-silent", "source-differs"})


def is_source_note(code: str) -> bool:
    """Whether a guidance warning ``code`` is a note about the sources (any
    ``*-not-stated`` code, or one of :data:`SOURCE_NOTE_CODES`)."""
    return code.endswith("-not-stated") or code in SOURCE_NOTE_CODES


def tel_href(number: str) -> str:
    """The ``tel:`` address of a phone number as written (``tel:01629533190``)."""
    return "tel:" + re.sub(r"[^\d+]", "", number)


def _href(kind: str, text: str) -> str:
    """The address a link found by :data:`_LINKS` goes to."""
    if kind in ("phone", "emergency"):
        return tel_href(text)
    if kind == "email":
        return "mailto:" + text
    return text if text.startswith("http") else "https://" + text


def linkify(value: object) -> Markup:
    """``value`` escaped for HTML, with its phone numbers as ``tel:`` links and its
    email and web addresses as links (``govuk-link``)."""
    text = value.unescape() if isinstance(value, Markup) else str(value)
    out: list[str] = []
    end = 0
    for match in _LINKS.finditer(text):
        kind = match.lastgroup or "web"
        shown = match.group(0)
        if kind in ("web", "email"):
            shown = shown.rstrip(_TRAILING)
        out.append(str(escape(text[end : match.start()])))
        out.append(f'<a class="govuk-link" href="{escape(_href(kind, shown))}">{escape(shown)}</a>')
        end = match.start() + len(shown)
    out.append(str(escape(text[end:])))
    return Markup("".join(out))


def _section(section: str) -> str:
    """A section heading as a citation names it: ``5. Next steps`` becomes
    ``section 5: Next steps``; other headings are kept as they are."""
    numbered = re.match(r"(\d+(?:\.\d+)*)\.?\s+(.*)", section)
    if numbered:
        return f"section {numbered.group(1)}: {numbered.group(2)}"
    return section


def document_name(document: Document) -> str:
    """How a reader names a document: its ``short_title`` from the pack's data, or
    its title and date (the date left out when the document states none)."""
    if document.short_title:
        return document.short_title
    if document.date_text and document.date_text != "not stated":
        return f"{document.title}, {document.date_text}"
    return document.title


def readable_citation(authority: Authority | None, citation: Mapping[str, Any]) -> str:
    """A citation of the guidance's JSON (``seed``, ``section``, ``document``) as a
    person reads it: "the document's name, section 5: Next steps"."""
    name = None
    if authority is not None:
        for document in authority.documents:
            if document.seed == citation.get("seed") or document.title == citation.get("document"):
                name = document_name(document)
                break
    if name is None:
        name = str(citation.get("document") or "a source document")
        if citation.get("document_date"):
            name = f"{name}, {citation['document_date']}"
    return f"{name}, {_section(str(citation.get('section', '')))}"


def readable_citations(
    authority: Authority | None, citations: Iterable[Mapping[str, Any]]
) -> list[str]:
    """Each citation as :func:`readable_citation` says, each said once, in order."""
    return list(dict.fromkeys(readable_citation(authority, c) for c in citations))


def readable_data_citations(authority: Authority | None, citations: Iterable[Any]) -> list[str]:
    """Citations of the authority's data (a :class:`~threshold.core.model.sources.Citation`
    names its document by id; an indicator's citation by its seed) as
    :func:`readable_citations` says."""
    plain = []
    for citation in citations:
        seed = getattr(citation, "seed", None)
        if seed is None and authority is not None:
            try:
                seed = authority.document(citation.document).seed
            except KeyError:
                seed = None
        if seed is None:
            plain.append(
                {"document": getattr(citation, "document", None), "section": citation.section}
            )
        else:
            plain.append({"seed": seed, "section": citation.section})
    return readable_citations(authority, plain)
