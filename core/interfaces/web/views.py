"""The web tool's pages as HTML (and the record as Markdown): what each template
is given, built from the registry, the state and the engine's guidance.

Every page gets the disclaimer and the policy document (with its date) for its
footer, and every link it holds keeps the answers
(:class:`~threshold.core.interfaces.web.state.State`).
"""

from __future__ import annotations

from typing import Any

from threshold.core.analysis.indicator_search import by_level_and_domain, select
from threshold.core.engine.api import route
from threshold.core.engine.wording import DISCLAIMER, contact_label
from threshold.core.interfaces.web.assets import stylesheets
from threshold.core.interfaces.web.contact_box import contact_box
from threshold.core.interfaces.web.state import PageError, State
from threshold.core.interfaces.web.urgent_line import urgent_line
from threshold.core.interfaces.web.wizard import (
    Question,
    asked_questions,
    next_question,
    question_ids,
)
from threshold.core.model.authority import Authority
from threshold.core.model.enums import URGENT_KINDS, Purpose
from threshold.core.model.errors import AuthorityError, ThresholdError
from threshold.core.model.guidance import Guidance
from threshold.core.model.indicators import IndicatorSet
from threshold.core.plugins.registry import Registry
from threshold.core.render.environment import policy_line, render
from threshold.core.render.html_text import readable_citations, readable_data_citations

#: The first line of a page for an authority that cannot be used (503).
NATIONAL_URGENT_NOW = "If a child is in immediate danger, ring 999 now."

#: The links in every page's footer (text, href), in order.
FOOTER_LINKS: tuple[dict[str, str], ...] = (
    {"text": "Start again", "href": "/"},
    {"text": "Accessibility statement", "href": "/accessibility"},
)


def answer_label(item: Question, value: str) -> str:
    """An answer as the person chose it (the option's label)."""
    for option in item.options:
        if option.value == value:
            return option.label
    return value


class Views:
    """Renders each page for one registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    # ------------------------------------------------------------------ common
    def _authority(self, state: State) -> Authority | None:
        if state.authority in self.registry.authority_ids():
            return self.registry.get(state.authority).authority
        return None

    def _policies(self, state: State | None) -> list[str]:
        authority = self._authority(state) if state is not None else None
        if authority is not None:
            return [policy_line(authority)]
        return [policy_line(r.authority) for r in self.registry.registered()]

    def _urgent_line(
        self, state: State | None, query: list[tuple[str, str]] | None = None
    ) -> str | None:
        """The urgent advice the answers raise, or None (:func:`urgent_line`)."""
        policy = self._authority(state) if state is not None else None
        return urgent_line(self.registry, state, policy, query)

    def _page(self, template: str, state: State | None, **context: Any) -> str:
        return render(
            template,
            disclaimer=DISCLAIMER,
            policies=self._policies(state),
            footer_links=FOOTER_LINKS,
            stylesheets=stylesheets(),
            state=state,
            **context,
        )

    # ------------------------------------------------------------------- pages
    def start(self, state: State, *, error: str | None = None) -> str:
        """The start page: which authority."""
        authorities = [
            {
                "id": r.authority.id,
                "name": r.authority.name,
                "hint": policy_line(r.authority),
                "checked": r.authority.id == state.authority,
            }
            for r in self.registry.registered()
        ]
        return self._page(
            "web/start.html.j2",
            state,
            title="Which local authority is the child in?",
            authorities=authorities,
            broken=[f"{name}: {problem}" for name, problem in self.registry.unusable()],
            hidden=state.hidden(without=["authority"]),
            error=error,
        )

    def question(self, state: State, item: Question, *, error: bool = False) -> str:
        """One question, with its hint from the authority's data (cited)."""
        authority = self._authority(state)
        assert authority is not None
        hint = authority.question_hints.get(item.id)
        indicators = item.levels and self._has_indicators(state.authority)
        options = []
        for number, option in enumerate(item.options):
            entry: dict[str, Any] = {
                "id": item.id if number == 0 else f"{item.id}-{option.value}",
                "value": option.value,
                "label": option.label,
                "hint": option.hint,
                "checked": state.answers.get(item.id) == option.value,
                "link": None,
                "source": [],
            }
            if option.level is not None:
                entry["source"] = readable_data_citations(
                    authority, authority.level(option.level).citations
                )
                if indicators:
                    entry["link"] = state.link(
                        "/indicators", without=[item.id], **{item.id: option.value}
                    )
            options.append(entry)
        order = question_ids(authority)
        earlier = [
            q
            for q in asked_questions(self.registry, state.authority, state.answers)
            if order.index(q.id) < order.index(item.id)
        ]
        if item.id in state.answers and self._complete(state):
            back = state.link("/check")
        elif earlier:
            back = state.link("/question", q=earlier[-1].id)
        else:
            back = state.link("/")
        title = item.title_for(state.answers)
        sources = readable_data_citations(authority, hint.citations) if hint else []
        for entry in options:
            sources += [line for line in entry["source"] if line not in sources]
        return self._page(
            "web/question.html.j2",
            state,
            title=("Error: " if error else "") + title,
            heading=title,
            authority_name=authority.name,
            item=item,
            hint=hint.text if hint else item.hint,
            sources=sources,
            options=options,
            error=item.error if error else None,
            hidden=state.hidden(without=[item.id]),
            back=back,
            urgent_line=self._urgent_line(state),
        )

    def _has_indicators(self, authority_id: str) -> bool:
        """Whether the authority's policy document has threshold indicators to link to."""
        try:
            self.registry.indicators_for(authority_id)
        except AuthorityError:
            return False
        return True

    def _complete(self, state: State) -> bool:

        return next_question(self.registry, state.authority, state.answers) is None

    def urgent(self, state: State, *, usable: bool) -> str:
        """The immediate-danger stop page: 999, then the child protection lines (in
        the order the engine gives them: one open now first), and when the call is
        followed up in writing."""
        authority = self._authority(state) if usable else None
        lines: list[dict[str, str | None]] = []
        follow_up = None
        if authority is not None:
            lines = [
                {"name": c.name, "phone": c.phone, "label": contact_label(c)}
                for c in authority.contacts_for(Purpose.CHILD_PROTECTION)
                if c.phone
            ]
            emergency = self._emergency(state)
            if emergency is not None:
                lines = [
                    {"name": c.name, "phone": c.phone, "label": None}
                    for c in emergency.contacts
                    if c.purpose is Purpose.CHILD_PROTECTION and c.phone
                ] or lines
                follow_up = emergency.follow_up
        return self._page(
            "web/urgent.html.j2",
            state,
            title="Ring 999 now",
            authority_name=authority.name if authority else None,
            lines=lines,
            follow_up_hours=follow_up.within_hours if follow_up else None,
            guidance=state.link("/guidance") if authority else None,
            change=state.link("/question", q="danger"),
        )

    def _emergency(self, state: State) -> Guidance | None:
        """The guidance for immediate danger in the state's authority, at its time,
        or None when it cannot be made (the page still says 999 and the lines)."""
        case: dict[str, Any] = {"immediate_danger": True}
        if "at" in state.answers:
            case["at"] = state.answers["at"]
        try:
            return route(case, state.authority, registry=self.registry)
        except ThresholdError:
            return None

    def check(self, state: State) -> str:
        """Check your answers: every question asked, with a Change link."""
        authority = self._authority(state)
        assert authority is not None
        rows = [
            {
                "key": item.title_for(state.answers),
                "value": answer_label(item, state.answers[item.id]),
                "change": state.link("/question", q=item.id),
                "id": item.id,
            }
            for item in asked_questions(self.registry, state.authority, state.answers)
        ]
        return self._page(
            "web/check.html.j2",
            state,
            title="Check your answers",
            authority_name=authority.name,
            change_authority=state.link("/"),
            rows=rows,
            next=state.link("/guidance"),
            hidden=state.hidden(),
            urgent_line=self._urgent_line(state),
        )

    def guidance(self, state: State, guidance: Guidance, *, partial: bool = False) -> str:
        """The guidance page; ``partial``: from the answers so far, because one of
        them made the route urgent (a link offers the remaining questions)."""
        g: dict[str, Any] = guidance.to_dict()
        route = guidance.route
        authority = self._authority(state)
        assert authority is not None
        form = self._form_for(state, route)
        timed = state.with_answer("at", guidance.at) if "at" not in state.answers else state
        return self._page(
            "web/guidance.html.j2",
            state,
            title=f"{guidance.route_title}: {guidance.authority.name}",
            g=g,
            route_title=guidance.route_title,
            urgent=guidance.kind in URGENT_KINDS,
            public=state.answers.get("referrer") == "public",
            **contact_box(authority, g["contacts"]),
            prerequisites=self._prerequisites(state, guidance),
            form=form,
            form_links={
                "html": state.link("/form"),
                "markdown": state.link("/form", format="markdown"),
            },
            record_links={
                "html": timed.link("/record"),
                "json": timed.link("/record", format="json"),
                "markdown": timed.link("/record", format="markdown"),
            },
            check=state.link("/question" if partial else "/check"),
            remaining=state.link("/question") if partial else None,
            cite=lambda citations: readable_citations(authority, citations),
        )

    def _prerequisites(self, state: State, guidance: Guidance) -> list[tuple[str, bool]]:
        """Each thing the authority's routes may need done first (its data names
        them: an assessment), and whether this route needs it."""
        authority = self._authority(state)
        assert authority is not None
        return [
            (item.name, key in guidance.prerequisites)
            for key, item in authority.prerequisites.items()
        ]

    def _form_for(self, state: State, route: str) -> dict[str, str] | None:
        try:
            found = self.registry.form_for_route(state.authority, route)
        except ThresholdError:  # the forms failed to load: routing still works
            return {"id": "", "title": "", "broken": "yes"}
        if found is None:
            return None
        return {"id": found.id, "title": found.title, "broken": ""}

    def record(self, state: State, guidance: Guidance) -> str:
        """The decision record as a printable page."""
        assert guidance.record is not None
        r = guidance.record.to_dict()
        case = r["case"]
        assert isinstance(case, dict)
        return self._page(
            "web/record.html.j2",
            state,
            title=f"Decision record: {guidance.authority.name}",
            r=r,
            case=sorted(case.items()),
            route_title=guidance.route_title,
            prerequisites=self._prerequisites(state, guidance),
            public=state.answers.get("referrer") == "public",
            links={
                "json": state.link("/record", format="json"),
                "markdown": state.link("/record", format="markdown"),
                "guidance": state.link("/guidance", without=["at"]),
            },
        )

    def record_markdown(self, state: State, guidance: Guidance) -> str:
        """The decision record as a Markdown document."""
        assert guidance.record is not None
        r = guidance.record.to_dict()
        case = r["case"]
        assert isinstance(case, dict)
        return render(
            "web/record.md.j2",
            r=r,
            case=sorted(case.items()),
            prerequisites=self._prerequisites(state, guidance),
            disclaimer=DISCLAIMER,
            policies=self._policies(state),
        )

    def accessibility(self) -> str:
        """The accessibility statement."""
        return self._page("web/accessibility.html.j2", None, title="Accessibility statement")

    def indicators(self, state: State, item: Question, indicators: IndicatorSet, level: int) -> str:
        """The threshold indicators of one level (``item`` is the level question), by
        domain, with citations."""

        chosen = select(indicators, level=level)
        grouped = by_level_and_domain(indicators, chosen)
        return self._page(
            "web/indicators.html.j2",
            state,
            title=f"Threshold indicators: level {level}",
            s=indicators,
            level=indicators.level(level),
            note=indicators.level_notes.get(level),
            domains=grouped[0][1] if grouped else [],
            count=len(chosen),
            cite=lambda found: readable_data_citations(self._authority(state), found),
            back=state.link("/question", without=[item.id], q=item.id),
            others=[
                (n, state.link("/indicators", without=[item.id], **{item.id: str(n)}))
                for n in (o.level for o in item.options if o.level is not None)
                if n != level
            ],
        )

    def error(self, error: PageError, query: list[tuple[str, str]] | None = None) -> str:
        """The page for a bad query: what to fix and where, urgent advice first (as
        the answers in the raw ``query`` raise it, whatever is wrong with them)."""
        return self._page(
            "web/error.html.j2",
            error.state,
            title=error.title,
            problems=[
                {"field": p.path, "message": p.message, "text": str(p)} for p in error.problems
            ],
            fix=error.fix,
            urgent_line=self._urgent_line(error.state, query)
            or (NATIONAL_URGENT_NOW if error.status == 503 else None),
        )

    def internal_error(self) -> str:
        """The page for an unexpected failure: it still says to ring 999."""
        return self._page("web/internal_error.html.j2", None, title="Sorry, something went wrong")
