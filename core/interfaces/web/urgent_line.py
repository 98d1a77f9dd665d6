"""The urgent line at the top of a web page: the urgent advice the answers raise,
even answers that are not valid, so that no error page hides it."""

from __future__ import annotations

from threshold.core.engine.urgent import urgent_advice
from threshold.core.interfaces.web.state import State, urgent_query
from threshold.core.interfaces.web.wizard import questions
from threshold.core.model.authority import Authority
from threshold.core.model.fields import urgent_fields
from threshold.core.plugins.registry import Registry


def urgent_line(
    registry: Registry,
    state: State | None,
    policy: Authority | None,
    query: list[tuple[str, str]] | None = None,
) -> str | None:
    """The urgent advice the answers of ``state`` raise (even invalid ones), or None;
    ``policy`` is the state's authority when it can be used (its own urgent
    questions count too). With the raw ``query`` (an error page), every answer in
    it counts, read as :func:`~threshold.core.interfaces.web.state.urgent_query`
    says, and its authority."""
    if state is None and query is None:
        return None
    raw: list[object] = []
    authority = None
    if state is not None:
        raw.append(
            {
                "immediate_danger": state.answers.get("danger", ""),
                "significant_harm": state.answers.get("harm", ""),
            }
        )
        if policy is not None:  # the authority's own urgent questions, asked on their own
            urgent = set(urgent_fields(policy)) - {"immediate_danger", "significant_harm"}
            raw += [
                {item.fields[0]: state.answers[item.id]}
                for item in questions(policy)
                if item.id in state.answers and item.fields[0] in urgent
            ]
        authority = state.authority or None
    if query is not None:
        raw += urgent_query(query)
        authority = authority or next((v for k, v in query if k == "authority" and v), None)
    advice = urgent_advice(raw, authority, registry)
    return f"{advice[0].upper()}{advice[1:]}." if advice else None
