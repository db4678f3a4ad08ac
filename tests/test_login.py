"""The sign-in page: a wrong username or password is said once, in the error summary."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_wrong_password_is_reported_once_in_the_error_summary(client, practitioner):
    response = client.post(reverse("login"), {"username": "prac", "password": "not-it"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Please enter a correct username and password") == 1
    assert html.count("data-error-summary") == 1
    assert 'id="id_username"' in html
    assert 'id="id_password"' in html


def test_a_missing_field_is_linked_from_the_summary(client, db):
    response = client.post(reverse("login"), {"username": "someone", "password": ""})

    html = response.content.decode()
    assert '<a href="#id_password" class="alert-link">Password: This field is required.</a>' in html


def test_the_right_password_signs_in(client, practitioner):
    practitioner.set_password("right-one")
    practitioner.save()

    response = client.post(reverse("login"), {"username": "prac", "password": "right-one"})

    assert response.status_code == 302
    assert response.url == "/"
