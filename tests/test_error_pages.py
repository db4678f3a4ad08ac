"""The 400, 403 (and expired form), 404 and 500 pages in the site's own layout, with DEBUG
off as in production: plain words and a way home. The pages Django renders without a request
still render."""

import datetime

import pytest
from django.template import loader
from django.test import Client
from django.urls import include, path, reverse

from tests.factories import answered_conversation

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a fault the page must not show")


# A URLconf for these tests only: the project's pages plus one view that fails.
urlpatterns = [path("boom/", _boom), path("", include("outcomes_site.urls"))]


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def _assert_site_page(html: str) -> None:
    assert '<nav class="navbar' in html
    assert 'href="/"' in html
    assert "Go to your home page" in html


def test_a_missing_page_is_a_404_in_the_site_layout(client, practitioner):
    client.force_login(practitioner)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="h2">Page not found</h1>' in html
    _assert_site_page(html)
    assert "Sign out" in html  # the signed-in navigation, not a bare page


def test_a_missing_page_for_someone_signed_out_is_a_404_in_the_site_layout(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    _assert_site_page(response.content.decode())


def test_a_refused_action_is_a_403_that_says_why(client, practitioner, team, person):
    conversation = answered_conversation(
        person=person, team=team, date_held=datetime.date(2026, 5, 1), answers={}
    )
    client.force_login(practitioner)

    response = client.get(reverse("conversations:conversation-reopen", args=[conversation.pk]))

    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this" in html
    assert "Only a team leader of this team can reopen a conversation." in html
    _assert_site_page(html)
    assert "403 Forbidden" not in html


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_is_a_500_in_the_site_layout_without_the_fault():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "a fault the page must not show" not in html
    _assert_site_page(html)


def test_an_expired_form_is_a_403_in_the_site_layout_and_changes_nothing(practitioner):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "prac", "password": "anything"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "The form had expired" in html
    _assert_site_page(html)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["500.html", "400.html", "403_csrf.html"])
def test_the_pages_django_renders_without_a_request_still_render(name):
    html = loader.get_template(name).render()

    _assert_site_page(html)
    assert "Sign out" not in html  # no user without a request: no signed-in navigation
