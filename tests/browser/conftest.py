"""Playwright in Debian's chromium against pytest-django's live server.

Never `playwright install`: the browser is the Debian package at /usr/bin/chromium.
"""

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Bootstrap scrolls smoothly unless the person asks for reduced motion. On a loaded machine a
    focus scroll still running moved "Save and sign off…" between Playwright's press and release,
    so the click landed on the form instead (seen in CI). Every context asks for reduced motion:
    pass these to `browser.new_context` too."""
    return {**browser_context_args, "reduced_motion": "reduce"}


@pytest.fixture
def site(live_server, transactional_db):
    """The live site with the frameworks loaded: a transactional test database is flushed
    between tests, which removes what the data migration loaded."""
    call_command("load_frameworks", verbosity=0)
    return live_server


@pytest.fixture
def demo_site(site):
    from conversations.demo import seed_organisation

    seed_organisation()
    return site


# The roles that must give a second factor, as production has them (the unit tests' root
# conftest empties the list for ``force_login``; the browser signs in like a person does).
PRODUCTION_OTP_REQUIRED_ROLES = ["partnership_lead", "administrator"]


@pytest.fixture(autouse=True)
def _second_factor_as_in_production(settings, _password_only_sign_in):
    settings.OTP_REQUIRED_ROLES = PRODUCTION_OTP_REQUIRED_ROLES


def log_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the page. A user whose role requires a second factor is given an
    authenticator app first (as if enrolled earlier), and the code it shows is typed in."""
    from django.contrib.auth import get_user_model

    from outcomes_site.signin.policy import second_factor_required
    from tests.two_step import make_totp_device, type_code

    user = get_user_model().objects.filter(username=username).first()
    if user is not None and second_factor_required(user):
        make_totp_device(user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/accounts/two-step/verify/" in page.url:
        type_code(page, make_totp_device(user))
