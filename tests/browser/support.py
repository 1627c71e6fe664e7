"""What the browser tests share besides fixtures: the browser, the data, page measurements."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from tests.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Playwright cannot download its own browser here; it drives the one `make browser` installs.
# CHROMIUM=/path/to/chromium points them at another build (and =/nonexistent shows the skip).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    # Root in a container has no user namespaces for Chromium's sandbox.
    "--no-sandbox",
    "--disable-gpu",
    # No update checks, field trials or first-run pages: the tests reach only the live server.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = REPO / "tests" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# The narrowest phone the layout must fit without scrolling sideways.
NARROWEST = {"width": 320, "height": 640}

# Questions made on top of the samples so that one search fills several pages of results.
FLOOD_QUESTIONS = 45
FLOOD_QUERY = "flood defences"
FLOOD_ASKERS = ("Ann Rivers", "Bob Banks", "Cat Marsh")
FLOOD_DEPARTMENT = "Department for Environment, Food and Rural Affairs"


def screenshot(page: Page, name: str) -> Path:
    """Saves the whole page as tests/screenshots/NAME.png (git-ignored) for a person to see."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window: 0 when nothing scrolls sideways."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def focus_ring(locator: Locator) -> dict[str, str]:
    """The computed styles that draw a focus indicator, for the element as it is now."""
    return locator.evaluate(
        """element => {
            const style = getComputedStyle(element);
            return {
                outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
                boxShadow: style.boxShadow,
                background: style.backgroundColor,
                textDecoration: style.textDecorationLine,
            };
        }"""
    )
