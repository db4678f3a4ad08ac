"""The period parser on any text: a ``Period`` whose days a date can hold, or a
``PeriodError`` in words; never another exception."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.periods import (
    FIRST_START_YEAR,
    LAST_START_YEAR,
    Period,
    PeriodError,
    last_quarters,
)

QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text shaped like a period (so the interesting branches are reached), and any text at all.
period_like = st.builds(
    lambda start, end, quarter, pad: f"{pad}{start:04d}-{end:02d}{quarter}{pad}",
    st.integers(0, 9999),
    st.integers(0, 99),
    st.sampled_from(["", " Q1", " Q4", " Q0", " Q5", "Q2", " q3"]),
    st.sampled_from(["", " ", "\n", "\x00"]),
)


@pytest.mark.parametrize(
    "text", ["9999-00 Q4", "0000-01", "1899-00", "2101-02", "０２０２-03", "2026-27 Q4x", ""]
)
def test_periods_no_date_can_hold_are_refused_in_words(text):
    with pytest.raises(PeriodError) as raised:
        Period.parse(text)

    assert "period" in str(raised.value) or "financial year" in str(raised.value)


def test_the_first_and_last_financial_years_are_periods_with_days():
    first = Period.parse(f"{FIRST_START_YEAR}-{(FIRST_START_YEAR + 1) % 100:02d} Q1")
    last = Period.parse(f"{LAST_START_YEAR}-{(LAST_START_YEAR + 1) % 100:02d} Q4")

    assert first.first_day == date(FIRST_START_YEAR, 4, 1)
    assert last.last_day == date(LAST_START_YEAR + 1, 3, 31)


@QUICK
@given(st.one_of(period_like, st.text(max_size=30)))
def test_any_text_is_a_period_with_days_or_a_period_error(text):
    try:
        period = Period.parse(text)
    except PeriodError as error:
        assert str(error)
        return
    # Everything the pages do with a period works: its days, its neighbours, a trend.
    assert period.first_day <= period.last_day
    assert period.next().first_day > period.last_day
    assert period.previous().last_day < period.first_day
    assert len(last_quarters(8, ending=Period(period.start_year, 4))) == 8
    assert Period.parse(str(period)) == period


@QUICK
@given(st.one_of(st.none(), st.integers(), st.binary(max_size=10), st.lists(st.text())))
def test_what_is_not_text_is_a_period_error(value):
    with pytest.raises(PeriodError):
        Period.parse(value)
