"""What a page of the web tool answers when it fails: a PageError its HTML error
page, a broken plugin a page that still says to ring 999 (503), anything else an
HTML page that says to ring 999 (500; its type is logged, never the query), and a
404 or 405 under the pages an HTML page too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from threshold.core.interfaces.failures import debugging
from threshold.core.interfaces.web.responses import html, see
from threshold.core.interfaces.web.state import PageError, Redirect, read_query, unusable
from threshold.core.interfaces.web.views import Views
from threshold.core.model.errors import AuthorityError, FieldError
from threshold.core.plugins.registry import Registry, default_registry

#: The paths of the pages (a 404 or 405 under them is an HTML page).
PAGES: tuple[str, ...] = ("/", "/question", "/urgent", "/check", "/guidance", "/record", "/form")
PAGES += ("/indicators", "/accessibility")

Handler = Callable[[Request], Response]

#: Logs an internal error by its type name only: never a path, query or answer.
log = logging.getLogger("threshold.web")


def guarded(views: Views, handler: Handler) -> Handler:
    """Wrap a page: a PageError becomes its HTML error page; any other failure an
    HTML page that still says to ring 999 (its type is logged, never the query)."""

    def page(request: Request) -> Response:
        try:
            return handler(request)
        except Redirect as exc:
            return see(exc.url)
        except PageError as exc:
            return html(views.error(exc, request.query_params.multi_items()), exc.status)
        except AuthorityError as exc:
            # a plugin failed while the page routed (its rule raised): a 503 page
            # naming the authority, never a 500
            state = read_query(request.query_params.multi_items(), (), views.registry)[0]
            error = unusable(views.registry, exc, state.evolve({}))
            return html(views.error(error, request.query_params.multi_items()), error.status)
        except Exception as exc:
            if debugging():
                raise
            log.error("internal error (%s)", type(exc).__name__)
            return html(views.internal_error(), 500)

    page.__name__ = handler.__name__
    page.__doc__ = handler.__doc__
    return page


def error_page(registry: Registry | None = None) -> Callable[[Request, int], Response | None]:
    """The HTML 404/405 page for the pages (and for a browser asking for a page
    that does not exist); None leaves the JSON API's own error."""
    views = Views(registry or default_registry())

    def answer(request: Request, status: int) -> Response | None:
        path = request.url.path
        wants_html = "text/html" in request.headers.get("accept", "")
        if path not in PAGES and not (status == 404 and wants_html):
            return None
        if status == 405 and path == "/form":
            problem = FieldError(
                "", "method not allowed; expected GET, and POST from its own download buttons"
            )
            title = "This page only answers GET, and POST from its own download buttons"
        elif status == 405:
            problem = FieldError("", "method not allowed; the pages use GET")
            title = "This page only answers GET"
        else:
            problem = FieldError("", "no page at this address; check it is correct, or start again")
            title = "Page not found"
        error = PageError(status, title, [problem], fix=("/", "Start again"))
        return html(views.error(error), status)

    return answer
