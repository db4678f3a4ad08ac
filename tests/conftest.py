import os

import pytest

from tests.factories import (
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    make_partnership_lead,
    make_practitioner,
    make_team_leader,
)

# Playwright runs an event loop in the test thread; the ORM calls made by live_server
# fixtures from that thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _password_only_sign_in(settings):
    """``client.force_login`` is a password-only sign-in, so tests of other features sign in
    leads without a second factor. The sign-in tests (tests/test_signin*.py) and the browser
    tests put the production roles back."""
    settings.OTP_REQUIRED_ROLES = []


@pytest.fixture
def partnership(db):
    return PartnershipFactory(code="ORK", name="Orkney")


@pytest.fixture
def team(partnership):
    return TeamFactory(partnership=partnership, code="ORK-E", name="East")


@pytest.fixture
def other_team(partnership):
    """Another team in the same partnership: its records are outside ``team``'s scope."""
    return TeamFactory(partnership=partnership, code="ORK-W", name="West")


@pytest.fixture
def other_partnership(db):
    return PartnershipFactory(code="SHE", name="Shetland")


@pytest.fixture
def foreign_team(other_partnership):
    return TeamFactory(partnership=other_partnership, code="SHE-N", name="North")


@pytest.fixture
def practitioner(team):
    return make_practitioner(team, "prac")


@pytest.fixture
def team_leader(team):
    return make_team_leader(team, "leader")


@pytest.fixture
def partnership_lead(partnership):
    return make_partnership_lead(partnership, "lead")


@pytest.fixture
def colleague_elsewhere(other_team):
    """A practitioner in another team of the same partnership."""
    return make_practitioner(other_team, "westprac")


@pytest.fixture
def outsider(foreign_team):
    """A practitioner in another partnership altogether."""
    return make_practitioner(foreign_team, "outsider")


@pytest.fixture
def outside_lead(other_partnership):
    return make_partnership_lead(other_partnership, "outsidelead")


@pytest.fixture
def person(team):
    return PersonFactory(partnership=team.partnership, ref="P-1", name="Morag Flett", teams=[team])
