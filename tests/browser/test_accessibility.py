"""The public pages pass axe-core's checks, work from the keyboard and show where focus is."""

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is missing")
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from archive.models import Member, Question
from tests.browser.support import FLOOD_QUERY, focus_ring

pytestmark = pytest.mark.browser

# Impacts that fail the test; "minor" and "moderate" findings are printed for the page author.
BLOCKING = {"serious", "critical"}
# More presses than the results page has stops before its last page link.
MAX_TABS = 150


def main_pages() -> dict[str, str]:
    trafficking = Question.objects.get(heading="Human Trafficking")
    member = Member.objects.get(name="Baroness Doocey")
    return {
        "home": "/",
        "results": f"/search?q={FLOOD_QUERY}",
        "results with filters": f"/search?q={FLOOD_QUERY}&asker=Ann+Rivers&date_from=2024-01-01",
        "no results": "/search?q=zzzzqqq",
        "permalink": trafficking.get_absolute_url(),
        "tips": "/search/tips/",
        "member": member.get_absolute_url(),
    }


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def test_main_pages_have_no_serious_accessibility_violations(page: Page):
    axe = Axe()
    blocking, other = {}, {}
    for name, url in main_pages().items():
        page.goto(url)
        violations = axe.run(page).response["violations"]
        if found := [v for v in violations if v["impact"] in BLOCKING]:
            blocking[name] = describe(found)
        if found := [v for v in violations if v["impact"] not in BLOCKING]:
            other[name] = describe(found)
    for name, text in other.items():
        print(f"axe, {name} (not failing):\n{text}")
    assert not blocking, "\n".join(f"{name}:\n{text}" for name, text in blocking.items())


def tab_stops(page: Page) -> list[dict[str, str]]:
    """Presses Tab until focus leaves the page, recording each element that got focus."""
    stops = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        stop = page.evaluate(
            """() => {
                const element = document.activeElement;
                if (!element || element === document.body) return null;
                return {
                    tag: element.tagName.toLowerCase(),
                    id: element.id,
                    name: element.getAttribute("name") || "",
                    rel: element.getAttribute("rel") || "",
                    // SVG links (the timeline's bars) have no innerText.
                    text: (element.getAttribute("aria-label") || element.textContent)
                        .trim().slice(0, 60),
                    within: element.closest("nav, aside, form, ol, header")?.className || "",
                };
            }"""
        )
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


def first(stops: list[dict[str, str]], **wanted: str) -> int:
    for index, stop in enumerate(stops):
        if all(re.search(pattern, stop[key]) for key, pattern in wanted.items()):
            return index
    raise AssertionError(f"never focused {wanted} in {stops}")


def test_results_page_is_reached_in_order_from_the_keyboard(page: Page):
    page.goto(f"/search?q={FLOOD_QUERY}")
    stops = tab_stops(page)

    assert stops[0]["text"] == "Skip to main content"
    order = [
        first(stops, name="^q$"),
        first(stops, tag="summary", text="Filters"),
        first(stops, within="^results$", text="Flood Defences"),
        first(stops, within="pagination", text="2"),
        first(stops, rel="next"),
        first(stops, within="results-aside", text="Ann Rivers"),
    ]
    assert order == sorted(order), stops
    # Every result's title link is a stop of its own.
    titles = [stop for stop in stops if stop["within"] == "results" and "Flood" in stop["text"]]
    assert len(titles) == 20


def test_the_skip_link_moves_focus_to_the_main_content(page: Page):
    page.goto(f"/search?q={FLOOD_QUERY}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("searchbox", name="Search questions and answers")).to_be_focused()


# A result link, the next page, the search box, the filters' disclosure and a facet value.
FOCUSABLE = (".result__title a", "a[rel=next]", "input[name=q]", ".filters summary", ".facet a")


def test_focus_is_visible(page: Page):
    page.goto(f"/search?q={FLOOD_QUERY}")
    elements = {target: page.locator(target).first for target in FOCUSABLE}
    unfocused = {target: focus_ring(element) for target, element in elements.items()}
    focused = {}
    # Tab, not a click or script focus, which need not show a :focus-visible style.
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        target = page.evaluate(
            "targets => targets.find(t => document.querySelector(t) === document.activeElement)",
            list(FOCUSABLE),
        )
        if target and target not in focused:
            focused[target] = focus_ring(elements[target])
        if len(focused) == len(elements):
            break

    assert set(focused) == set(FOCUSABLE), "Tab never reached some of them"
    for target, ring in focused.items():
        assert ring != unfocused[target], f"{target} looks the same with and without focus"
        outlined = not ring["outline"].startswith("none") and " 0px " not in ring["outline"]
        shadowed = ring["boxShadow"] != "none"
        assert outlined or shadowed, f"{target} has no outline or box shadow with focus: {ring}"
