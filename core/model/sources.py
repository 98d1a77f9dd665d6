"""Where facts come from: the source documents a policy cites, and citations."""

from __future__ import annotations

import attrs


@attrs.frozen
class Document:
    """A source document that the data cites.

    Attributes:
        id: Stable identifier used in citations.
        seed: File name of the source text in ``shared/seeds``.
        title: The document's title.
        publisher: Who publishes it.
        date: Date of the document (ISO), or None where the document gives none.
        date_text: The date as the document states it, or "not stated".
        url: Address of the original, where the source gives one.
        short_title: How a reader names it in a citation ("Exampleshire
            threshold guidance, 2026"), where the data gives one.
    """

    id: str
    seed: str
    title: str
    publisher: str
    date_text: str
    date: str | None = None
    url: str | None = None
    short_title: str | None = None


@attrs.frozen
class Citation:
    """Where a fact comes from: a document and a section heading in it.

    Attributes:
        document: Id of a :class:`Document` of the authority.
        section: The section or heading the fact is in.
        quote: A short quotation of the source, where useful.
    """

    document: str
    section: str
    quote: str | None = None
