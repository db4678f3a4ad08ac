"""UK financial-year periods as the spec writes them: ``2026-27`` or ``2026-27 Q1``.

A year runs 1 April to 31 March; Q1 is April–June, Q4 is January–March of the next year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from frameworks.dates import EARLIEST

_PERIOD = re.compile(r"^(?P<start>\d{4})-(?P<end>\d{2})(?: Q(?P<quarter>[1-4]))?$", re.ASCII)
# Financial years a period may name: none starts before dates are plausible (1900, see
# ``frameworks.dates``), and one far ahead keeps ``next()`` and ``last_day`` within what a
# date can hold (``9999-00 Q4`` would end in the year 10000).
FIRST_START_YEAR = EARLIEST.year
LAST_START_YEAR = 2100


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    start_year: int
    quarter: int | None = None

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match:
            raise PeriodError(
                f"{text!r} is not a period: write a financial year such as 2026-27 "
                "or a quarter such as 2026-27 Q1"
            )
        start = int(match["start"])
        if (start + 1) % 100 != int(match["end"]):
            raise PeriodError(f"{text!r}: the second year must follow the first (e.g. 2026-27)")
        if not FIRST_START_YEAR <= start <= LAST_START_YEAR:
            raise PeriodError(
                f"{text!r}: choose a financial year from {FIRST_START_YEAR}-"
                f"{(FIRST_START_YEAR + 1) % 100:02d} to {LAST_START_YEAR}-"
                f"{(LAST_START_YEAR + 1) % 100:02d}"
            )
        quarter = int(match["quarter"]) if match["quarter"] else None
        return cls(start, quarter)

    @classmethod
    def year_containing(cls, day: date) -> Period:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def quarter_containing(cls, day: date) -> Period:
        year = cls.year_containing(day).start_year
        quarter = ((day.month - 4) % 12) // 3 + 1
        return cls(year, quarter)

    @property
    def is_quarter(self) -> bool:
        return self.quarter is not None

    @property
    def first_day(self) -> date:
        if self.quarter is None:
            return date(self.start_year, 4, 1)
        month = 4 + 3 * (self.quarter - 1)
        return date(self.start_year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Period:
        if self.quarter is None:
            return Period(self.start_year + 1)
        if self.quarter == 4:
            return Period(self.start_year + 1, 1)
        return Period(self.start_year, self.quarter + 1)

    def previous(self) -> Period:
        if self.quarter is None:
            return Period(self.start_year - 1)
        if self.quarter == 1:
            return Period(self.start_year - 1, 4)
        return Period(self.start_year, self.quarter - 1)

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def is_over(self, today: date) -> bool:
        """True once the period's last day has passed: conversations held on its last day
        may still be recorded that day, so a period ending today is still under way."""
        return self.last_day < today

    def __str__(self) -> str:
        year = f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
        return f"{year} Q{self.quarter}" if self.quarter else year


def last_quarters(count: int, *, ending: Period) -> list[Period]:
    """The ``count`` quarters up to and including ``ending``, oldest first."""
    quarters = [ending]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))


def default_period(today: date) -> Period:
    """The period a reporting page shows first: the latest complete quarter, whose figures no
    longer move as conversations held in a quarter still under way are signed off."""
    return Period.quarter_containing(today).previous()


def offered_periods(today: date, *, upcoming: bool = False) -> list[Period]:
    """The periods every reporting page offers, in one order: newest first, each financial
    year followed by its quarters (Q4 to Q1). The current and the previous financial year,
    leaving out quarters not yet begun.

    With ``upcoming`` (targets are set ahead), the quarters of the current year not yet begun
    and the next financial year with its quarters come first, in the same order.
    """
    current = Period.year_containing(today)
    years = (
        [current.next(), current, current.previous()] if upcoming else [current, current.previous()]
    )
    periods: list[Period] = []
    for year in years:
        periods.append(year)
        periods.extend(Period(year.start_year, quarter) for quarter in (4, 3, 2, 1))
    if upcoming:
        return periods
    return [period for period in periods if period.first_day <= today]


def period_label(period: Period, *, today: date) -> str:
    """``2026-27 Q1 (April to June 2026)``, with "still under way" or "not yet begun" where
    that is so: the words every period list uses."""
    first, last = period.first_day, period.last_day
    if period.is_quarter:
        span = f"{first:%B} to {last:%B %Y}"
    else:
        span = f"financial year, {first:%B %Y} to {last:%B %Y}"
    if first > today:
        span += ", not yet begun"
    elif not period.is_over(today):
        span += ", still under way"
    return f"{period} ({span})"


def period_choices(
    today: date, *, chosen: Period | str | None = None, upcoming: bool = False
) -> list[tuple[str, str]]:
    """``(value, label)`` for every period list: the same periods in the same order with the
    same words everywhere (``offered_periods``, ``period_label``). A ``chosen`` period that a
    link or an older record names but the list does not offer is added at the end, so it
    still shows as chosen."""
    choices = [
        (str(period), period_label(period, today=today))
        for period in offered_periods(today, upcoming=upcoming)
    ]
    if chosen is not None and str(chosen) and str(chosen) not in {v for v, _ in choices}:
        choices.append((str(chosen), str(chosen)))
    return choices


def period_or_default(text: str | None, *, today: date) -> Period:
    """The period ``text`` names, or ``default_period`` when it names none (blank or
    missing). Raises PeriodError for text that is not a period."""
    if text is None or not str(text).strip():
        return default_period(today)
    return Period.parse(text)


def reportable_period(text: str | None, *, today: date) -> Period:
    """``period_or_default`` for a page of figures: a period that has not begun (or is older
    than any figures, before 2000) has none to show, and raises PeriodError saying so."""
    period = period_or_default(text, today=today)
    if period.start_year < 2000 or period.first_day > today:
        raise PeriodError(f"{period} has no figures yet: choose a period from the list")
    return period
