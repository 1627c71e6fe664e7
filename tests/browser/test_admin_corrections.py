"""Staff correcting a record in a real browser: the source beside the fields, no blocked
styles or scripts under the Content-Security-Policy, and the correction saved."""

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")
from playwright.sync_api import Page, expect

from tests.browser.support import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-long-staff-password-1"


@pytest.fixture
def signed_in(page: Page, site) -> Page:
    from django.contrib.auth.models import User

    User.objects.filter(username="corrector").delete()
    User.objects.create_superuser("corrector", "corrector@example.org", PASSWORD)
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("corrector")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def test_staff_correct_a_question_beside_its_source_text(
    signed_in: Page, browser_errors: list[str]
):
    from archive.models import Question

    page = signed_in
    question = Question.objects.filter(provenance__isnull=False).order_by("pk").first()
    page.goto(f"/admin/archive/question/{question.pk}/change/")

    source = page.locator("pre.source-text").first
    expect(source).to_contain_text("Asked by:")
    text_box = page.get_by_label("Question text:")
    # Beside, not below: the source column starts right of the editable fields.
    assert source.bounding_box()["x"] > text_box.bounding_box()["x"] + 300
    screenshot(page, "admin-question-change")

    page.get_by_label("Heading:").fill("Police: Morale (corrected)")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    question.refresh_from_db()
    assert question.heading == "Police: Morale (corrected)"
    # Only what staff changed is locked, though the browser reposted every text.
    assert question.edited_fields == ["heading"]
    assert browser_errors == []


def test_the_merge_confirmation_page_loads_cleanly(signed_in: Page, browser_errors: list[str]):
    page = signed_in
    page.goto("/admin/archive/department/")
    page.locator("input.action-select").nth(0).check()
    page.locator("input.action-select").nth(1).check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("button", name="Merge into the chosen department")).to_be_visible()
    screenshot(page, "admin-merge-confirmation")
    assert browser_errors == []
