"""The plausible-date rule, written once in ``frameworks.dates``."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from frameworks import dates

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "plausible"),
    [
        (date(1, 1, 1), False),
        (date(26, 5, 1), False),
        (date(1899, 12, 31), False),
        (date(1900, 1, 1), True),
        (TODAY, True),
        (TODAY + timedelta(days=1), False),
        (date(9999, 12, 31), False),
    ],
)
def test_plausible_dates_run_from_1900_to_today(day, plausible):
    assert dates.is_plausible(day, today=TODAY) is plausible


def test_a_year_before_1900_is_named_in_the_message():
    with pytest.raises(ValidationError) as raised:
        dates.validate_plausible(date(26, 5, 1), what="The date held", today=TODAY)

    assert raised.value.messages == [
        "The date held cannot be before 1 January 1900: check the year (0026)."
    ]


def test_a_date_of_birth_in_the_future_is_refused():
    with pytest.raises(ValidationError, match="Date of birth cannot be in the future"):
        dates.validate_date_of_birth(TODAY + timedelta(days=1), today=TODAY)


def test_a_date_held_before_birth_is_refused_and_on_the_birthday_accepted():
    born = date(1950, 6, 1)
    dates.validate_date_held(born, born=born, today=TODAY)

    with pytest.raises(ValidationError, match="before the person's date of birth"):
        dates.validate_date_held(born - timedelta(days=1), born=born, today=TODAY)


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2026, 5, 13, 22, 30, tzinfo=UTC),  # 23:30 on 13 May in London
        datetime(9999, 12, 31, 23, 0, tzinfo=UTC),
        NOW + timedelta(minutes=1),
        datetime(1, 1, 1, 0, 0, tzinfo=dates.timezone.get_fixed_timezone(300)),
    ],
)
def test_signed_off_before_the_day_held_or_in_the_future_is_refused(moment):
    with pytest.raises(ValidationError, match="signed off cannot be"):
        dates.validate_completed_at(moment, held=date(2026, 5, 14), now=NOW)


def test_signed_off_on_the_day_held_in_local_time_is_accepted():
    # 23:30 UTC on 13 May is 00:30 on 14 May in London (summer time).
    dates.validate_completed_at(
        datetime(2026, 5, 13, 23, 30, tzinfo=UTC), held=date(2026, 5, 14), now=NOW
    )
    dates.validate_completed_at(NOW, held=date(2026, 5, 14), now=NOW)
