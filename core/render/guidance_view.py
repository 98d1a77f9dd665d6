"""What the text and Markdown guidance show: a NOW block first, then the rest.

The NOW block holds what the web tool's first screen holds: the route's title, the
one action to take now (the first step), the contact to use now (the engine's
first contact) with its number and whether it is open, and 999 on an urgent
route. ``brief`` prints it alone. (The text is wrapped by
:mod:`threshold.core.render.text_wrap`.) The block is at most :data:`NOW_LINES`
lines at any width: its action is the first step's first sentence, or as much of
it as fits (:func:`action_choices`); the whole step is in the steps below.

Rendering rules (the JSON keeps every fact; these only choose what the text shows):

- On an urgent route a contact with no phone number that is closed now (the
  written form for the follow-up, at night) is not listed as a contact: listed
  there it reads as something to use now. The follow-up names it, with when it
  next opens.
- The follow-up's deadline is said once: not again when its text already says it.
- The consent status is the pack's words for the answer, never its value.
- A route that is already urgent does not end with "if it becomes urgent".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from threshold.core.model.authority import Authority
from threshold.core.model.clock import describe_moment
from threshold.core.model.enums import URGENT_KINDS
from threshold.core.model.guidance import Guidance
from threshold.core.model.plain import plain_data

#: The NOW block's most lines, at any width from 40 columns (issue 15, item 3).
NOW_LINES = 8
#: Where a step's first sentence ends: a full stop (or ! ?) before a capital.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
#: A phone number written with spaces: never cut inside one.
_PHONE = re.compile(r"(?<!\w)0\d(?: ?\d){8,9}(?!\w)")
#: The fewest words a cut action keeps.
_FEWEST_WORDS = 4


def action_choices(action: str) -> list[str]:
    """The ways to say the action now, longest first: the step's first sentence;
    then as much of it as ends at a clause (``,``, ``;``, ``:``); then as much as
    ends at a word (at least :data:`_FEWEST_WORDS` words). A cut one ends in "…";
    none has words the step does not have, and none cuts a phone number or ends
    inside brackets."""
    first = _SENTENCE_END.split(" ".join(action.split()), maxsplit=1)[0]
    kept = _PHONE.sub(lambda m: m.group(0).replace(" ", "\u00a0"), first)
    words = kept.split(" ")
    cuts = [" ".join(words[:n]) for n in range(len(words) - 1, _FEWEST_WORDS - 1, -1)]
    cuts = [c for c in cuts if c.count("(") == c.count(")")]  # never inside brackets
    clauses = [c for c in cuts if c[-1] in ",;:"]
    ended = [c.rstrip(",;:") + "…" for c in clauses + [c for c in cuts if c[-1] not in ",;:"]]
    return [c.replace("\u00a0", " ") for c in [kept, *ended]]


def open_text(is_open: bool | None) -> str:
    """Whether a contact is open now, in words ("open now", "closed now", or that
    the sources do not say)."""
    if is_open is True:
        return "open now"
    if is_open is False:
        return "closed now"
    return "open now: not stated in the sources"


def open_sentence(is_open: bool | None) -> str:
    """Whether a contact is open now, as a sentence (:func:`open_text`)."""
    words = open_text(is_open)
    return words[0].upper() + words[1:] + "."


def _status(contact: Mapping[str, Any]) -> str:
    """Whether the first contact is open now, and if closed when it next opens, short."""
    if contact["open"] is True:
        return "Open now."
    if contact["open"] is None:
        return "Open now: not stated in the sources."
    moment = contact["next_open"]
    if not moment:
        return "Closed now; when it next opens is not known from the sources."
    return f"Closed now; next known to open {describe_moment(dt.datetime.fromisoformat(moment))}."


def _address(contact: Mapping[str, Any]) -> str:
    """A contact's number (with its option), or else its email or web address."""
    phone: str | None = contact["phone"]
    if phone:
        option = contact.get("phone_option")
        return phone + (f" ({option})" if option else "")
    address: str | None = contact.get("email") or contact.get("url")
    return address or "no number or address in the sources"


def _is_closed_form(contact: Mapping[str, Any]) -> bool:
    return contact["open"] is False and not contact["phone"]


def consent_words(authority: Authority | None, status: str | None) -> str:
    """The consent answer in the pack's words (its question of role ``consent``)."""
    if status is None:
        return "not asked"
    for question in authority.questions if authority else ():
        if question.role == "consent":
            for choice in question.choices:
                if choice.value == status:
                    return choice.words or choice.label
    return status.replace("-", " ")


def _follow_up(data: Mapping[str, Any], later: list[dict[str, Any]]) -> str | None:
    """The follow-up in one sentence or two, its deadline said once."""
    follow = data["follow_up"]
    if not follow:
        return None
    how = follow["how"]
    hours = follow["within_hours"]
    if hours is None:
        text = f"In writing (the sources give no deadline). {how}"
    elif f"within {hours} hours" in how.lower():
        text = how
    else:
        text = f"Within {hours} hours: {how}"
    for contact in later:
        when = f"; next known to open {contact['next_open']}" if contact["next_open"] else ""
        text += f" (The {contact['name']} is closed now{when}.)"
    return text


def text_view(guidance: Guidance, authority: Authority | None) -> dict[str, Any]:
    """What the text templates show: the guidance's data and the rendering rules'
    choices (see the module's docstring)."""
    data = plain_data(guidance)
    urgent = data["kind"] in URGENT_KINDS
    later = [dict(c) for c in data["contacts"] if urgent and _is_closed_form(c)]
    for contact in later:
        moment = contact["next_open"]
        contact["next_open"] = describe_moment(dt.datetime.fromisoformat(moment)) if moment else ""
    first = data["contacts"][0] if data["contacts"] else None
    return {
        "g": data,
        "urgent": urgent,
        "contacts": [c for c in data["contacts"] if not (urgent and _is_closed_form(c))],
        "first": first,
        "first_address": _address(first) if first else "",
        "first_status": _status(first) if first else "",
        "ring_999": urgent and not (first and first["phone"] == "999"),
        "follow_up": _follow_up(data, later),
        "consent": consent_words(authority, data["consent"]["status"]),
    }
