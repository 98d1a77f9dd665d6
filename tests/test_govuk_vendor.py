"""The vendored GOV.UK Frontend stylesheet and the govuk-frontend-jinja macros (issue 15).

The stylesheet in package data is the pinned govuk-frontend release, with its
licence, and nothing in it loads the GDS Transport font or any other file
(services off GOV.UK must not use that font, nor the crown). The library's
macros render through our loader with our autoescaping, and every ``govuk-``
class they output is a selector of the vendored stylesheet: the macros and the
CSS are releases that fit. A page built from them, in real Chromium, asks for
nothing but itself and the stylesheet.
"""

from __future__ import annotations

import http.server
import importlib.metadata
import re
import shutil
import subprocess
import sys
import threading
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from tests.conftest import REPO, screenshot
from threshold.templates.vendor import govuk_frontend
from threshold.templates.vendor.govuk_frontend import update

FONT_STACK = '"Helvetica Neue",Helvetica,Arial,sans-serif'


def css_class_selectors(css: str) -> set[str]:
    """Every class name used in a selector of ``css`` (minified CSS, backslash
    escapes undone)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r'"[^"]*"', '""', css)  # content:"..." and the like
    names = re.findall(r"\.(-?[_a-zA-Z](?:[_a-zA-Z0-9-]|\\.)*)", css)
    return {re.sub(r"\\(.)", r"\1", name) for name in names}


def html_classes(html: str) -> set[str]:
    """Every class named in a ``class="..."`` attribute of ``html``."""
    return {name for value in re.findall(r'class="([^"]*)"', html) for name in value.split()}


# ------------------------------------------------------------------ vendored files
def test_vendored_css_is_the_pinned_release() -> None:
    css = govuk_frontend.css_text()
    assert govuk_frontend.css_path().is_file()
    assert len(css) > 50_000
    assert govuk_frontend.version() == "6.3.0"
    assert f'--govuk-frontend-version:"{govuk_frontend.version()}"' in css
    assert css.startswith('@charset "UTF-8";')
    assert f"govuk-frontend {govuk_frontend.version()}" in css[:400]  # the banner


def test_licence_is_vendored_with_the_css() -> None:
    licence = govuk_frontend.licence_text()
    assert "The MIT License (MIT)" in licence
    assert "Crown Copyright (Government Digital Service)" in licence
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in licence
    assert govuk_frontend.version() in licence
    assert "LICENCE.txt" in govuk_frontend.css_text()[:400]  # the CSS points to it


def test_css_loads_no_font_and_no_file() -> None:
    css = govuk_frontend.css_text()
    assert "transport" not in css.lower()  # not even in a comment
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert "@font-face" not in rules
    assert "url(" not in css
    assert "@import" not in css
    assert "sourceMappingURL" not in css
    assert "govuk-crest" not in css
    families = set(re.findall(r"font-family:([^;}]*)", css))
    assert families == {FONT_STACK, "sans-serif"}  # screen, and print's own


def test_pins_fit_each_other() -> None:
    """pyproject.toml pins govuk-frontend-jinja to the release that targets the
    vendored govuk-frontend, and that release is the one installed."""
    release = update.RELEASES[govuk_frontend.version()]
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in project["project"]["dependencies"] if d.startswith("govuk-frontend-jinja")]
    assert pins == [f"govuk-frontend-jinja=={release.jinja}"]
    assert importlib.metadata.version("govuk-frontend-jinja") == release.jinja


def test_wheel_ships_the_vendored_files(tmp_path: Path) -> None:
    """A wheel built from the sources (offline, as pip does for `pip install .`)
    carries the stylesheet, its licence and VERSION, so installing needs no Node."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for folder in ("threshold", "core", "cli", "plugins", "schemas", "templates"):
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    pip_wheel = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps"]
    offline = ["--no-build-isolation", "--no-index", "-q", "-w", str(tmp_path / "dist")]
    built = subprocess.run(
        [*pip_wheel, *offline],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("threshold-*.whl")
    folder = "threshold/templates/vendor/govuk_frontend/"
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist()}
    for name in ("govuk-frontend.min.css", "LICENCE.txt", "VERSION", "__init__.py"):
        assert folder + name in shipped, name
    assert shipped[folder + "govuk-frontend.min.css"] == govuk_frontend.css_path().read_bytes()


# ------------------------------------------------------------------ the rewrite
UPSTREAM_SHAPE = (
    '@charset "UTF-8";:root{--govuk-frontend-version:"9.9.9"}'
    ".govuk-link{font-family:GDS Transport,arial,sans-serif;text-decoration:underline}"
    "/*! Copyright (c) 2011 by Margaret Calvert & Henrik Kubel. All rights reserved. The "
    "font has been customised for exclusive use on gov.uk. This cut is not commercially "
    "available. */"
    "@font-face{font-family:GDS Transport;font-style:normal;font-weight:400;"
    'src:url(/a/l.woff2) format("woff2")}'
    "@font-face{font-family:GDS Transport;font-style:normal;font-weight:700;"
    'src:url(/a/b.woff2) format("woff2")}'
    "@media print{.govuk-link{font-family:sans-serif}}"
    '.govuk-footer__copyright-logo:before{content:"";display:block;padding-top:112px;'
    "background-image:url(/assets/images/govuk-crest.svg)}"
    "@supports ((-webkit-mask-position:initial) or (mask-position:initial)){"
    ".govuk-footer__copyright-logo:before{background:currentcolor;"
    "mask-image:url(/assets/images/govuk-crest.svg)}}"
    ".govuk-body{font-family:GDS Transport,arial,sans-serif}"
    "\n/*# sourceMappingURL=govuk-frontend.min.css.map */\n"
)


def test_rewrite_removes_the_font_the_crest_and_the_map() -> None:
    out = update.rewrite_css(UPSTREAM_SHAPE, "9.9.9")
    assert "Transport" not in out and "url(" not in out and "Calvert" not in out
    assert "sourceMappingURL" not in out
    assert out.count(f"font-family:{FONT_STACK}") == 2
    assert "@media print{.govuk-link{font-family:sans-serif}}" in out
    assert out.count(".govuk-footer__copyright-logo:before{content:none}") == 2
    assert out.startswith('@charset "UTF-8";/*! govuk-frontend 9.9.9')


@pytest.mark.parametrize(
    "change",
    [
        ("font-family:GDS Transport,arial,sans-serif", 'font-family:"GDS Transport",arial'),
        ('--govuk-frontend-version:"9.9.9"', '--govuk-frontend-version:"9.9.8"'),
        ("@font-face{font-family:GDS Transport;", "@font-face{font-family:Other;"),
        (".govuk-body{", ".govuk-body{background:url(/x.png);"),
        ('@charset "UTF-8";', ""),
    ],
)
def test_rewrite_stops_on_an_upstream_shape_it_does_not_know(change: tuple[str, str]) -> None:
    """A release whose CSS is shaped otherwise stops the script, never ships a
    stylesheet that might still load the font or an image."""
    with pytest.raises(update.UpdateError):
        update.rewrite_css(UPSTREAM_SHAPE.replace(*change, 1), "9.9.9")


# ------------------------------------------------------------------ the macros
def environment() -> jinja2.Environment:
    """Our templates' settings (HTML autoescaped), with the library on the loader."""
    return jinja2.Environment(
        loader=govuk_frontend.loader(),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )


CALLS: dict[str, tuple[str, str]] = {
    "govukButton": ("button", "{'text': 'Continue'}"),
    "govukInput": (
        "input",
        "{'label': {'text': 'Postcode'}, 'id': 'pc', 'name': 'pc',"
        " 'hint': {'text': 'For example, DE1 1AA'},"
        " 'errorMessage': {'text': 'Enter a postcode'}, 'classes': 'govuk-input--width-10'}",
    ),
    "govukErrorSummary": (
        "error-summary",
        "{'titleText': 'There is a problem', 'errorList': [{'text': 'Choose one', 'href': '#q'}]}",
    ),
    "govukSummaryList": (
        "summary-list",
        "{'rows': [{'key': {'text': 'Level'}, 'value': {'text': '3'},"
        " 'actions': {'items': [{'href': '/q', 'text': 'Change',"
        " 'visuallyHiddenText': 'level'}]}}]}",
    ),
    "govukFooter": (
        "footer",
        "{'meta': {'items': [{'href': '/accessibility', 'text': 'Accessibility'}]},"
        " 'contentLicence': None, 'copyright': {'text': 'threshold contributors'}}",
    ),
    "govukNotificationBanner": (
        "notification-banner",
        "{'titleText': 'Important', 'text': 'Ring the child protection line now'}",
    ),
    "govukWarningText": ("warning-text", "{'text': 'Ring 999 now', 'iconFallbackText': 'Warning'}"),
    "govukInsetText": ("inset-text", "{'text': 'The sources do not say.'}"),
    "govukDetails": ("details", "{'summaryText': 'Sources', 'text': 'DDSCP, September 2022'}"),
    "govukBackLink": ("back-link", "{'href': '/question', 'text': 'Back'}"),
    "govukRadios": (
        "radios",
        "{'name': 'harm', 'fieldset': {'legend': {'text': 'Significant harm?',"
        " 'isPageHeading': true, 'classes': 'govuk-fieldset__legend--l'}},"
        " 'hint': {'text': 'Or bruising on a baby who cannot move'},"
        " 'errorMessage': {'text': 'Choose yes or no'}, 'classes': 'govuk-radios--inline',"
        " 'items': [{'value': 'yes', 'text': 'Yes'}, {'value': 'no', 'text': 'No'},"
        " {'divider': 'or'}, {'value': 'unsure', 'text': 'Not sure',"
        " 'hint': {'text': 'Ask your safeguarding lead'}}]}",
    ),
}


def render_macro(env: jinja2.Environment, macro: str, params: str) -> str:
    """Render one library macro with ``params`` from a template named like ours
    (``*.html.j2``), so our autoescaping applies to it."""
    source = (
        f"{{% from 'govuk_frontend_jinja/components/{CALLS[macro][0]}/macro.html' "
        f"import {macro} %}}{{{{ {macro}({params}) }}}}"
    )
    assert env.loader is not None
    probe = jinja2.ChoiceLoader([jinja2.DictLoader({"probe.html.j2": source}), env.loader])
    return env.overlay(loader=probe).get_template("probe.html.j2").render()


# Classes the macros output that govuk-frontend 6.3.0's Sass gives no rule of their
# own (checked in its components/*/_mixin.scss): containers whose items are styled.
UNSTYLED = {"govuk-radios"}


@pytest.mark.parametrize("macro", sorted(CALLS))
def test_macro_classes_are_in_the_vendored_css(macro: str) -> None:
    html = render_macro(environment(), macro, CALLS[macro][1])
    root = "govuk-" + CALLS[macro][0]
    classes = {c for c in html_classes(html) if c.startswith("govuk-")}
    assert root in classes, html
    missing = classes - css_class_selectors(govuk_frontend.css_text()) - UNSTYLED
    assert missing == set(), f"{macro} outputs classes the vendored CSS lacks: {missing}"


def test_library_text_is_autoescaped_in_our_templates() -> None:
    env = environment()
    nasty = "<script>alert(1)</script> & \"'"
    for macro in ("govukButton", "govukInsetText", "govukWarningText", "govukBackLink"):
        html = render_macro(
            env, macro, "{'text': nasty, 'href': '/'}".replace("nasty", repr(nasty))
        )
        assert "<script>" not in html, macro
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in html, macro


def test_our_templates_still_load_through_the_same_loader() -> None:
    """The loader serves our own templates too, under their usual names."""
    env = environment()
    names = env.list_templates()
    assert "web/base.html.j2" in names
    assert "govuk_frontend_jinja/components/button/macro.html" in names


BRANDED = (
    "components/header/macro.html",  # the GOV.UK header: crown and logotype
    "components/footer/macro.html",  # always draws the Tudor crown (no option to drop it)
    "macros/logo.html",  # the crown and the GOV.UK logotype
    "govuk_frontend_jinja/template.html",  # GOV.UK page template: header, footer, icons, script
)


def test_our_templates_use_no_gov_uk_branded_part() -> None:
    """GOV.UK Frontend v6 says services off GOV.UK use their own header and
    footer (the Generic header component, or their own markup on the library's
    classes): the library's header, footer and page template draw the crown."""
    offenders = [
        f"{path.relative_to(REPO)}: {part}"
        for path in sorted((REPO / "templates").rglob("*.j2"))
        for part in BRANDED
        if part in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# ------------------------------------------------------------------ in Chromium
@pytest.fixture
def static_site(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server for ``tmp_path``; yields its URL and the paths asked for."""
    asked: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_GET(self) -> None:
            asked.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_page_of_library_components_asks_for_no_font_or_image(
    page: Any, static_site: tuple[str, list[str]], tmp_path: Path
) -> None:
    """Every component above on one page, styled by the vendored stylesheet, in
    headless Chromium: the browser asks for the page and the stylesheet and
    nothing else (no font, no crest), and the text is set in the documented
    stack, not GDS Transport."""
    url, asked = static_site
    env = environment()
    body = "\n".join(render_macro(env, macro, CALLS[macro][1]) for macro in sorted(CALLS))
    (tmp_path / "govuk-frontend.min.css").write_text(govuk_frontend.css_text(), encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en" class="govuk-template"><head><meta charset="utf-8">'
        '<title>Components</title><link rel="stylesheet" href="/govuk-frontend.min.css">'
        '</head><body class="govuk-template__body"><div class="govuk-width-container">'
        f'<main class="govuk-main-wrapper">{body}</main></div></body></html>',
        encoding="utf-8",
    )
    page.goto(f"{url}/index.html")
    page.wait_for_load_state("networkidle")
    screenshot(page, "govuk-vendor-components")
    assert sorted(asked) == ["/govuk-frontend.min.css", "/index.html"]
    font = page.evaluate("getComputedStyle(document.querySelector('.govuk-button')).fontFamily")
    assert font.replace(", ", ",") == FONT_STACK
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-error-summary')).borderTopColor"
    )
    assert colour != "rgb(0, 0, 0)"  # styled by the stylesheet, not the browser's default
