"""An editor signs in to the admin, corrects a heading, and readers see the correction."""

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, expect

from archive.models import Question
from tests.browser.support import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser

USERNAME = "editor"
PASSWORD = "a-long-test-password-9"
OLD_HEADING = "Slavery: Gangs"
NEW_HEADING = "Slavery: Criminal Gangs"


@pytest.fixture
def editor(site):
    # Not pytest-django's django_user_model or admin_user: they bring the `db` fixture,
    # whose transaction would hide the account from the live server's threads.
    user, _ = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page: Page) -> None:
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_editor_corrects_a_heading_and_the_public_page_shows_it(
    page: Page, editor, browser: Browser, site
):
    old_url = Question.objects.get(heading=OLD_HEADING).get_absolute_url()
    sign_in(page)
    page.set_viewport_size(DESKTOP)
    screenshot(page, "admin-index-desktop")

    page.get_by_role("link", name="Questions", exact=True).first.click()
    page.locator("#searchbar").fill(OLD_HEADING)
    page.locator("#searchbar").press("Enter")
    page.get_by_role("link", name=OLD_HEADING, exact=True).click()

    heading = page.get_by_label("Heading")
    expect(heading).to_have_value(OLD_HEADING)
    screenshot(page, "admin-question-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "admin-question-phone")
    page.set_viewport_size(DESKTOP)
    heading.fill(NEW_HEADING)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    question = Question.objects.get(heading=NEW_HEADING)
    assert "heading" in question.edited_fields

    # A reader, not signed in, follows the old address (its slug was the old heading's).
    reader = browser.new_context(base_url=site.url).new_page()
    try:
        reader.goto(old_url)
        assert reader.url.endswith(question.get_absolute_url())
        expect(reader.get_by_role("heading", level=1)).to_have_text(NEW_HEADING)
        reader.goto("/search?q=criminal+gangs")
        expect(reader.get_by_role("link", name=NEW_HEADING, exact=True)).to_be_visible()
    finally:
        reader.context.close()
