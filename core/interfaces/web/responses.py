"""The web tool's responses: HTML pages with their headers, redirects and
downloads, none of which lets the query (which holds the answers) leave with a
link."""

from __future__ import annotations

from starlette.responses import HTMLResponse, RedirectResponse, Response

#: Headers of every HTML page: nothing but this service's stylesheets may load
#: (no inline style, no script), forms only to this service, no framing, and no
#: Referer (the query holds the answers, so it must not leave with a link).
HTML_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def html(text: str, status: int = 200, *, inline_styles: bool = False) -> HTMLResponse:
    """An HTML page with the page headers (its forms go only to this service: the
    referral form's answers only by POST, to come straight back as a download);
    ``inline_styles`` allows the page's own ``<style>`` (the referral form, whose
    layout also stands alone as a saved file, keeps its rules inline)."""
    headers = dict(HTML_HEADERS)
    if inline_styles:
        headers["content-security-policy"] = headers["content-security-policy"].replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
    return HTMLResponse(text, status_code=status, headers=headers)


def see(url: str) -> RedirectResponse:
    """A redirect (303) to another page of the tool."""
    return RedirectResponse(url, status_code=303, headers={"referrer-policy": "no-referrer"})


def download(body: str, media_type: str, filename: str) -> Response:
    """A file to save (a record or a form), never shown inline."""
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "referrer-policy": "no-referrer",
        },
    )
