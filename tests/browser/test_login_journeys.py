import re

import pytest
from playwright.sync_api import expect

from conversations.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in

ROLE_HOME = [
    ("practitioner", "People in your teams"),
    ("teamleader", "Teams you lead"),
    ("partnershiplead", "Your partnership"),
]


@pytest.mark.parametrize(("username", "heading"), ROLE_HOME)
def test_each_demo_role_signs_in_to_its_home_page(page, demo_site, username, heading):
    log_in(page, demo_site.url, username, DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_signed_out(page, demo_site):
    log_in(page, demo_site.url, "practitioner", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_skip_link_is_the_first_thing_a_keyboard_reaches(page, demo_site):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="People in your teams")).to_be_visible()
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
