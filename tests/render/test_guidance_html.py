"""The guidance HTML page in real headless Chromium: readable, escaped, accessible."""

from __future__ import annotations

from typing import Any

from tests.conftest import axe_serious_violations, screenshot
from threshold.core.engine.api import route
from threshold.core.render.environment import render_guidance


def test_guidance_page_in_chromium(page: Any) -> None:
    guidance = route({"level": 3, "at": "2026-11-23T11:00"}, "derbyshire")
    page.set_content(render_guidance(guidance, "html"))
    assert (
        page.locator("h1").inner_text() == "Derbyshire County Council: Early Help Assessment first"
    )
    assert page.locator("a[href='tel:01629533190']").count() >= 1
    assert "professional judgement" in page.locator("footer").inner_text()
    assert axe_serious_violations(page) == []
    assert screenshot(page, "guidance-derbyshire-level3").stat().st_size > 10_000
