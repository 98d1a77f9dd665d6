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
from starlette.requests import Request

from threshold.core.engine.api import route
from threshold.core.interfaces.status import STATUS, error_code
from threshold.core.interfaces.web.wizard import (
    answer_names,
    asked_questions,
    case_from_answers,
    check_answers,
    next_question,
    question,
    question_ids,
)
from threshold.core.io.spelling import spelling_key
from threshold.core.model.authority import Authority
from threshold.core.model.clock import check_range, parse_local
from threshold.core.model.enums import URGENT_KINDS
from threshold.core.model.errors import AuthorityError, CaseError, FieldError, UnknownAuthorityError
from threshold.core.model.fields import urgent_fields
from threshold.core.model.guidance import Guidance
from threshold.core.model.vocabulary import CORE_QUESTIONS
from threshold.core.plugins.registry import Registry

#: Query parameters that carry the state besides the answers (by question id:
#: the authority's, :func:`~threshold.core.interfaces.web.wizard.question_ids`):
#: the authority, and an optional time the guidance is for.
STATE_KEYS = ("authority", "at")

#: Longest query value read; anything longer is refused (no answer is this long).
MAX_VALUE = 64

_NAME = re.compile(r"^[a-z][a-z_]{0,29}$")


class PageError(Exception):
    """A page cannot be shown as asked: the status, a title, what to fix, and
    where to go to fix it."""

    def __init__(
        self,
        status: int,
        title: str,
        problems: Iterable[FieldError],
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
    (plus ``at``), without empty values; ``order`` is the order of the questions
    (the authority's), which links keep."""

    authority: str
    answers: Mapping[str, str]
    order: tuple[str, ...] = ()

    def params(self, *, without: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The state as query parameters, in a fixed order: the authority, the
        answers in question order, the time."""
        skip = set(without)
        found = [("authority", self.authority)] if self.authority else []
        rank = {name: index for index, name in enumerate(self.order)}
        names = sorted(
            (k for k in self.answers if k != "at"), key=lambda k: (rank.get(k, len(rank)), k)
        )
        found += [(k, self.answers[k]) for k in (*names, "at") if k in self.answers]
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
        return self.evolve({k: v for k, v in self.answers.items() if k in keep})

    def with_answer(self, question_id: str, value: str) -> State:
        """The same state with one more (or a changed) answer."""
        return self.evolve({**self.answers, question_id: value})

    def evolve(self, answers: Mapping[str, str], authority: str | None = None) -> State:
        """The same state with these answers (and this authority)."""
        return State(self.authority if authority is None else authority, answers, self.order)


#: The core's questions whose answer makes a case urgent, by the case field they answer.
_URGENT_QUESTIONS = {"danger": "immediate_danger", "harm": "significant_harm"}


def urgent_query(items: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """The urgent answers of a raw query, for the urgent advice of an error page:
    every copy of a repeated parameter, a value of any length, and a parameter
    under any spelling (``Danger``, ``significantHarm``), each as a one-field case
    (:func:`threshold.core.io.urgent_flags.flags` reads them; "no" is a clear no).
    An authority's own urgent question is read by its case field (its id)."""

    return [
        {_URGENT_QUESTIONS.get(spelling_key(name), name): value}
        for name, value in items
        if name != "authority"
    ]


def _name_words(name: str) -> str:
    """A parameter name as it may be shown: itself if it looks like one, else a
    description (a name is never echoed as free text)."""
    return name if _NAME.match(name) else "a parameter with an unexpected name"


def answer_order(registry: Registry, authority_id: str) -> tuple[str, ...]:
    """The answers a query may carry, in the order they are asked: the authority's
    questions; for an authority that cannot be used (or none), every installed
    authority's (the core's first), so its error page can still read them."""
    if authority_id in registry.authority_ids():
        return question_ids(registry.get(authority_id).authority)
    return (*CORE_QUESTIONS, *answer_names(r.authority for r in registry.registered()))


def read_query(
    items: Iterable[tuple[str, str]], allowed: Iterable[str], registry: Registry
) -> tuple[State, dict[str, str], list[FieldError]]:
    """Split a query into the state, the page's own parameters, and problems:
    unknown names (the answers it may carry are the authority's questions),
    repeated names, values that are too long.

    Answers are not checked here (see :func:`answer_problems`).
    """
    pairs = list(items)
    authority = next((v for k, v in pairs if k == "authority"), "")
    order = answer_order(registry, authority if len(authority) <= MAX_VALUE else "")
    allowed_set = set(allowed) | set(STATE_KEYS) | set(order)
    seen: dict[str, str] = {}
    problems: list[FieldError] = []
    for name, value in pairs:
        if name not in allowed_set:
            expected = ", ".join(sorted(allowed_set))
            problems.append(
                FieldError(_name_words(name), f"unknown parameter; expected one of: {expected}")
            )
            continue
        if name in seen:
            problems.append(FieldError(name, "given more than once; expected it once"))
            continue
        if len(value) > MAX_VALUE:
            problems.append(FieldError(name, f"too long; expected at most {MAX_VALUE} characters"))
            value = ""
        seen[name] = value
    answers = {k: seen[k] for k in (*order, "at") if seen.get(k)}
    own = {k: v for k, v in seen.items() if k not in STATE_KEYS and k not in order}
    return State(seen.get("authority", ""), answers, order), own, problems


def answer_problems(registry: Registry, state: State) -> list[FieldError]:
    """Answers that are not one of their question's options (never echoing them):
    the authority's options, or, when the authority cannot be used, any installed
    authority's for a question of that id."""
    answers = {k: v for k, v in state.answers.items() if k != "at"}
    if state.authority in registry.authority_ids():
        return check_answers(registry.get(state.authority).authority, answers)
    problems = []
    for name, value in answers.items():
        allowed: dict[str, None] = {}
        for registered in registry.registered():
            try:
                item = question(registered.authority, name)
            except KeyError:
                continue
            allowed.update(dict.fromkeys(o.value for o in item.options))
        if value not in allowed:
            problems.append(FieldError(name, f"expected one of: {', '.join(allowed)}"))
    return problems


def at_problems(value: str) -> list[FieldError]:
    """What is wrong with the time ``at`` (never echoing it), or nothing: as a
    case's ``at`` is read."""
    try:
        check_range(parse_local(value))
    except ValueError as exc:
        return [FieldError("at", str(exc))]
    return []


class PageChecks:
    """What every page checks before it is shown: the query, the authority, the
    answers, the time, and whether the questions are complete. A failed check
    raises :class:`PageError` (or :class:`Redirect` to the next question)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    # ------------------------------------------------------------------ helpers
    def _state(self, request: Request, *own: str) -> tuple[State, dict[str, str]]:
        """The state and the page's own parameters; PageError for a bad query."""
        state, params, problems = read_query(request.query_params.multi_items(), own, self.registry)
        if problems:
            raise PageError(
                400,
                "There is a problem with the web address",
                problems,
                state=self._clean(state),
            )
        return state, params

    def _policy(self, state: State) -> Authority:
        """The authority of a state whose authority was checked."""
        return self.registry.get(state.authority).authority

    def _clean(self, state: State, authority: str | None = None) -> State:
        """The state with only what was checked: an installed authority (``authority``
        if given), answers that are one of their question's choices, a time that
        parses. Links and hidden inputs are made from it, so nothing typed is ever
        repeated."""
        chosen = state.authority if authority is None else authority
        usable = chosen if chosen in self.registry.authority_ids() else ""
        order = answer_order(self.registry, usable)
        kept = {k: v for k, v in state.answers.items() if k in order or k == "at"}
        bare = State(usable, kept, order)
        bad = {p.path for p in answer_problems(self.registry, bare)}
        if "at" in kept and at_problems(kept["at"]):
            bad.add("at")
        return bare.evolve({k: v for k, v in kept.items() if k not in bad})

    def _answers_checked(self, state: State) -> None:
        """Check every answer, and the time (``at``) if given (not the authority)."""
        problems_at = at_problems(state.answers["at"]) if "at" in state.answers else []
        if problems_at:
            raise PageError(
                400,
                "There is a problem with the web address",
                problems_at,
                fix=(
                    self._clean(state).link("/question", without=["at"]),
                    "Continue without a time",
                )
                if state.authority
                else ("/", "Start again"),
                state=self._clean(state),
            )
        problems = answer_problems(self.registry, state)
        if problems:
            first = problems[0].path
            clean = self._clean(state)
            raise PageError(
                400,
                "An answer in the web address is not one of the choices",
                problems,
                fix=(clean.link("/question", q=first), "Answer the question again")
                if clean.authority
                else (clean.link("/"), "Start again"),
                state=clean,
            )

    def _authority(self, state: State) -> None:
        """Check the authority: missing or unknown 400, unusable 503."""
        if not state.authority:
            raise PageError(
                400,
                "Choose the local authority first",
                [FieldError("authority", "missing; expected the local authority of the child")],
                fix=("/", "Choose the local authority"),
                state=self._clean(state),
            )
        if state.authority not in self.registry.authority_ids():
            try:
                self.registry.get(state.authority)
            except UnknownAuthorityError as exc:
                known = ", ".join(self.registry.authority_ids()) or "none installed"
                raise PageError(
                    STATUS[error_code(exc)].page,
                    "Unknown authority",
                    [
                        FieldError(
                            "authority", f"not an installed authority; expected one of: {known}"
                        )
                    ],
                    fix=("/", "Choose the local authority"),
                    state=self._clean(state),
                ) from None
            except AuthorityError as exc:
                raise unusable(self.registry, exc, self._clean(state)) from None

    def _checked(self, state: State) -> None:
        """Check the authority, every answer, and the time (``at``) if given."""
        self._authority(state)
        self._answers_checked(state)

    def _complete(self, state: State) -> State:
        """The state with only the answers that matter (those of the questions
        asked); raises :class:`Redirect` to the next question when one is open."""

        following = next_question(self.registry, state.authority, state.answers)
        if following is not None:
            raise Redirect(state.link("/question"))
        asked = asked_questions(self.registry, state.authority, state.answers)
        return state.only(q.id for q in asked)

    def _asked_so_far(self, state: State) -> State:
        """The state with only the answers of the questions asked so far."""
        return state.only(
            q.id for q in asked_questions(self.registry, state.authority, state.answers)
        )

    def _urgent_so_far(self, state: State, asked: str | None = None) -> bool:
        """Whether the answers so far already make the route urgent (whatever the
        open questions' answers, none of which is an urgent question that could
        make it more urgent); with ``asked``, only when that answer made it so."""
        following = next_question(self.registry, state.authority, state.answers)
        policy = self._policy(state)
        if following is not None and set(following.fields) & set(urgent_fields(policy)):
            return False
        if self._guidance(self._asked_so_far(state)).kind not in URGENT_KINDS:
            return False
        if asked is None:
            return True
        before = state.evolve({k: v for k, v in state.answers.items() if k != asked})
        return self._guidance(self._asked_so_far(before)).kind not in URGENT_KINDS

    def _guidance(self, state: State, *, record: bool = False) -> Guidance:

        case = case_from_answers(self._policy(state), state.answers)
        try:
            return route(case, state.authority, registry=self.registry, record=record)
        except CaseError as exc:
            raise PageError(
                STATUS[error_code(exc)].page,
                "There is a problem with the web address",
                list(exc.errors),
                fix=(state.link("/check", without=["at"]), "Check your answers"),
                state=state,
            ) from None
        except AuthorityError as exc:
            raise unusable(self.registry, exc, state) from None


def unusable(registry: Registry, exc: AuthorityError, state: State) -> PageError:
    """The page (503) for an authority whose plugin cannot be used now: it names
    the authority and the reason, and (as every error page) says to ring 999."""
    try:
        name = f"{registry.get(exc.authority_id).authority.name} ({exc.authority_id})"
    except AuthorityError:
        name = exc.authority_id
    return PageError(
        STATUS[error_code(exc)].page,
        "This local authority cannot be used",
        [FieldError("authority", f"{name} cannot be used now: {exc}")],
        fix=("/", "Choose the local authority"),
        state=state,
    )


class Redirect(Exception):
    """Go to another page (303) instead: the answers are not complete yet."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(url)
