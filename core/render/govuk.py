"""GOV.UK Frontend's macros (govuk-frontend-jinja) for our StrictUndefined templates.

The library's macros read options that were not given (``params.classes``,
``params.hint``), so they fail under :class:`jinja2.StrictUndefined`, which our
templates keep so that a misspelt name of ours is an error, never a blank. The
macros therefore live in an environment of their own (Jinja2's default
:class:`jinja2.Undefined`, autoescape on, the library's templates only), and our
templates call them through the ``frontend`` global: ``{{ frontend.radios({...}) }}``
calls ``govukRadios``. (Not ``govuk``: the form's template imports our own
field macros, ``templates/govuk/macros.html.j2``, under that name.) A macro
called from another environment renders with its own environment's settings
and returns :class:`markupsafe.Markup`, so our autoescaping neither misses nor
double-escapes what it outputs; the parameters are built in our templates,
under StrictUndefined.

The library's header, footer and page template draw the crown; our pages never
call them (services off GOV.UK must not show it): see
:mod:`threshold.templates.vendor.govuk_frontend`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from threshold.templates.vendor import govuk_frontend

if TYPE_CHECKING:
    import jinja2

#: Our name of each macro used, and the library component it comes from. The
#: GOV.UK header, footer and logo are not here: they draw the crown.
COMPONENTS = {
    "back_link": ("back-link", "govukBackLink"),
    "button": ("button", "govukButton"),
    "details": ("details", "govukDetails"),
    "error_message": ("error-message", "govukErrorMessage"),
    "error_summary": ("error-summary", "govukErrorSummary"),
    "fieldset": ("fieldset", "govukFieldset"),
    "file_upload": ("file-upload", "govukFileUpload"),
    "generic_header": ("generic-header", "govukGenericHeader"),
    "input": ("input", "govukInput"),
    "inset_text": ("inset-text", "govukInsetText"),
    "notification_banner": ("notification-banner", "govukNotificationBanner"),
    "radios": ("radios", "govukRadios"),
    "skip_link": ("skip-link", "govukSkipLink"),
    "summary_list": ("summary-list", "govukSummaryList"),
    "tag": ("tag", "govukTag"),
    "textarea": ("textarea", "govukTextarea"),
    "warning_text": ("warning-text", "govukWarningText"),
}


@cache
def library_environment() -> jinja2.Environment:
    """The environment the library's macros run in (default Undefined, autoescaped)."""
    import jinja2  # lazy: ~80 ms, only when a page uses a macro

    return jinja2.Environment(
        loader=govuk_frontend.loader(jinja2.DictLoader({})),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def inline_stylesheet() -> Markup:
    """The vendored GOV.UK Frontend stylesheet, for a ``<style>`` element of a
    page that must stand alone (a saved or printed form: no server to load it
    from). It holds no ``</``, so it cannot close the element early."""
    css = govuk_frontend.css_text()
    if "</" in css:
        raise ValueError("the vendored stylesheet holds '</' and cannot be inlined")
    return Markup(css)


class LibraryMacros:
    """The ``frontend`` global: each of :data:`COMPONENTS` as an attribute, loaded
    the first time a template uses it (a JSON or text output loads none)."""

    def __getattr__(self, name: str) -> Any:
        if name not in COMPONENTS:
            raise AttributeError(f"no GOV.UK Frontend macro {name!r} in COMPONENTS")
        return _macro(name)


@cache
def _macro(name: str) -> Any:
    component, macro = COMPONENTS[name]
    path = f"govuk_frontend_jinja/components/{component}/macro.html"
    return getattr(library_environment().get_template(path).module, macro)
