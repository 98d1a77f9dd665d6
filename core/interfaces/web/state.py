"""The web tool's state: the authority and the answers, read from the URL query
and written back into every link and form.

Nothing is kept on the server: each page is a pure function of its query. A bad
query never raises anything but :class:`PageError`, whose message names the
parameter and says what to fix; it never echoes a free-text value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

import attrs

from threshold.core.interfaces.web.wizard import QUESTION_IDS, check_answers

#: Query parameters that carry the state (answers by question id, and an
#: optional time the guidance is for).
STATE_KEYS = ("authority", *QUESTION_IDS, "at")

#: Longest query value read; anything longer is refused (no answer is this long).
MAX_VALUE = 64

_NAME = re.compile(r"^[a-z][a-z_]{0,29}$")


@attrs.frozen
class Problem:
    """One thing to fix: the parameter (or question) and what is expected."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class PageError(Exception):
    """A page cannot be shown as asked: the status, a title, what to fix, and
    where to go to fix it."""

    def __init__(
        self,
        status: int,
        title: str,
        problems: Iterable[Problem],
        *,
        fix: tuple[str, str] | None = None,
        state: State | None = None,
    ) -> None:
        self.status = status
        self.title = title
        self.problems = tuple(problems)
        self.fix = fix
        self.state = state
        super().__init__("; ".join(str(p) for p in self.problems))


@attrs.frozen
class State:
    """The authority chosen (or "") and the answers given so far, by question id
    (plus ``at``), without empty values."""

    authority: str
    answers: Mapping[str, str]

    def params(self, *, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The state as query parameters, in a fixed order."""
        skip = set(without)
        found = [("authority", self.authority)] if self.authority else []
        found += [(k, self.answers[k]) for k in (*QUESTION_IDS, "at") if k in self.answers]
        return [(k, v) for k, v in found if k not in skip]

    def link(self, path: str, *, without: Iterable[str] = (), **extra: str) -> str:
        """A link to ``path`` that keeps the state (less ``without``), plus ``extra``."""
        params = self.params(without=without) + [(k, v) for k, v in extra.items()]
        return path + ("?" + urlencode(params) if params else "")

    def hidden(self, *, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The state as hidden form inputs (name, value)."""
        return self.params(without=without)

    def only(self, question_ids: Iterable[str]) -> State:
        """The same state with only these answers (and ``at``)."""
        keep = {*question_ids, "at"}
        return State(self.authority, {k: v for k, v in self.answers.items() if k in keep})

    def with_answer(self, question_id: str, value: str) -> State:
        """The same state with one more (or a changed) answer."""
        return State(self.authority, {**self.answers, question_id: value})


#: The questions whose answer makes a case urgent, by the case field they answer.
_URGENT_QUESTIONS = {"danger": "immediate_danger", "harm": "significant_harm"}


def urgent_query(items: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The urgent answers of a raw query, for the urgent advice of an error page:
    every copy of a repeated parameter, a value of any length, and a parameter
    under any spelling (``Danger``, ``significantHarm``), each as a one-field case
    (:func:`threshold.core.io.urgent_flags.flags` reads them; "no" is a clear no)."""
    from threshold.core.io.spelling import spelling_key

    return [
        {_URGENT_QUESTIONS.get(spelling_key(name), name): value}
        for name, value in items
        if name != "authority"
    ]


def _name_words(name: str) -> str:
    """A parameter name as it may be shown: itself if it looks like one, else a
    description (a name is never echoed as free text)."""
    return name if _NAME.match(name) else "a parameter with an unexpected name"


def read_query(
    items: Iterable[tuple[str, str]], allowed: Iterable[str]
) -> tuple[State, dict[str, str], list[Problem]]:
    """Split a query into the state, the page's own parameters, and problems:
    unknown names, repeated names, values that are too long.

    Answers are not checked here (see :func:`answer_problems`).
    """
    allowed_set = set(allowed) | set(STATE_KEYS)
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for name, value in items:
        if name not in allowed_set:
            expected = ", ".join(sorted(allowed_set))
            problems.append(
                Problem(_name_words(name), f"unknown parameter; expected one of: {expected}")
            )
            continue
        if name in seen:
            problems.append(Problem(name, "given more than once; expected it once"))
            continue
        if len(value) > MAX_VALUE:
            problems.append(Problem(name, f"too long; expected at most {MAX_VALUE} characters"))
            value = ""
        seen[name] = value
    answers = {k: seen[k] for k in (*QUESTION_IDS, "at") if seen.get(k)}
    own = {k: v for k, v in seen.items() if k not in STATE_KEYS}
    return State(seen.get("authority", ""), answers), own, problems


def answer_problems(answers: Mapping[str, str]) -> list[Problem]:
    """Answers that are not one of their question's options (never echoing them)."""
    return [Problem(e.path, e.message) for e in check_answers(answers)]
