"""A researcher's search, in a real browser: phrases, OR, filters, pages, records, exports."""

import csv
import re

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
from playwright.sync_api import Page, expect

from tests.browser.support import FLOOD_QUERY, FLOOD_QUESTIONS

pytestmark = pytest.mark.browser

PAGE_SIZE = 20
PERMALINK = re.compile(r"/questions/\d+/[a-z0-9-]+/$")


def search_from_home(page: Page, text: str) -> None:
    page.goto("/")
    page.get_by_role("searchbox", name="Search questions and answers").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def results_count(page: Page) -> str:
    return page.locator("#results-title").inner_text()


def result_titles(page: Page) -> list[str]:
    return page.locator(".result__title a").all_inner_texts()


def test_phrase_search_finds_the_phrase_and_marks_it(page: Page, browser_errors: list[str]):
    search_from_home(page, '"modern slavery"')

    assert "q=%22modern+slavery%22" in page.url
    expect(page).to_have_title(re.compile("modern slavery"))
    expect(page.get_by_role("searchbox", name="Search questions and answers")).to_have_value(
        '"modern slavery"'
    )
    titles = result_titles(page)
    assert titles, "a phrase from the samples finds nothing"
    assert "Human Trafficking" in titles
    # Both words of the phrase are highlighted in the snippets.
    marks = {text.casefold() for text in page.locator(".result mark").all_inner_texts()}
    assert {"modern", "slavery"} <= marks
    for href in page.locator(".result__title a").evaluate_all("links => links.map(a => a.href)"):
        assert PERMALINK.search(href), href
    assert browser_errors == []


def test_or_query_finds_either_word(page: Page, browser_errors: list[str]):
    search_from_home(page, "trafficking OR dementia")

    titles = result_titles(page)
    assert "Missing Persons: Dementia" in titles
    assert "Human Trafficking" in titles
    # Neither word alone finds as many as the two together.
    together = int(results_count(page).split()[0])
    page.goto("/search?q=dementia")
    assert int(results_count(page).split()[0]) < together
    assert browser_errors == []


def test_filters_are_added_from_facets_and_removed_with_chips(page: Page):
    page.goto(f"/search?q={FLOOD_QUERY}")
    expect(page.locator("#results-title")).to_contain_text(f"{FLOOD_QUESTIONS} questions")

    page.get_by_role("region", name="Asked by").get_by_role("link", name="Ann Rivers").click()
    expect(page.locator("#results-title")).to_contain_text("15 questions")
    ann = page.get_by_role("link", name="Remove filter: Asked by Ann Rivers")
    expect(ann).to_be_visible()
    askers = page.locator(".result__people").evaluate_all(
        "lines => lines.map(line => line.querySelector('a').textContent)"
    )
    assert set(askers) == {"Ann Rivers"}

    page.get_by_role("region", name="Year").get_by_role("link", name="2024").click()
    chips = page.get_by_role("region", name="Filters in use").get_by_role("link")
    expect(chips).to_have_count(4)  # Ann Rivers, from, to, and "Remove all filters"
    expect(page.get_by_role("link", name="Remove filter: From 1 Jan 2024")).to_be_visible()
    narrowed = int(results_count(page).split()[0])
    assert 0 < narrowed < 15

    page.get_by_role("link", name="Remove filter: Asked by Ann Rivers").click()
    expect(page.get_by_role("link", name="Remove filter: Asked by Ann Rivers")).to_have_count(0)
    expect(page.get_by_role("link", name="Remove filter: From 1 Jan 2024")).to_be_visible()
    assert int(results_count(page).split()[0]) > narrowed

    page.get_by_role("link", name="Remove all filters").click()
    expect(page.get_by_role("region", name="Filters in use")).to_have_count(0)
    expect(page.locator("#results-title")).to_contain_text(f"{FLOOD_QUESTIONS} questions")
    assert "q=flood+defences" in page.url


def test_pages_follow_one_another_without_repeating_a_result(page: Page):
    page.goto(f"/search?q={FLOOD_QUERY}")
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        hrefs = page.locator(".result__title a").evaluate_all("links => links.map(a => a.href)")
        seen.extend(hrefs)
        current = page.get_by_role("navigation", name="Pages of results").locator(
            "[aria-current=page]"
        )
        expect(current).to_contain_text(str(pages))
        following = page.locator("a[rel=next]")
        if not following.count():
            break
        assert len(hrefs) == PAGE_SIZE
        following.click()
        page.wait_for_url(re.compile(rf"page={pages + 1}"))
        expect(page).to_have_title(re.compile(rf"page {pages + 1}"))

    assert pages == -(-FLOOD_QUESTIONS // PAGE_SIZE)
    assert len(seen) == len(set(seen)) == FLOOD_QUESTIONS
    page.locator("a[rel=prev]").click()
    page.wait_for_url(re.compile(rf"page={pages - 1}"))


def test_a_result_opens_its_permalink_and_leads_to_a_related_question(page: Page):
    page.goto('/search?q="modern slavery"')
    page.get_by_role("link", name="Human Trafficking", exact=True).click()

    assert PERMALINK.search(page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Human Trafficking")
    first_url = page.url
    related = page.get_by_role("region", name="Related questions").get_by_role("link")
    expect(related.first).to_be_visible()
    related_title = related.first.inner_text()
    related.first.click()

    page.wait_for_url(PERMALINK)
    assert page.url != first_url
    expect(page.locator("h1")).not_to_have_text("Human Trafficking")
    assert related_title.split()[0] in page.title()
    # The related question lists the first one back.
    back = page.get_by_role("region", name="Related questions").get_by_role(
        "link", name="Human Trafficking", exact=True
    )
    expect(back).to_be_visible()


def test_member_page_is_reached_from_a_result(page: Page):
    page.goto(f"/search?q={FLOOD_QUERY}")
    page.locator(".result__people").first.get_by_role("link").first.click()

    expect(page.locator("h1")).to_have_text(re.compile(r"Ann Rivers|Bob Banks|Cat Marsh"))
    expect(page.get_by_role("heading", name="Questions asked: 15")).to_be_visible()


def test_results_download_as_csv_with_one_row_per_question(page: Page, tmp_path):
    page.goto(f"/search?q={FLOOD_QUERY}&asker=Bob+Banks")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV spreadsheet").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 15
    assert {row["asker"] for row in rows} == {"Bob Banks"}
    assert all("flood defences" in row["question_text"] for row in rows)
    assert all(PERMALINK.search(row["url"]) for row in rows)
