"""The web tool's stylesheets, served from package data at addresses that
name their content (the vendored GOV.UK Frontend release; our own file's hash),
so a browser may keep them for a year and the pages need no inline style.

Nothing else is served under ``/assets/``: no script, font or image.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from threshold import templates
from threshold.templates.vendor import govuk_frontend

#: Our own rules, only for what GOV.UK Frontend has no component or class for.
OWN_CSS = Path(templates.__file__).parent / "web" / "threshold.css"

#: How the pages print (linked with ``media="print"``): the guidance on two A4 pages.
PRINT_CSS = OWN_CSS.with_name("print.css")

HEADERS = {
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
}


@cache
def _own_text() -> str:
    return OWN_CSS.read_text(encoding="utf-8")


@cache
def _print_text() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@cache
def stylesheets() -> dict[str, str]:
    """Each stylesheet's address, by name (``govuk``, ``own``, ``print``)."""
    return {
        "govuk": f"/assets/govuk-frontend-{govuk_frontend.version()}.min.css",
        "own": f"/assets/threshold-{_digest(_own_text())}.css",
        "print": f"/assets/threshold-print-{_digest(_print_text())}.css",
    }


def _serve(request: Request) -> Response:
    """GET a stylesheet by its address; any other address under /assets/ is 404."""
    texts = {
        stylesheets()["govuk"]: govuk_frontend.css_text,
        stylesheets()["own"]: _own_text,
        stylesheets()["print"]: _print_text,
    }
    found = texts.get(request.url.path)
    if found is None:
        return Response("Not found\n", status_code=404, media_type="text/plain")
    return Response(found(), media_type="text/css; charset=utf-8", headers=HEADERS)


def asset_routes() -> list[BaseRoute]:
    """The route of the stylesheets, to add to the service's routes."""
    return [Route("/assets/{name}", _serve, methods=["GET"], name="assets")]
