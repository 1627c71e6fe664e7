"""The pages at desktop and phone widths: screenshots to look at, no sideways scrolling, weight."""

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
from playwright.sync_api import Page, Response

from archive.models import Member, Question
from tests.browser.support import (
    DESKTOP,
    FLOOD_QUERY,
    NARROWEST,
    PHONE,
    horizontal_overflow,
    screenshot,
)

pytestmark = pytest.mark.browser

# The results page for a full page of results, with its stylesheet, stays well under this.
MAX_RESULTS_PAGE_BYTES = 100_000
# The admin's screenshots are taken in test_admin_journey, signed in.
SCREENSHOTS_OF = ("home", "results", "permalink")


def public_pages() -> dict[str, str]:
    trafficking = Question.objects.get(heading="Human Trafficking")
    member = Member.objects.get(name="Baroness Doocey")
    return {
        "home": "/",
        "results": f"/search?q={FLOOD_QUERY}",
        "permalink": trafficking.get_absolute_url(),
        "tips": "/search/tips/",
        "member": member.get_absolute_url(),
    }


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_screenshots_of_the_main_pages(page: Page, width: str, browser_errors: list[str]):
    page.set_viewport_size(DESKTOP if width == "desktop" else PHONE)
    for name, url in public_pages().items():
        if name not in SCREENSHOTS_OF:
            continue
        page.goto(url)
        path = screenshot(page, f"{name}-{width}")
        assert path.stat().st_size > 0
    assert browser_errors == []


@pytest.mark.parametrize("viewport", [NARROWEST, PHONE], ids=["320px", "375px"])
def test_nothing_scrolls_sideways_on_a_phone(page: Page, viewport: dict[str, int]):
    page.set_viewport_size(viewport)
    overflowing = {}
    for name, url in public_pages().items():
        page.goto(url)
        if overflow := horizontal_overflow(page):
            overflowing[name] = overflow
    assert not overflowing, f"pages wider than {viewport['width']}px, by pixels: {overflowing}"


def test_results_page_weight(page: Page, capsys: pytest.CaptureFixture[str]):
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"/search?q={FLOOD_QUERY}")

    sizes = {"document": 0, "stylesheet": 0}
    for response in responses:
        if response.request.resource_type in sizes:
            sizes[response.request.resource_type] += len(response.body())
    total = sum(sizes.values())
    with capsys.disabled():
        print(
            f"\nresults page weight for {FLOOD_QUERY!r} (20 results): {total:,} bytes "
            f"(HTML {sizes['document']:,}, CSS {sizes['stylesheet']:,}, uncompressed)"
        )
    assert sizes["document"] and sizes["stylesheet"]
    assert total < MAX_RESULTS_PAGE_BYTES
