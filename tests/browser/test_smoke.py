"""The browser tests' own plumbing: Chromium starts and the live server answers."""

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_home_page_has_a_labelled_search_box(page: Page, browser_errors: list[str]):
    page.goto("/")
    expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
    assert browser_errors == []
