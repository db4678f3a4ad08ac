"""Plausible dates: the one rule every date that comes in is held to (forms, services, the
importer), and that pages drawing dates rely on.

A date in a care record is from 1 January 1900 (``EARLIEST``) and not in the future; the day
a conversation was held is not before the person's date of birth; the moment it was signed
off is on or after the day it was held and not in the future. Each check raises Django's
``ValidationError`` with a message in plain words, so a form shows it against its field and
the importer reports it against the line.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = date(1900, 1, 1)


def _day(value: date) -> str:
    return f"{value.day} {value:%B} {value.year:04d}"


def is_plausible(day: date, *, today: date | None = None) -> bool:
    """From ``EARLIEST`` to ``today`` (both included)."""
    return EARLIEST <= day <= (today or timezone.localdate())


def validate_plausible(day: date, *, what: str, today: date | None = None) -> None:
    """``what`` names the date in a sentence: "The date held", "Date of birth"."""
    if day < EARLIEST:
        raise ValidationError(
            f"{what} cannot be before {_day(EARLIEST)}: check the year ({day.year:04d}).",
            code="too_early",
        )
    if day > (today or timezone.localdate()):
        raise ValidationError(f"{what} cannot be in the future.", code="future")


def validate_date_of_birth(born: date, *, today: date | None = None) -> None:
    validate_plausible(born, what="Date of birth", today=today)


def validate_date_held(held: date, *, born: date | None, today: date | None = None) -> None:
    """The day a conversation was held: plausible, and not before the person was born."""
    validate_plausible(held, what="The date held", today=today)
    if born is not None and held < born:
        raise ValidationError(
            "The date held cannot be before the person's date of birth.", code="before_birth"
        )


def validate_completed_at(
    completed_at: datetime, *, held: date, now: datetime | None = None
) -> None:
    """When a conversation was signed off (an aware datetime): on or after the day held, in
    local time, and not in the future."""
    now = now or timezone.now()
    if completed_at > now:
        raise ValidationError("The time signed off cannot be in the future.", code="future")
    try:
        day = timezone.localdate(completed_at)
    except OverflowError:  # year 1 at a time zone east of local time
        day = date.min
    if day < held:
        raise ValidationError(
            f"The time signed off cannot be before the day the conversation was held "
            f"({_day(held)}).",
            code="before_held",
        )
