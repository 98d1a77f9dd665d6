"""Vendor GOV.UK Frontend's compiled stylesheet into threshold's package data.

Installing threshold needs neither Node nor a network: the stylesheet, its
licence and its version are committed beside this file
(``govuk-frontend.min.css``, ``LICENCE.txt``, ``VERSION``) and installed as
package data. Only a maintainer runs this script, from a checkout, with Node's
``npm`` on the PATH::

    python templates/vendor/govuk_frontend/update.py          # again, the vendored release
    python templates/vendor/govuk_frontend/update.py 6.4.0    # move to another release

When to run it: when a ``govuk-frontend-jinja`` release (the macros, pinned in
pyproject.toml) targets a newer ``govuk-frontend``, since the macros' classes
and the stylesheet must be the same release. To move:

1. find the govuk-frontend-jinja release for the new govuk-frontend in the
   compatibility table of govuk-frontend-jinja's README;
2. add a row to :data:`RELEASES` with its integrity left as ``None``, and run
   this script with the new version: it prints the tarball's integrity and stops;
   compare it with ``npm view govuk-frontend@VERSION dist.integrity``, record it
   in the row and run the script again;
3. set the ``govuk-frontend-jinja==`` pin in pyproject.toml to the row's
   release, ``pip install -e .``, and run ``pytest tests/test_govuk_vendor.py``
   (it checks the pins fit and that every class the macros output is in the CSS);
4. commit the three files, this script and pyproject.toml together.

What it does: ``npm pack govuk-frontend@VERSION`` into a temporary folder (npm
fetches the tarball over HTTPS from its configured registry and checks it against
the registry's integrity; no package script runs); checks the tarball's SHA-512
against :data:`RELEASES`; reads ``package.json`` (the name, the version and the
MIT licence must be as expected) and the compiled, minified
``dist/govuk/govuk-frontend.min.css`` from the tarball without unpacking it;
rewrites the CSS as :func:`rewrite_css` says; and writes the three files.

Why the CSS is rewritten: GOV.UK Frontend's rules for services that are not on
GOV.UK ("Using GOV.UK Frontend without GOV.UK branding", for v6.3.0 and later)
forbid the GDS Transport font and the crown. The compiled CSS is the Sass
build with the defaults, so the rewrite gives it the fonts that the documented
Sass setting ``$govuk-font-family: ("Helvetica Neue", Helvetica, Arial, sans-serif)``
gives (with that setting ``$govuk-include-default-font-face`` turns false and no
``@font-face`` is output), without needing a Sass compiler; and it drops the
crest that the footer's copyright link draws, which no Sass setting removes.
Nothing else changes (each rewrite is listed, with its count, in the banner
comment it writes at the top of the CSS).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSS_NAME = "govuk-frontend.min.css"
CSS_IN_PACKAGE = "package/dist/govuk/govuk-frontend.min.css"

#: The font stack GOV.UK Frontend's guidance recommends in place of GDS Transport.
FONT_STACK = '"Helvetica Neue",Helvetica,Arial,sans-serif'


@dataclass(frozen=True)
class Release:
    """A govuk-frontend release this script may vendor."""

    jinja: str
    """The govuk-frontend-jinja release whose macros target it (its README's table)."""
    integrity: str | None
    """The npm tarball's SHA-512 as npm writes it, recorded on first vendoring."""


#: govuk-frontend releases, with the govuk-frontend-jinja release that targets each.
RELEASES: dict[str, Release] = {
    "6.3.0": Release(
        jinja="4.1.0",
        integrity=(
            "sha512-cXIQxm5PHCsbic47GXZrVBZhAeeshTLRL6ZBKilLsR6rMCjJuWb7Fruq0VUNMBJFlJk"
            "/srsRj/q8d5bM9cgKoA=="
        ),
    ),
}

# The npm package carries no licence file; its package.json declares "MIT". This
# is the licence file (LICENSE.txt) of the govuk-frontend source repository.
MIT_LICENCE = """\
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


class UpdateError(Exception):
    """The package or its CSS is not what this script knows how to vendor safely."""


# Each rewrite: what it does (for the banner), the pattern, its replacement, and
# the fewest matches expected. Fewer means upstream changed shape: stop and look.
REWRITES: tuple[tuple[str, re.Pattern[str], str, int], ...] = (
    (
        "the copyright comment of GOV.UK's own font removed",
        re.compile(r"/\*!(?:(?!\*/).)*exclusive use on gov\.uk(?:(?!\*/).)*\*/", re.S),
        "",
        1,
    ),
    (
        "that font's @font-face rules removed",
        re.compile(r"@font-face\{font-family:GDS Transport;[^{}]*\}"),
        "",
        1,
    ),
    (
        f"its font-family stack replaced by {FONT_STACK}",
        re.compile(r"font-family:GDS Transport,arial,sans-serif(?=[;}])"),
        f"font-family:{FONT_STACK}",
        1,
    ),
    (
        "the crest drawn by .govuk-footer__copyright-logo:before removed (content:none)",
        re.compile(r"\.govuk-footer__copyright-logo:before\{[^{}]*\}"),
        ".govuk-footer__copyright-logo:before{content:none}",
        1,
    ),
    (
        "the source map link removed (the map is not shipped)",
        re.compile(r"\s*/\*# sourceMappingURL=[^*]*\*/\s*$"),
        "\n",
        1,
    ),
)

CHARSET = '@charset "UTF-8";'


def rewrite_css(css: str, version: str) -> str:
    """Return govuk-frontend ``version``'s compiled ``css`` without the GDS
    Transport font, the crest or the source map link, with a banner naming the
    release, its licence and the changes.

    Raises :class:`UpdateError` when a rewrite finds fewer matches than expected
    or when anything that would load a file (``url(``, ``@import``), the font's
    name or the crest is left, so an unknown shape never ships."""
    if not css.startswith(CHARSET):
        raise UpdateError(f"the CSS does not start with {CHARSET}")
    if f'--govuk-frontend-version:"{version}"' not in css:
        raise UpdateError(f"the CSS does not say it is govuk-frontend {version}")
    done = []
    for what, pattern, replacement, fewest in REWRITES:
        css, count = pattern.subn(replacement, css)
        if count < fewest:
            raise UpdateError(f"{what}: {count} matches, expected at least {fewest}")
        done.append(f"{what} ({count})")
    banner = (
        f"/*! govuk-frontend {version}, dist/govuk/{CSS_NAME} from its npm package. "
        "MIT licence: see LICENCE.txt beside this file. Changed for threshold by "
        f"update.py beside this file: {'; '.join(done)}. */"
    )
    css = CHARSET + banner + css[len(CHARSET) :]
    for left in ("url(", "@import", "Transport", "govuk-crest", "sourceMappingURL"):
        if left.lower() in css.lower():
            raise UpdateError(f"{left!r} is still in the CSS after the rewrite")
    return css


def licence(version: str) -> str:
    """The LICENCE.txt written beside the CSS."""
    return (
        f"The stylesheet {CSS_NAME} beside this file is GOV.UK Frontend {version}\n"
        f"(npm package govuk-frontend, dist/govuk/{CSS_NAME}), changed by update.py\n"
        "as its first comment says. The package's package.json declares the MIT\n"
        "licence and the package carries no licence file, so the text below is the\n"
        "licence file of the govuk-frontend source repository.\n\n" + MIT_LICENCE
    )


def integrity(data: bytes) -> str:
    """npm's integrity string (SHA-512, base64) for a tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def npm_pack(version: str, folder: Path) -> Path:
    """Download govuk-frontend ``version``'s tarball into ``folder`` with ``npm pack``."""
    result = subprocess.run(
        ["npm", "pack", f"govuk-frontend@{version}", "--json", "--ignore-scripts"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise UpdateError(f"npm pack failed: {result.stderr.strip()}")
    (packed,) = json.loads(result.stdout)
    return folder / str(packed["filename"])


def read_member(archive: tarfile.TarFile, name: str) -> str:
    """The text of one file of the tarball (read, never unpacked to disk)."""
    member = archive.extractfile(name)
    if member is None:
        raise UpdateError(f"{name} is not a file in the package")
    return member.read().decode("utf-8")


def vendor(version: str, out: Path = HERE) -> None:
    """Fetch, check, rewrite and write govuk-frontend ``version`` into ``out``."""
    release = RELEASES.get(version)
    if release is None:
        raise UpdateError(
            f"govuk-frontend {version} has no row in RELEASES: add the govuk-frontend-jinja "
            "release that targets it (see this script's docstring)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        tarball = npm_pack(version, Path(tmp))
        got = integrity(tarball.read_bytes())
        if release.integrity is None:
            raise UpdateError(f"record integrity={got!r} for {version} in RELEASES, then rerun")
        if got != release.integrity:
            raise UpdateError(f"tarball integrity {got} is not the recorded {release.integrity}")
        with tarfile.open(tarball, "r:gz") as archive:
            package = json.loads(read_member(archive, "package/package.json"))
            original = read_member(archive, CSS_IN_PACKAGE)
    expected = {"name": "govuk-frontend", "version": version, "license": "MIT"}
    for key, value in expected.items():
        if package.get(key) != value:
            raise UpdateError(f"package.json {key} is {package.get(key)!r}, not {value!r}")
    css = rewrite_css(original, version)
    (out / CSS_NAME).write_text(css, encoding="utf-8", newline="\n")
    (out / "LICENCE.txt").write_text(licence(version), encoding="utf-8", newline="\n")
    (out / "VERSION").write_text(version + "\n", encoding="utf-8", newline="\n")
    print(
        f"govuk-frontend {version} ({got}): {CSS_IN_PACKAGE} {len(original.encode())} bytes "
        f"-> {CSS_NAME} {len(css.encode())} bytes; macros: govuk-frontend-jinja=={release.jinja}"
    )


def main(argv: list[str]) -> int:
    """Vendor the release named in ``argv`` (or the one in VERSION); 0 on success."""
    if len(argv) > 1:
        print("usage: update.py [GOVUK_FRONTEND_VERSION]", file=sys.stderr)
        return 2
    version = argv[0] if argv else (HERE / "VERSION").read_text(encoding="utf-8").strip()
    try:
        vendor(version)
    except UpdateError as error:
        print(f"update.py: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
