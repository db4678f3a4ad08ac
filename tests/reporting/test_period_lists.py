"""Every reporting page offers the same periods, in the same order, with the same words, and
starts from the same default (frameworks.periods: ``offered_periods``, ``default_period``)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from frameworks.periods import Period, default_period, offered_periods, period_label

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)  # inside 2026-27 Q3


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    monkeypatch.setattr("reporting.views.returns.today", lambda: TODAY)


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    """``(value, text)`` of each option of the select with this id, in page order."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select, select_id
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_the_list_newest_first_each_year_before_its_quarters_none_not_begun():
    assert [str(p) for p in offered_periods(TODAY)] == [
        "2026-27",
        "2026-27 Q3",
        "2026-27 Q2",
        "2026-27 Q1",
        "2025-26",
        "2025-26 Q4",
        "2025-26 Q3",
        "2025-26 Q2",
        "2025-26 Q1",
    ]
    ahead = [str(p) for p in offered_periods(TODAY, upcoming=True)]
    assert ahead[:7] == [
        "2027-28",
        "2027-28 Q4",
        "2027-28 Q3",
        "2027-28 Q2",
        "2027-28 Q1",
        "2026-27",
        "2026-27 Q4",
    ]
    # Ahead of time the list only gains the periods not yet begun, in the same order.
    assert [p for p in ahead if Period.parse(p).first_day <= TODAY] == [
        str(p) for p in offered_periods(TODAY)
    ]
    assert default_period(TODAY) == Period(2026, 2)
    assert period_label(Period(2026, 3), today=TODAY) == (
        "2026-27 Q3 (October to December 2026, still under way)"
    )
    assert period_label(Period(2026, 2), today=TODAY) == "2026-27 Q2 (July to September 2026)"


def test_every_reporting_page_offers_the_same_list_and_default(client, partnership_lead, team):
    client.force_login(partnership_lead)
    expected = [(str(p), period_label(p, today=TODAY)) for p in offered_periods(TODAY)]
    default = str(default_period(TODAY))

    dashboard = client.get(reverse("reporting:dashboard")).content.decode()
    drilldown = client.get(
        reverse("reporting:drilldown"), {"barrier": "transport", "period": default}
    ).content.decode()
    returns = client.get(reverse("reporting:return-list")).content.decode()
    targets = client.get(reverse("reporting:target-create")).content.decode()

    assert options(dashboard, "period") == expected
    assert options(drilldown, "period") == expected
    assert options(returns, "id_preview_period") == expected
    assert options(returns, "id_period") == expected
    # Targets are set ahead: the same list, after the periods not yet begun.
    target_options = options(targets, "id_period")
    assert target_options[0] == ("", "— choose a period —")
    begun = [o for o in target_options[1:] if Period.parse(o[0]).first_day <= TODAY]
    assert begun == expected

    for html, select in (
        (dashboard, "period"),
        (returns, "id_preview_period"),
        (returns, "id_period"),
    ):
        chosen = re.search(rf'id="{select}".*?<option value="([^"]*)"[^>]*selected', html, re.S)
        assert chosen and chosen.group(1) == default, select
