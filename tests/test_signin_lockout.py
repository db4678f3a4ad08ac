"""Lockout after failed sign-ins (django-axes): per username, per address, and unlocking."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_practitioner

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"  # the factories' password


def _sign_in(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_after_five_failures_with_a_clear_page(client, practitioner):
    for _ in range(4):
        assert _sign_in(client, "prac", "wrong-guess").status_code == 200
    assert _sign_in(client, "prac", "wrong-guess").status_code == 429  # the fifth locks

    response = _sign_in(client, "prac", RIGHT)

    assert response.status_code == 429
    assert not _signed_in(client)
    html = response.content.decode()
    assert "data-locked-out" in html
    assert "refused for 30 minutes" in html
    assert "ask an administrator to unlock it" in html
    assert 'id="id_username"' in html  # the sign-in page in the site layout, not a bare message


def test_four_failures_do_not_lock(client, practitioner):
    for _ in range(4):
        _sign_in(client, "prac", "wrong-guess")

    response = _sign_in(client, "prac", RIGHT)

    assert response.status_code == 302
    assert _signed_in(client)


def test_a_username_is_locked_whatever_the_address(client, practitioner):
    for number in range(5):
        _sign_in(client, "prac", "wrong-guess", address=f"10.0.0.{number + 1}")

    response = _sign_in(client, "prac", RIGHT, address="10.0.1.1")

    assert response.status_code == 429
    assert not _signed_in(client)


def test_an_address_is_locked_whatever_the_username(client, team, practitioner):
    colleague = make_practitioner(team, "colleague")
    for number in range(5):
        _sign_in(client, f"guess{number}", "wrong-guess", address="10.9.9.9")

    refused = _sign_in(client, colleague.username, RIGHT, address="10.9.9.9")
    elsewhere = _sign_in(client, "prac", RIGHT, address="10.9.9.10")

    assert refused.status_code == 429
    assert elsewhere.status_code == 302


def test_the_limit_and_cool_off_are_settings(client, practitioner, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _sign_in(client, "prac", "wrong-guess")
    _sign_in(client, "prac", "wrong-guess")

    assert _sign_in(client, "prac", RIGHT).status_code == 429


def test_an_administrator_unlocks_a_username(client, practitioner):
    for _ in range(5):
        _sign_in(client, "prac", "wrong-guess")
    assert _sign_in(client, "prac", RIGHT).status_code == 429

    call_command("axes_reset_username", "prac", verbosity=0)
    response = _sign_in(client, "prac", RIGHT)

    assert response.status_code == 302
    assert _signed_in(client)


def test_axes_reset_unlocks_everything(client, practitioner):
    for _ in range(5):
        _sign_in(client, "prac", "wrong-guess")

    call_command("axes_reset", verbosity=0)

    assert _sign_in(client, "prac", RIGHT).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, practitioner, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for _ in range(5):
        _sign_in(client, "prac", "wrong-guess")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )

    assert _sign_in(client, "prac", RIGHT).status_code == 302


def test_the_admin_lists_access_attempts_for_unlocking(client, practitioner, django_user_model):
    for _ in range(5):
        _sign_in(client, "prac", "wrong-guess")
    admin = django_user_model.objects.create_user("root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert response.status_code == 200
    assert "prac" in response.content.decode()
