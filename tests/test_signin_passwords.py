"""Password rules: 12 characters at least, not common, not a word with a year added."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations.demo import DEMO_PASSWORD
from outcomes_site.signin.passwords import GuessableWordPasswordValidator


@pytest.mark.parametrize(
    "password",
    [
        "Summer2026!",  # the one the review found accepted
        "Summer2026!!",  # 12 characters: refused as a season plus a year
        "Password123456",
        "!!December2025",
        "welcome-2026-01",
        "short-pass1",  # 11 characters
        "123456789012345",
        "1qaz2wsx3edc",  # on Django's common-password list
    ],
)
def test_guessable_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize(
    "password",
    [DEMO_PASSWORD, "correct horse battery staple", "summer walks by the loch 2026"],
)
def test_long_unguessable_passwords_are_accepted(password, db):
    validate_password(password)


def test_summer_2026_is_refused_for_both_reasons(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("Summer2026!")

    codes = {error.code for error in refused.value.error_list}
    assert codes == {"password_too_short", "password_guessable_word"}


def test_the_word_rule_explains_itself():
    validator = GuessableWordPasswordValidator()

    assert "season, month or common word" in validator.get_help_text()
    validator.validate("a season is not the whole password")  # passes: more than one word


def test_the_password_change_page_refuses_a_guessable_password(client, practitioner):
    client.force_login(practitioner)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "Summer2026!!",
            "new_password2": "Summer2026!!",
        },
    )

    assert response.status_code == 200
    assert "a common word with a year" in response.content.decode()
    practitioner.refresh_from_db()
    assert practitioner.check_password("correct horse battery staple")
