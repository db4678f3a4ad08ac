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


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
