"""Returns produced are readable in the admin, with whether their period was still under way."""

import datetime as dt

import pytest
from django.urls import reverse

from frameworks.periods import Period
from reporting.returns import return_produce

pytestmark = pytest.mark.django_db


def test_administrators_see_and_filter_returns_produced_before_the_period_ended(
    admin_client, partnership
):
    early = return_produce(
        partnership=partnership, period=Period(2026, 3), format="csv", today=dt.date(2026, 11, 1)
    )
    late = return_produce(
        partnership=partnership, period=Period(2026, 1), format="csv", today=dt.date(2026, 11, 1)
    )
    url = reverse("admin:reporting_returnrecord_changelist")

    listing = admin_client.get(url)
    flagged = admin_client.get(url, {"period_incomplete__exact": "1"})

    assert listing.status_code == 200
    assert "Period still under way" in listing.content.decode()
    assert list(flagged.context["cl"].result_list) == [early]
    assert late.pk not in [r.pk for r in flagged.context["cl"].result_list]
