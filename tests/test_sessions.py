"""Sessions (README: "Sessions and headers"): the idle timeout, the keep-alive the recording
page sends while someone types, and a session cookie that ends with the browser."""

from __future__ import annotations

import time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conversations.models import Conversation
from outcomes_site.middleware import LAST_ACTIVITY_KEY
from tests.conversations.recording_helpers import recording_post
from tests.factories import PersonFactory, start_conversation

pytestmark = pytest.mark.django_db

MINUTE = 60


def _last_active(client, seconds_ago: int) -> None:
    """Freeze the session's record of its last activity ``seconds_ago`` in the past."""
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds_ago
    session.save()


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def draft(team, practitioner) -> Conversation:
    person = PersonFactory(partnership=team.partnership, teams=[team])
    return start_conversation(person=person, team=team, by=practitioner)


def test_signing_in_starts_the_idle_clock(client, practitioner):
    client.force_login(practitioner)

    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client, practitioner):
    client.force_login(practitioner)
    _last_active(client, 30 * MINUTE + 5)
    people = reverse("conversations:person-list")

    response = client.get(people, follow=True)

    assert response.redirect_chain[0] == (f"{reverse('login')}?next={people}", 302)
    assert "You were signed out after 30 minutes without activity." in response.content.decode()
    assert not _signed_in(client)
    assert client.get(reverse("home")).status_code == 302


def test_a_session_used_within_the_limit_carries_on_and_its_clock_restarts(client, practitioner):
    client.force_login(practitioner)
    _last_active(client, 29 * MINUTE)

    response = client.get(reverse("conversations:person-list"))

    assert response.status_code == 200
    assert _signed_in(client)
    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_a_request_soon_after_another_does_not_rewrite_the_session(client, practitioner):
    client.force_login(practitioner)
    _last_active(client, 10)
    noted = client.session[LAST_ACTIVITY_KEY]

    client.get(reverse("home"))

    assert client.session[LAST_ACTIVITY_KEY] == noted


def test_the_limit_is_a_setting(client, practitioner, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(practitioner)
    _last_active(client, 5 * MINUTE + 5)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["You were signed out after 5 minutes without activity."]


def test_an_autosave_after_the_timeout_saves_nothing_and_sends_to_sign_in(
    client, practitioner, draft
):
    client.force_login(practitioner)
    data = recording_post(draft)
    revision = draft.revision
    record = reverse("conversations:conversation-record", args=[draft.pk])
    _last_active(client, 31 * MINUTE)

    response = client.post(
        reverse("conversations:conversation-autosave", args=[draft.pk]),
        data,
        HTTP_REFERER=f"http://testserver{record}",
    )

    # Back to the recording page after signing in again; autosave.js keeps the words.
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={record}"
    draft.refresh_from_db()
    assert draft.revision == revision
    assert not _signed_in(client)


def test_a_post_from_another_site_after_the_timeout_is_not_sent_back_there(client, practitioner):
    client.force_login(practitioner)
    _last_active(client, 31 * MINUTE)

    response = client.post(reverse("keep-alive"), HTTP_REFERER="https://evil.example/x")

    assert response.url == f"{reverse('login')}?next={reverse('home')}"


def test_keep_alive_restarts_the_idle_clock(client, practitioner):
    client.force_login(practitioner)
    _last_active(client, 25 * MINUTE)

    response = client.post(reverse("keep-alive"))

    assert response.status_code == 200
    assert response.json() == {"status": "alive", "idle_seconds": 30 * MINUTE}
    assert abs(client.session[LAST_ACTIVITY_KEY] - time.time()) < 5
    assert response["Cache-Control"] == "no-store"


def test_keep_alive_cannot_revive_a_session_that_has_ended(client, practitioner):
    client.force_login(practitioner)
    _last_active(client, 31 * MINUTE)

    response = client.post(reverse("keep-alive"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not _signed_in(client)


def test_keep_alive_needs_sign_in_and_a_post(client, practitioner):
    url = reverse("keep-alive")
    assert client.post(url).url == f"{reverse('login')}?next={url}"

    client.force_login(practitioner)
    for method in ("get", "put", "patch", "delete"):
        assert getattr(client, method)(url).status_code == 405, method


def test_keep_alive_refuses_a_post_without_the_csrf_token(practitioner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(practitioner)

    assert client.post(reverse("keep-alive")).status_code == 403


def test_the_session_cookie_ends_with_the_browser(client, practitioner, settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    practitioner.set_password("a long enough passphrase 42")
    practitioner.save()

    client.post(
        reverse("login"),
        {"username": practitioner.username, "password": "a long enough passphrase 42"},
    )

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["expires"]
    assert not cookie["max-age"]


def test_the_recording_page_carries_the_warning_and_its_timings(client, practitioner, draft):
    client.force_login(practitioner)

    html = client.get(reverse("conversations:conversation-record", args=[draft.pk])).content

    page = html.decode()
    assert 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page
    assert f'data-keep-alive-url="{reverse("keep-alive")}"' in page
    assert "site/session.js" in page
    assert "Stay signed in" in page
