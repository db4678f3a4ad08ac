"""The second factor (django-otp TOTP and recovery codes): enrolment, sign-in, who is forced."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.two_step import code_for, make_totp_device

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture(autouse=True)
def _production_roles(settings):
    settings.OTP_REQUIRED_ROLES = ["partnership_lead", "administrator"]


def _sign_in(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password step should succeed"
    return response


def _enrol(client) -> list[str]:
    """Enrol through the pages, as a person would: read the key, type the code."""
    page = client.get(reverse("two-step")).content.decode()
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    code = f"{totp(b32decode(secret)):06d}"
    response = client.post(reverse("two-step"), {"code": code})
    assert response.status_code == 302
    assert response.url == reverse("two-step-recovery-codes")
    codes_page = client.get(response.url).content.decode()
    return re.findall(r'<li><code class="fs-5">([a-z2-7]+)</code></li>', codes_page)


def _sign_out(client) -> None:
    client.post(reverse("logout"))


# --- who is forced ------------------------------------------------------------------------


def test_a_lead_without_a_device_is_sent_to_enrol_and_can_open_nothing_else(
    client, partnership_lead, person
):
    _sign_in(client, "lead")

    for url in (
        reverse("home"),
        reverse("conversations:person-list"),
        reverse("conversations:person-detail", args=[person.pk]),
        reverse("reporting:dashboard"),
        reverse("password_change"),
        reverse("two-step-recovery-codes"),
        reverse("admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("two-step"), url
    assert client.post(reverse("conversations:person-list")).url == reverse("two-step")
    enrol_page = client.get(reverse("two-step"))
    assert enrol_page.status_code == 200
    html = enrol_page.content.decode()
    assert "data-two-step-required" in html
    assert reverse("conversations:person-list") not in html  # no navigation leading back here
    assert "Cancel and sign out" in html


def test_an_administrator_is_forced_too(client, django_user_model):
    django_user_model.objects.create_user("root", password=PASSWORD, is_staff=True)
    _sign_in(client, "root")

    assert client.get(reverse("admin:index")).url == reverse("two-step")


def test_a_practitioner_without_a_device_is_not_forced(client, practitioner):
    _sign_in(client, "prac")

    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("two-step")).content.decode()
    assert "data-two-step-required" not in page
    assert "data-totp-secret" in page  # but may turn it on


def test_the_required_roles_are_a_setting(client, partnership_lead, settings):
    settings.OTP_REQUIRED_ROLES = []
    _sign_in(client, "lead")

    assert client.get(reverse("home")).status_code == 200


def test_practitioners_can_be_required(client, practitioner, settings):
    settings.OTP_REQUIRED_ROLES = ["practitioner"]
    _sign_in(client, "prac")

    assert client.get(reverse("home")).url == reverse("two-step")


# --- enrolment ----------------------------------------------------------------------------


def test_a_lead_enrols_then_signs_in_with_a_code(client, partnership_lead):
    _sign_in(client, "lead")
    codes = _enrol(client)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=partnership_lead)
    assert device.confirmed
    home = client.get(reverse("home"))
    assert home.status_code == 200  # verified by enrolling
    assert reverse("conversations:person-list") in home.content.decode()  # navigation is back

    _sign_out(client)
    _sign_in(client, "lead")
    asked = client.get(reverse("reporting:dashboard"))
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("two-step-verify"))
    assert "next=%2Freports%2F" in asked.url
    assert client.get(reverse("home")).status_code == 302

    response = client.post(
        reverse("two-step-verify"),
        {"code": code_for(device), "next": reverse("reporting:dashboard")},
    )

    assert response.status_code == 302
    assert response.url == reverse("reporting:dashboard")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_enrolment_code_is_refused_and_confirms_nothing(client, partnership_lead):
    _sign_in(client, "lead")
    client.get(reverse("two-step"))

    response = client.post(reverse("two-step"), {"code": "000000"})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=partnership_lead, confirmed=True).exists()
    assert client.get(reverse("home")).url == reverse("two-step")


def test_the_enrolment_key_stays_the_same_until_confirmed(client, practitioner):
    _sign_in(client, "prac")

    first = client.get(reverse("two-step")).content.decode()
    second = client.get(reverse("two-step")).content.decode()

    pattern = r"data-totp-secret>([A-Z2-7 ]+)</code>"
    assert re.search(pattern, first).group(1) == re.search(pattern, second).group(1)
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_the_qr_code_is_an_svg_drawn_by_the_site(client, partnership_lead):
    _sign_in(client, "lead")

    response = client.get(reverse("two-step-qr"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert b"<script" not in response.content
    assert "no-store" in response["Cache-Control"]


def test_the_recovery_codes_are_shown_once(client, partnership_lead):
    _sign_in(client, "lead")
    codes = _enrol(client)

    again = client.get(reverse("two-step-recovery-codes")).content.decode()

    assert not any(code in again for code in codes)
    assert "<strong>10</strong> unused recovery codes" in again


def test_the_secret_is_no_longer_shown_once_enrolled(client, partnership_lead):
    _sign_in(client, "lead")
    _enrol(client)

    page = client.get(reverse("two-step")).content.decode()

    assert "data-totp-secret" not in page
    assert 'data-two-step-state="on"' in page
    assert client.get(reverse("two-step-qr")).status_code == 404


# --- recovery codes -----------------------------------------------------------------------


def test_a_recovery_code_works_once(client, partnership_lead):
    _sign_in(client, "lead")
    codes = _enrol(client)
    _sign_out(client)

    _sign_in(client, "lead")
    first = client.post(reverse("two-step-verify"), {"code": codes[0].upper()})
    assert first.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    _sign_out(client)

    _sign_in(client, "lead")
    second = client.post(reverse("two-step-verify"), {"code": codes[0]})

    assert second.status_code == 400
    assert "has already been used" in second.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert StaticToken.objects.filter(device__user=partnership_lead).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, partnership_lead):
    _sign_in(client, "lead")
    old = _enrol(client)

    response = client.post(reverse("two-step-recovery-codes"))
    new = re.findall(
        r'<li><code class="fs-5">([a-z2-7]+)</code></li>', client.get(response.url).content.decode()
    )

    assert len(new) == 10
    assert not set(old) & set(new)
    _sign_out(client)
    _sign_in(client, "lead")
    assert client.post(reverse("two-step-verify"), {"code": new[1]}).status_code == 302
    _sign_out(client)
    _sign_in(client, "lead")
    assert client.post(reverse("two-step-verify"), {"code": old[1]}).status_code == 400


# --- the verify step ----------------------------------------------------------------------


def test_a_practitioner_who_turned_it_on_is_asked_and_may_turn_it_off(client, practitioner):
    device = make_totp_device(practitioner)
    _sign_in(client, "prac")
    assert client.get(reverse("home")).url.startswith(reverse("two-step-verify"))
    client.post(reverse("two-step-verify"), {"code": code_for(device)})

    response = client.post(reverse("two-step-off"))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert client.get(reverse("home")).status_code == 200
    _sign_out(client)
    _sign_in(client, "prac")
    assert client.get(reverse("home")).status_code == 200


def test_a_lead_cannot_turn_it_off(client, partnership_lead):
    device = make_totp_device(partnership_lead)
    _sign_in(client, "lead")
    client.post(reverse("two-step-verify"), {"code": code_for(device)})

    client.post(reverse("two-step-off"))

    assert TOTPDevice.objects.filter(user=partnership_lead).exists()


def test_a_code_cannot_be_used_twice(client, partnership_lead):
    device = make_totp_device(partnership_lead)
    code = code_for(device)
    _sign_in(client, "lead")
    assert client.post(reverse("two-step-verify"), {"code": code}).status_code == 302
    _sign_out(client)
    _sign_in(client, "lead")

    assert client.post(reverse("two-step-verify"), {"code": code}).status_code == 400


def test_nonsense_codes_get_a_message_not_an_error(client, partnership_lead):
    make_totp_device(partnership_lead)
    _sign_in(client, "lead")

    for code in ("", "12345", "x" * 40, "12 34 5a", "\x00"):
        response = client.post(reverse("two-step-verify"), {"code": code})
        assert response.status_code == 400, code
        assert "data-error-summary" in response.content.decode()


def test_the_next_address_must_be_on_this_site(client, partnership_lead):
    device = make_totp_device(partnership_lead)
    _sign_in(client, "lead")

    response = client.post(
        reverse("two-step-verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )

    assert response.url == reverse("home")


def test_five_wrong_codes_sign_out_and_lock(client, partnership_lead):
    device = make_totp_device(partnership_lead)
    _sign_in(client, "lead")

    for _ in range(4):
        client.post(reverse("two-step-verify"), {"code": "000000"})
        device.refresh_from_db()
        device.throttling_failure_count = 0  # django-otp's own delay would refuse the next try
        device.save()
    response = client.post(reverse("two-step-verify"), {"code": "000000"})

    assert response.status_code == 429
    assert "data-locked-out" in response.content.decode()
    assert "_auth_user_id" not in client.session
    again = client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    assert again.status_code == 429


def test_a_refused_code_is_not_stored_in_the_failure_records(client, partnership_lead):
    from axes.models import AccessAttempt, AccessFailureLog

    make_totp_device(partnership_lead)
    _sign_in(client, "lead")

    client.post(reverse("two-step-verify"), {"code": "wrongrecovery1"})

    attempt = AccessAttempt.objects.get(path_info=reverse("two-step-verify"))
    assert "wrongrecovery1" not in attempt.post_data
    assert "code=" in attempt.post_data
    assert AccessFailureLog.objects.filter(username="lead").exists()  # listed for the admin
    assert not AccessAttempt.objects.filter(post_data__contains=PASSWORD).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for name in ("two-step", "two-step-verify", "two-step-qr", "two-step-recovery-codes"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_wrong_methods_are_refused(client, practitioner):
    _sign_in(client, "prac")

    assert client.put(reverse("two-step")).status_code == 405
    assert client.post(reverse("two-step-qr")).status_code == 405
    assert client.get(reverse("two-step-off")).status_code == 405


def test_an_unverified_session_opening_the_verify_page_after_devices_are_removed(
    client, practitioner
):
    make_totp_device(practitioner)
    _sign_in(client, "prac")
    TOTPDevice.objects.filter(user=practitioner).delete()  # an administrator removed it

    response = client.get(reverse("two-step-verify"))

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
