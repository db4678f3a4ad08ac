"""The one place for a reporting page's period: the default, the period asked for, and the
list every page offers."""

import datetime as dt

import pytest

from frameworks.periods import (
    Period,
    PeriodError,
    default_period,
    period_choices,
    period_or_default,
    reportable_period,
)

TODAY = dt.date(2026, 11, 22)  # inside 2026-27 Q3


@pytest.mark.parametrize("text", [None, "", "   "])
def test_nothing_asked_is_the_default_period(text):
    assert period_or_default(text, today=TODAY) == default_period(TODAY) == Period(2026, 2)
    assert reportable_period(text, today=TODAY) == Period(2026, 2)


def test_a_period_asked_for_is_read():
    assert period_or_default(" 2025-26 Q4 ", today=TODAY) == Period(2025, 4)
    assert reportable_period("2026-27", today=TODAY) == Period(2026)


@pytest.mark.parametrize("text", ["2026-27 Q4", "2027-28", "1999-00"])
def test_a_period_with_no_figures_yet_is_refused_in_words(text):
    assert period_or_default(text, today=TODAY) == Period.parse(text)
    with pytest.raises(PeriodError, match="has no figures yet"):
        reportable_period(text, today=TODAY)


def test_text_that_is_not_a_period_is_refused():
    with pytest.raises(PeriodError):
        period_or_default("last year", today=TODAY)


def test_the_choices_label_each_period_and_keep_one_chosen_outside_the_list():
    choices = period_choices(TODAY, chosen="2019-20 Q1")

    assert choices[0] == (
        "2026-27",
        "2026-27 (financial year, April 2026 to March 2027, still under way)",
    )
    assert ("2026-27 Q2", "2026-27 Q2 (July to September 2026)") in choices
    assert "2026-27 Q4" not in dict(choices)
    assert choices[-1] == ("2019-20 Q1", "2019-20 Q1")
    assert "2027-28 Q1" in dict(period_choices(TODAY, upcoming=True))
