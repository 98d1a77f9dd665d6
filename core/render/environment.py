"""Guidance as text, Markdown, HTML (Jinja2, autoescaped) or JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from threshold import templates
from threshold.core.model.clock import describe_moment
from threshold.core.model.vocabulary import GUIDANCE_FORMATS
from threshold.core.render.govuk import LibraryMacros, inline_stylesheet
from threshold.core.render.html_text import is_source_note, linkify, tel_href

if TYPE_CHECKING:
    import jinja2

from threshold.core.model.authority import Authority
from threshold.core.model.guidance import Guidance
from threshold.core.model.plain import plain_data
from threshold.core.render.guidance_view import (
    NOW_LINES,
    action_choices,
    open_sentence,
    open_text,
    text_view,
)
from threshold.core.render.words import counted

FORMATS = GUIDANCE_FORMATS

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
#: More than one blank line in a row (one is all Markdown needs between blocks).
_BLANK_LINES = re.compile(r"\n{3,}")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-=]|\d+(?=[.)]))")


def markdown_escape(value: object) -> str:
    """Escape text so Markdown shows it literally (no links, HTML, entities or emphasis)."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_line(value: object) -> str:
    """Escape one line of free text for the start of a Markdown line: as
    :func:`markdown_escape`, and a leading list, heading-underline or numbered
    marker is escaped too, so the line stays one paragraph of text."""
    text = markdown_escape(value)
    match = _MARKDOWN_LINE_START.match(text)
    if match is None:
        return text
    marker = match.group(2)
    if marker.isdigit():
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return text[: match.start(2)] + "\\" + text[match.start(2) :]


def sentence(value: object) -> str:
    """Text as a sentence: its first letter a capital, ending in a full stop (or
    the ``?``, ``!`` or ``.`` it has)."""
    text = str(value).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def full_stop(value: object) -> str:
    """Text that ends a sentence: a full stop added unless it ends in one (or ``?``, ``!``)."""
    text = str(value).strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def human_time(value: str | None) -> str:
    """An ISO date-time as a person reads it, in Europe/London time."""
    if not value:
        return ""

    return describe_moment(dt.datetime.fromisoformat(value))


def policy_line(authority: Authority) -> str:
    """The authority's policy document and its date, and when its data was checked:
    the line a page's footer carries."""
    document = authority.document(authority.policy_document)
    return (
        f"{authority.name}: policy document {document.title}, {document.date_text}. "
        f"Data checked {authority.reviewed}; next review due {authority.review_due}."
    )


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment for the shared templates (HTML autoescaped)."""
    import jinja2  # lazy: ~80 ms, not for JSON output

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(templates.__file__).parent)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    env.filters["md_line"] = markdown_line
    env.filters["open_text"] = open_text
    env.filters["when"] = human_time
    env.filters["sentence"] = sentence
    env.filters["full_stop"] = full_stop
    env.filters["counted"] = counted
    env.filters["open_sentence"] = open_sentence
    env.filters["linkify"] = linkify
    env.filters["tel"] = tel_href
    env.tests["source_note"] = is_source_note
    env.globals["frontend"] = LibraryMacros()  # GOV.UK Frontend's macros, loaded when used
    env.globals["govuk_stylesheet"] = inline_stylesheet
    return env


def render(template: str, **context: Any) -> str:
    """Render one of the shared templates with ``context``."""
    return environment().get_template(template).render(**context)


def prerequisite_lines(guidance: Guidance, authority: Authority | None) -> list[tuple[str, bool]]:
    """What the authority's routes may need done first, by name, each with whether
    this route needs it; without the authority, the ids of what this route needs."""
    if authority is None:
        return [(key, True) for key in guidance.prerequisites]
    return [
        (item.name, key in guidance.prerequisites) for key, item in authority.prerequisites.items()
    ]


def render_guidance(
    guidance: Guidance,
    fmt: str,
    authority: Authority | None = None,
    *,
    width: int = 80,
    brief: bool = False,
) -> str:
    """Return ``guidance`` in format ``fmt`` (one of :data:`FORMATS`); with its
    ``authority``, what its routes may need done first is named, needed or not.
    Text is wrapped to ``width`` columns; with ``brief``, it is the NOW block alone
    (:mod:`threshold.core.render.guidance_text`)."""
    if fmt == "text":
        return render_text(guidance, authority, width=width, brief=brief)
    data = plain_data(guidance)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    prerequisites = prerequisite_lines(guidance, authority)
    if fmt == "markdown":
        view = text_view(guidance, authority)
        text = render("guidance.md.j2", prerequisites=prerequisites, **view)
        return _BLANK_LINES.sub("\n\n", text).rstrip("\n") + "\n"
    return render("guidance.html.j2", g=data, prerequisites=prerequisites)


def render_text(
    guidance: Guidance, authority: Authority | None = None, *, width: int = 80, brief: bool = False
) -> str:
    """The guidance as terminal text wrapped to ``width`` columns, its NOW block
    first (:mod:`threshold.core.render.guidance_view`); with ``brief``, the NOW
    block alone."""
    from threshold.core.render.text_wrap import wrap  # lazy: textwrap, for text output only

    view = text_view(guidance, authority)
    data = view["g"]
    phones = [c["phone"] for c in data["contacts"] + data["urgent_contacts"] if c["phone"]]
    for choice in action_choices(data["steps"][0]["action"]) if data["steps"] else []:
        view["now_action"] = choice
        now = wrap(render("guidance_now.txt.j2", **view).rstrip("\n"), width, phones)
        if len(now.splitlines()) <= NOW_LINES:
            break
    template = "guidance_now.txt.j2" if brief else "guidance.txt.j2"
    text = render(template, prerequisites=prerequisite_lines(guidance, authority), **view)
    return wrap(text.rstrip("\n"), width, phones) + "\n"
