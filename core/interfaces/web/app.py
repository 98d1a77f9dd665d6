"""The guided web tool: the pages of ``threshold serve`` for practitioners.

One question per page (:mod:`threshold.core.interfaces.web.wizard` decides which), a "check
your answers" page, then the guidance, the referral form and the decision
record, all from the same engine, forms and data as the CLI. The pages hold no
state on the server: the answers travel in the URL query (GET forms with hidden
inputs), and nothing is logged. The referral form's download buttons POST what
was typed, which comes straight back as a file (:mod:`.form_page`). Every page
works without JavaScript (there is none), and every page's footer carries the
disclaimer and the policy document.

A bad query gives an HTML page that says what to fix (400), an unusable
authority a page that still says to ring 999 (503); the JSON API keeps its own
JSON errors. Mount with :func:`page_routes` and :func:`error_page`, or use
:func:`create_web_app`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.routing import Route as PathRoute  # not the model's Route (a route of care)

from threshold.core.interfaces.http.app import create_app
from threshold.core.interfaces.web.assets import asset_routes
from threshold.core.interfaces.web.form_page import (
    form_text,
    read_body,
    refuse_cross_site,
    route_form,
    typed_download,
)
from threshold.core.interfaces.web.guard import error_page, guarded
from threshold.core.interfaces.web.responses import download, html, see
from threshold.core.interfaces.web.state import (
    PageChecks,
    PageError,
    State,
    answer_problems,
)
from threshold.core.interfaces.web.views import Views
from threshold.core.interfaces.web.wizard import (
    asked_questions,
    levels_expected,
    next_question,
    question,
    question_ids,
    questions,
)
from threshold.core.model.errors import AuthorityError, FieldError
from threshold.core.model.forms import Form
from threshold.core.model.guidance import Guidance
from threshold.core.plugins.registry import Registry, default_registry


class _Pages(PageChecks):
    """The page handlers: one method per page, each a function of the query."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(registry)
        self.views = Views(registry)

    # -------------------------------------------------------------------- pages
    def start(self, request: Request) -> Response:
        """GET /: which authority (radios from the installed plugins)."""
        state, params = self._state(request, "asked")
        self._answers_checked(state)
        if params.get("asked") == "authority":
            if state.authority in self.registry.authority_ids():
                # answers to another authority's questions are left behind
                return see(self._clean(state).link("/question"))
            error = (
                "Select the local authority of the child"
                if not state.authority
                else "Select one of the local authorities listed"
            )
            return html(self.views.start(state, error=error), 400)
        if "asked" in params:
            raise PageError(
                400,
                "There is a problem with the web address",
                [FieldError("asked", "expected authority")],
                fix=("/", "Start again"),
            )
        return html(self.views.start(state))

    def question(self, request: Request) -> Response:
        """GET /question: one question; a submitted answer moves on (303)."""

        state, params = self._state(request, "q", "asked")
        self._authority(state)
        policy = self._policy(state)
        ids = question_ids(policy)
        for name in ("q", "asked"):
            if name in params and params[name] not in ids:
                raise PageError(
                    400,
                    "There is a problem with the web address",
                    [FieldError(name, "expected one of: " + ", ".join(ids))],
                    fix=(self._clean(state).link("/question"), "Go to the next question"),
                    state=self._clean(state),
                )
        asked = params.get("asked")
        if asked is not None:
            answer = state.answers.get(asked)
            wrong = answer is None or bool(
                answer_problems(self.registry, state.evolve({asked: answer}))
            )
            others = state.evolve({k: v for k, v in state.answers.items() if k != asked})
            if not wrong:
                self._checked(state)
                return see(self._after(state, asked))
            self._answers_checked(others)
            return html(self.views.question(others, question(policy, asked), error=True), 400)
        self._checked(state)
        if "q" in params:
            return html(self.views.question(state, question(policy, params["q"])))

        following = next_question(self.registry, state.authority, state.answers)
        if following is None:
            return see(self._after(state))
        return html(self.views.question(state, following))

    def _after(self, state: State, answered: str | None = None) -> str:
        """Where a complete or advancing set of answers goes next: an answer to
        the question ``answered`` that makes the route urgent goes to the guidance
        at once."""

        if state.answers.get("danger") == "yes":
            return state.only(["danger"]).link("/urgent")
        if next_question(self.registry, state.authority, state.answers) is not None:
            if answered is not None and self._urgent_so_far(state, answered):
                return self._asked_so_far(state).link("/guidance")
            return state.link("/question")
        asked = asked_questions(self.registry, state.authority, state.answers)
        return state.only(q.id for q in asked).link("/check")

    def urgent(self, request: Request) -> Response:
        """GET /urgent: 999 and the child protection line first, nothing before them."""
        state, _ = self._state(request)
        if state.answers.get("danger") != "yes":
            return see(state.link("/question"))
        clean = self._clean(state)  # this page never refuses: it drops what is wrong
        usable = bool(clean.authority)
        return html(self.views.urgent(clean, usable=usable), 200 if usable else 400)

    def check(self, request: Request) -> Response:
        """GET /check: check your answers, with Change links."""
        state, _ = self._state(request)
        self._checked(state)
        kept = self._complete(state)
        return html(self.views.check(kept))

    def guidance(self, request: Request) -> Response:
        """GET /guidance: the route, who to ring now, the steps, consent, the form."""
        state, _ = self._state(request)
        self._checked(state)
        open_question = next_question(self.registry, state.authority, state.answers)
        if open_question is not None and self._urgent_so_far(state):
            kept = self._asked_so_far(state)  # urgent already: the guidance, refined later
            return html(self.views.guidance(kept, self._guidance(kept), partial=True))
        kept = self._complete(state)
        guidance = self._guidance(kept)
        return html(self.views.guidance(kept, guidance))

    def record(self, request: Request) -> Response:
        """GET /record: the decision record as a page, or ?format=json / markdown."""
        state, params = self._state(request, "format")
        fmt = params.get("format", "html")
        if fmt not in ("html", "json", "markdown"):
            raise PageError(
                400,
                "There is a problem with the web address",
                [FieldError("format", "expected one of: html, json, markdown")],
                fix=(self._clean(state).link("/record"), "See the decision record"),
                state=state,
            )
        self._checked(state)
        kept = self._complete(state)
        guidance = self._guidance(kept, record=True)
        record = guidance.record
        assert record is not None  # asked for with record=True
        if fmt == "json":
            body = json.dumps(record.to_dict(), indent=2, ensure_ascii=False) + "\n"
            return download(body, "application/json", f"threshold-decision-{record.id}.json")
        if fmt == "markdown":
            body = self.views.record_markdown(kept, guidance)
            return download(
                body, "text/markdown; charset=utf-8", f"threshold-decision-{record.id}.md"
            )
        return html(self.views.record(kept, guidance))

    def form(self, request: Request) -> Response:
        """GET /form: the route's referral form, prefilled (HTML, or ?format=markdown)."""
        state, params = self._state(request, "format")
        fmt = params.get("format", "html")
        if fmt not in ("html", "markdown"):
            raise PageError(
                400,
                "There is a problem with the web address",
                [FieldError("format", "expected one of: html, markdown")],
                fix=(self._clean(state).link("/form"), "See the form"),
                state=state,
            )
        kept, guidance, found = self._route_form(state)
        text = form_text(self.registry, kept, guidance, found, fmt)
        if fmt == "markdown":
            return download(text, "text/markdown; charset=utf-8", f"{found.id}.md")
        return html(text, inline_styles=True)

    def form_download(self, request: Request, body: bytes) -> Response:
        """POST /form: what was typed into the form (the body), sent straight back
        as a Markdown or JSON download; nothing is kept."""
        state, _ = self._state(request)
        return typed_download(self.registry, *self._route_form(state), body)

    def _route_form(self, state: State) -> tuple[State, Guidance, Form]:
        """The checked state, its guidance, and its route's written form."""
        self._checked(state)
        kept = self._complete(state)
        guidance = self._guidance(kept)
        return kept, guidance, route_form(self.registry, kept, guidance)

    def accessibility(self, request: Request) -> Response:
        """GET /accessibility: the accessibility statement."""
        return html(self.views.accessibility())

    def indicators(self, request: Request) -> Response:
        """GET /indicators: the threshold indicators of one level, as a reference page."""
        state, _ = self._state(request)
        self._authority(state)
        policy = self._policy(state)
        item = next((q for q in questions(policy) if q.levels), None)
        if item is None:
            raise PageError(
                404,
                "No levels of need to show",
                [FieldError("", f"{policy.name} asks no level of need")],
                fix=(self._clean(state).link("/question"), "Go to the next question"),
                state=self._clean(state),
            )
        level = state.answers.get(item.id, "")
        numbers = [str(o.level) for o in item.options if o.level is not None]
        if level not in numbers:
            raise PageError(
                400,
                "There is a problem with the web address",
                [FieldError(item.id, f"expected {levels_expected(numbers)}")],
                fix=(
                    self._clean(state).link("/question", without=[item.id], q=item.id),
                    "Back to the question",
                ),
                state=state.evolve({}),
            )
        others = state.evolve({k: v for k, v in state.answers.items() if k != item.id})
        self._answers_checked(others)
        try:
            indicators = self.registry.indicators_for(state.authority)
        except AuthorityError as exc:
            raise PageError(
                503,
                "The threshold indicators cannot be shown",
                [FieldError("indicators", str(exc))],
                fix=(
                    state.link("/question", without=[item.id], q=item.id),
                    "Back to the question",
                ),
                state=state,
            ) from None
        return html(self.views.indicators(state, item, indicators, int(level)))


def page_routes(registry: Registry | None = None) -> list[BaseRoute]:
    """The web pages, as routes to add to the service (``create_app(routes=...)``)."""
    pages = _Pages(registry or default_registry())
    handlers = {
        "/": pages.start,
        "/question": pages.question,
        "/urgent": pages.urgent,
        "/check": pages.check,
        "/guidance": pages.guidance,
        "/record": pages.record,
        "/form": pages.form,
        "/indicators": pages.indicators,
        "/accessibility": pages.accessibility,
    }
    return [
        *(
            PathRoute(path, guarded(pages.views, handler), methods=["GET"], name=f"page{path}")
            for path, handler in handlers.items()
        ),
        PathRoute("/form", _form_post(pages), methods=["POST"], name="page/form/download"),
        *asset_routes(),
    ]


def _form_post(pages: _Pages) -> Callable[[Request], Awaitable[Response]]:
    """POST /form: refuse a cross-site request, read the body (bounded), then make
    the download in a worker thread (:meth:`_Pages.form_download`)."""

    async def form_post(request: Request) -> Response:
        try:
            refuse_cross_site(request)
            body = await read_body(request)
        except PageError as exc:
            return html(pages.views.error(exc, request.query_params.multi_items()), exc.status)

        def handler(request: Request) -> Response:
            return pages.form_download(request, body)

        return await run_in_threadpool(guarded(pages.views, handler), request)

    return form_post


def create_web_app(registry: Registry | None = None, **options: Any) -> Any:
    """The HTTP service with the web pages: what ``threshold serve`` runs.

    ``options`` go to :func:`threshold.core.interfaces.http.app.create_app`.
    """

    registry = registry or default_registry()
    return create_app(
        registry, routes=page_routes(registry), error_pages=error_page(registry), **options
    )
