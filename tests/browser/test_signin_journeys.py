"""Signing in as a person does: a lead sets up two-step sign-in, signs in with a code and with a
recovery code; five wrong passwords lock the login with a message on the sign-in page."""

from base64 import b32decode

from django.contrib.auth import get_user_model
from django_otp import devices_for_user
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from tests.browser.test_every_page import AXE_TAGS, RUN_AXE, inject_axe
from tests.two_step import type_code


def _password_step(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def _axe_violations(page: Page) -> list[str]:
    inject_axe(page)
    return [violation["id"] for violation in page.evaluate(RUN_AXE, AXE_TAGS)]


def test_a_lead_sets_up_two_step_sign_in_then_signs_in_with_a_code(page: Page, demo_site):
    _password_step(page, demo_site.url, "partnershiplead", DEMO_PASSWORD)

    expect(page).to_have_url(f"{demo_site.url}/accounts/two-step/")
    expect(page.get_by_text("Your role requires two-step sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code holding the secret key")).to_be_visible()
    assert _axe_violations(page) == []
    page.goto(f"{demo_site.url}/reports/")
    expect(page).to_have_url(f"{demo_site.url}/accounts/two-step/")  # nothing else opens

    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    assert _axe_violations(page) == []
    page.get_by_role("link", name="Continue to your home page").click()
    expect(page.get_by_role("heading", name="Your partnership")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _password_step(page, demo_site.url, "partnershiplead", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    assert _axe_violations(page) == []
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert").filter(has_text="That code is not right")).to_be_visible()

    # django-otp makes every device (the app's codes and the recovery codes) wait a second
    # after a wrong code; a fast run would meet that wait on the recovery code below.
    lead = get_user_model().objects.get(username="partnershiplead")
    for device in devices_for_user(lead, confirmed=None):
        device.throttle_reset()
    type_code(page, TOTPDevice.objects.get(user=lead))
    expect(page.get_by_role("heading", name="Your partnership")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    _password_step(page, demo_site.url, "partnershiplead", DEMO_PASSWORD)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your partnership")).to_be_visible()


def test_five_wrong_passwords_lock_the_login_with_a_message(page: Page, demo_site):
    for _ in range(5):
        _password_step(page, demo_site.url, "practitioner", "not-the-password")

    _password_step(page, demo_site.url, "practitioner", DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="Signing in is locked for now")).to_be_visible()
    expect(page.get_by_text("refused for 30 minutes")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()
    assert _axe_violations(page) == []
