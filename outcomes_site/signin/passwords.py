"""A password rule Django's validators miss: one guessable word padded with digits or symbols."""

import re

from django.core.exceptions import ValidationError

_GUESSABLE_WORDS = (
    "spring|summer|autumn|fall|winter|"
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "password|passw0rd|welcome|letmein|qwerty|changeme|monday|tuesday|wednesday|thursday|"
    "friday|saturday|sunday"
)
# The whole password is one of those words (any case) with only digits and symbols around it:
# "Summer2026!", "Password123456", "!!December2025".
_PATTERN = re.compile(rf"^[\W\d_]*(?:{_GUESSABLE_WORDS})[\W\d_]*$", re.IGNORECASE)


class GuessableWordPasswordValidator:
    """Refuse a season, month, day or "password"-like word plus a year, digits or symbols."""

    def validate(self, password: str, user=None) -> None:
        if _PATTERN.match(password):
            raise ValidationError(
                "This password is a common word with a year, digits or symbols added: "
                "such passwords are among the first tried by attackers.",
                code="password_guessable_word",
            )

    def get_help_text(self) -> str:
        return (
            "Your password can’t be a season, month or common word with only a year, "
            "digits or symbols added."
        )
