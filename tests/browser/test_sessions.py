"""The recording page warns before an idle session ends, and "Stay signed in" keeps it (with a
one-minute timeout so the warning comes within seconds)."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from outcomes_site.middleware import LAST_ACTIVITY_KEY
from tests.browser.conftest import log_in
from tests.browser.test_recording_page import record_url, review_where_six_outcomes_matter


@pytest.fixture
def short_timeout(settings):
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_IDLE_WARNING_SECONDS = 55  # at most idle - 10: warned 10 s after opening


def _last_activity() -> int:
    (session,) = [s.get_decoded() for s in Session.objects.all() if s.get_decoded()]
    return session[LAST_ACTIVITY_KEY]


def test_the_warning_comes_and_stay_signed_in_keeps_the_session(
    page: Page, demo_site, short_timeout
):
    review = review_where_six_outcomes_matter()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(record_url(demo_site.url, review))
    banner = page.locator("[data-session-banner]")
    expect(banner).to_be_hidden()

    alert = page.get_by_role("alert").filter(has_text="You will be signed out")
    expect(alert).to_be_visible(timeout=25_000)
    before = _last_activity()
    with page.expect_response(lambda r: r.url.endswith("/accounts/keep-alive/")) as answer:
        page.get_by_role("button", name="Stay signed in").click()

    assert answer.value.status == 200
    expect(banner).to_be_hidden()
    assert _last_activity() >= before
    assert _last_activity() >= int(time.time()) - 5
    # Still signed in: the page reloads as itself, not the sign-in page.
    page.reload()
    expect(page.locator("#recording-form")).to_be_attached()


def test_when_the_time_has_passed_the_page_says_so_and_keeps_the_words(
    page: Page, demo_site, short_timeout
):
    review = review_where_six_outcomes_matter()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(record_url(demo_site.url, review))
    # The server's clock for this session is wound back past the limit.
    for session in Session.objects.all():
        data = session.get_decoded()
        if data:
            data[LAST_ACTIVITY_KEY] = int(time.time()) - 5 * 60
            Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))

    words = page.locator("#recording-form textarea").first
    words.fill("Words typed after the session ended.")

    expect(page.get_by_role("alert").filter(has_text="You were signed out")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    stored = page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('autosave:'))"
        ".map((k) => localStorage.getItem(k)).join(' ')"
    )
    assert "Words typed after the session ended." in stored
