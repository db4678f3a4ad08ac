"""The Content-Security-Policy holds in a real browser: on the key pages (home, the person's
page with its chart, the recording page with autosave, the dashboard with its charts)
chromium reports no violation, and the pages' scripts still work under it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD, seed_conversations
from tests.browser.conftest import log_in
from tests.browser.test_recording_page import record_url, review_where_six_outcomes_matter

# Kept by the page itself from its first moment (an init script is not subject to the policy).
LISTEN = """document.addEventListener("securitypolicyviolation", (event) => {
  (window.__violations ||= []).push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.lineNumber}`
  );
});"""


@pytest.fixture
def watched(page: Page) -> tuple[Page, list[str]]:
    page.set_default_timeout(20_000)
    reported: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and reported.append(message.text),
    )
    return page, reported


def _violations(page: Page, reported: list[str]) -> list[str]:
    return reported + page.evaluate("window.__violations || []")


def test_the_listener_hears_a_violation(watched, site):
    page, reported = watched
    page.goto(f"{site.url}/accounts/login/")

    page.evaluate(
        """document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
    )
    page.wait_for_function("(window.__violations || []).length > 0")

    assert any("style-src" in line for line in _violations(page, reported))


def test_key_pages_raise_no_violation(watched, demo_site):
    page, reported = watched
    seed_conversations(count=60)
    review = review_where_six_outcomes_matter()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    visited = []

    for path, shows in (
        ("/", "main h1"),
        (f"/people/{review.subject.pk}/", "main h1"),
        ("/reports/", "svg.chart"),
        (record_url("", review), "#recording-form"),
    ):
        response = page.goto(f"{demo_site.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator(shows).first).to_be_attached()
        visited.append(path)
    # The recording page's scripts run under the policy: typing is autosaved.
    words = page.locator("#recording-form textarea").first
    words.fill("Typed under the policy.")
    expect(page.locator("#autosave-status")).to_have_attribute(
        "data-state", "saved", timeout=15_000
    )
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved")

    assert _violations(page, reported) == [], visited
