"""GOV.UK Frontend for threshold's HTML: the vendored stylesheet and the macros' loader.

The stylesheet is govuk-frontend's compiled CSS (release :func:`version`),
vendored with its licence by ``update.py`` beside this file, which says how and
when to run it and what it changes: no GDS Transport font and no crest, as
GOV.UK Frontend's rules for services off GOV.UK require. The macros come from
the ``govuk-frontend-jinja`` package (pinned in pyproject.toml to the release
that targets this one); :func:`loader` makes them importable beside our own
templates, as ``{% from "govuk_frontend_jinja/components/button/macro.html"
import govukButton %}``.

What an environment that uses the macros must know:

- the macros read missing options (``params.classes``, ``params.hint``), so its
  ``undefined`` must be Jinja2's default :class:`jinja2.Undefined` (or
  :class:`jinja2.ChainableUndefined`): under :class:`jinja2.StrictUndefined`
  every macro fails;
- autoescape must be on for our ``.html.j2`` templates and the library's
  ``.html`` ones; options ending in ``html`` are output unescaped, so they
  never carry anything a person typed;
- the GOV.UK header, GOV.UK footer and logo macros and the library's page
  template draw the crown (the footer always does), so our pages use their own
  header and footer on the library's classes, or the Generic header component
  (``govukGenericHeader`` with ``logoText``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

HERE = Path(__file__).resolve().parent

#: The name under which the library's templates are found (its macros import
#: each other by it, so it cannot change).
PREFIX = "govuk_frontend_jinja"


@cache
def version() -> str:
    """The govuk-frontend release vendored here, e.g. ``"6.3.0"``."""
    return (HERE / "VERSION").read_text(encoding="utf-8").strip()


def css_path() -> Path:
    """Where the vendored stylesheet is (``govuk-frontend.min.css``)."""
    return HERE / "govuk-frontend.min.css"


@cache
def css_text() -> str:
    """The vendored stylesheet's text."""
    return css_path().read_text(encoding="utf-8")


def licence_text() -> str:
    """The stylesheet's licence (MIT), with where the stylesheet comes from."""
    return (HERE / "LICENCE.txt").read_text(encoding="utf-8")


def loader(own: jinja2.BaseLoader | None = None) -> jinja2.BaseLoader:
    """A loader for our templates (``own``, by default the ``threshold.templates``
    folder) that also serves govuk-frontend-jinja's under ``govuk_frontend_jinja/``."""
    import jinja2  # lazy: ~80 ms, not for a JSON or text output

    if own is None:
        own = jinja2.FileSystemLoader(str(HERE.parent.parent))
    library = jinja2.PrefixLoader({PREFIX: jinja2.PackageLoader(PREFIX)})
    return jinja2.ChoiceLoader([own, library])
