"""Make the README's screenshots of the web tool (not part of the tests).

Run it from the repository with the venv's Python, after ``pip install -e '.[test]'``
(Playwright) and with Debian's Chromium at /usr/bin/chromium (or set
THRESHOLD_CHROMIUM)::

    python docs/screenshots/make.py

It serves the web tool (``create_web_app()``, the built-in authorities) on a free
loopback port in this process, drives headless Chromium to each page by its
address (the wizard's answers are in the URL, as a person's clicks would put
them), and saves PNGs here, each the first screen (the viewport) of the page:

- at 1280x800 and at 375x667 (a small phone): the start page, a question (the
  level of need), check your answers, the guidance of four routes (emergency;
  child protection; Derby City's Vulnerable Children's Meeting, an authority's
  own route; Derby City level 2 in a time-limited setting on a Saturday at 21:00,
  when the consultation line is closed) and the referral form;
- the print preview of the emergency guidance (CSS media ``print``, 794 px wide:
  A4 at 96 dpi), its first 1123 px (one A4 page).

- ``guidance.png``, the README's first picture of the guidance: the Derbyshire
  case the browser test walks (level 3, no Early Help Assessment), its first
  1280x1100 (the route, the contact to ring now, the other contacts and the
  first steps), under 250 KB as the others are.

Every page is for a fixed time (``at``), so the hours shown do not depend on when
it is run. The PNGs are recompressed with zlib at level 9 (the pixels are
unchanged). Given file names (``python docs/screenshots/make.py guidance.png``),
it makes only those.
"""

from __future__ import annotations

import os
import struct
import sys
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the checkout: the tests' server and answers

from tests.conftest import running  # noqa: E402
from tests.web_helpers import AT, PRACTITIONER  # noqa: E402  (AT: a Monday, 11:00)

CHROMIUM = os.environ.get("THRESHOLD_CHROMIUM", "/usr/bin/chromium")
SATURDAY_NIGHT = "2026-11-28T21:00"

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 375, "height": 667}


def address(path: str, authority: str | None = None, at: str = AT, **answers: str) -> str:
    """A page's address: the authority, the answers and the time in its query."""
    query = {"authority": authority} if authority else {}
    return f"{path}?{urlencode({**query, **answers, 'at': at})}"


#: The screenshots: file name stem -> the page's address.
PAGES = {
    "start": address("/"),
    "question": address("/question", "derbyshire", danger="no", harm="no", referrer="professional"),
    "check": address("/check", "derbyshire", **{**PRACTITIONER, "eha": "completed"}),
    "guidance-emergency": address("/guidance", "derbyshire", danger="yes"),
    "guidance-child-protection": address(
        "/guidance", "derby_city", **{**PRACTITIONER, "harm": "significant-harm"}
    ),
    "guidance-vcm": address("/guidance", "derby_city", **{**PRACTITIONER, "eha": "completed"}),
    "guidance-level-2-night": address(
        "/guidance",
        "derby_city",
        at=SATURDAY_NIGHT,
        **{**PRACTITIONER, "level": "2", "setting": "yes"},
    ),
    "form": address("/form", "derbyshire", **{**PRACTITIONER, "eha": "completed"}),
}
PRINTED = "guidance-emergency"
#: The README's guidance screenshot: its file name, page and viewport.
README_SHOT = ("guidance.png", address("/guidance", "derbyshire", **PRACTITIONER))
README_VIEWPORT = {"width": 1280, "height": 1100}


def serving() -> Any:
    """The web tool on a free loopback port, in a thread (the tests' own
    :func:`tests.conftest.running`); its base URL."""
    from threshold.core.interfaces.web.app import create_web_app

    return running(create_web_app())


def recompress(path: Path) -> None:
    """Rewrite a PNG with its image data in one zlib stream at level 9."""
    data = path.read_bytes()
    chunks: list[tuple[bytes, bytes]] = []
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 12 + length
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    packed = zlib.compress(pixels, 9)
    out = [data[:8]]
    for kind, body in chunks:
        if kind == b"IDAT":
            if packed:
                body, packed = packed, b""
            else:
                continue
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        out.append(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc))
    path.write_bytes(b"".join(out))


def shoot(page: Any, base: str, stem: str, path: str, only: set[str]) -> list[Path]:
    """The page at both widths (those named in ``only``, if any); the files saved."""
    saved = []
    for suffix, viewport in (("1280", WIDE), ("375", NARROW)):
        target = HERE / f"{stem}-{suffix}.png"
        if only and target.name not in only:
            continue
        page.set_viewport_size(viewport)
        page.goto(base + path)
        page.screenshot(path=str(target))
        saved.append(target)
    return saved


def main(only: set[str]) -> int:
    """Make every screenshot (those named in ``only``, if any); print each file
    and its size."""
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with serving() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport=WIDE)
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
            )
            for stem, path in PAGES.items():
                saved += shoot(page, base, stem, path, only)
            name, path = README_SHOT
            if not only or name in only:
                page.set_viewport_size(README_VIEWPORT)
                page.goto(base + path)
                page.screenshot(path=str(HERE / name))
                saved.append(HERE / name)
            if not only or "print-preview.png" in only:
                page.set_viewport_size({"width": 794, "height": 1123})
                page.goto(base + PAGES[PRINTED])
                page.emulate_media(media="print")
                target = HERE / "print-preview.png"
                page.screenshot(path=str(target))
                saved.append(target)
        finally:
            browser.close()
    for target in saved:
        recompress(target)
        print(f"{target.relative_to(HERE.parent.parent)}: {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(set(sys.argv[1:])))
