"""A tampered period on every reporting page and command: the page's own error (400 or the
form's message), never a 500."""

from dataclasses import dataclass
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.periods import Period, PeriodError, reportable_period
from reporting.dashboard import DashboardQuery
from reporting.forms import DrilldownForm
from reporting.models import ReturnRecord
from reporting.views.returns import PeriodForm

pytestmark = pytest.mark.django_db

HOSTILE = ["9999-00 Q4", "0000-01", "1899-00", "2101-02 Q1", "2026-27 Q9", "x" * 500, "\x00"]


@pytest.fixture
def lead_client(client, partnership_lead):
    client.force_login(partnership_lead)
    return client


@pytest.mark.parametrize("period", HOSTILE)
def test_dashboard_says_what_is_wrong_with_the_period(lead_client, period):
    response = lead_client.get(reverse("reporting:dashboard"), {"period": period})

    assert response.status_code in (200, 400)
    assert b"choose" in response.content.lower() or b"not a period" in response.content


@pytest.mark.parametrize("period", HOSTILE)
def test_dashboard_download_refuses_the_period(lead_client, period):
    url = reverse("reporting:dashboard-download", args=["measures"])

    response = lead_client.get(url, {"period": period})

    assert response.status_code == 400


@pytest.mark.parametrize("period", HOSTILE)
def test_drilldown_refuses_the_period(lead_client, period):
    query = {"outcome": "feeling_safe", "status": "not_achieved", "period": period}

    response = lead_client.get(reverse("reporting:drilldown"), query)

    assert response.status_code == 400
    assert b"Cannot show this figure" in response.content


@pytest.mark.parametrize("period", HOSTILE)
def test_return_preview_refuses_the_period(lead_client, period):
    response = lead_client.get(reverse("reporting:return-list"), {"period": period})

    assert response.status_code == 200
    assert b"Choose one of the periods in the list" in response.content


@pytest.mark.parametrize("period", HOSTILE)
def test_return_produce_refuses_the_period_and_records_nothing(lead_client, period):
    response = lead_client.post(
        reverse("reporting:return-produce"), {"period": period, "format": "csv"}
    )

    assert response.status_code in (200, 400)
    assert not ReturnRecord.objects.exists()


@pytest.mark.parametrize("period", HOSTILE)
def test_target_form_refuses_the_period(client, team_leader, team, period):
    client.force_login(team_leader)

    response = client.post(
        reverse("reporting:target-create"),
        {
            "scope": f"team-{team.pk}",
            "measure": "",
            "outcome_code": "",
            "period": period,
            "target": "80",
        },
    )

    assert response.status_code in (200, 400)
    assert b"Choose a financial year or quarter from the list" in response.content


@pytest.mark.parametrize("period", ["9999-00 Q4", "0000-01"])
@pytest.mark.parametrize("command", ["national_return", "export_conversations"])
def test_commands_refuse_the_period_in_words(partnership, command, period):
    with pytest.raises(CommandError, match="financial year"):
        call_command(
            command,
            "--partnership",
            partnership.code,
            "--period",
            period,
            stdout=StringIO(),
            stderr=StringIO(),
        )


# --- properties: whatever text a link carries, the page's own error --------------------------


@dataclass
class _Query:
    period: Period


QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
period_texts = st.one_of(
    st.text(max_size=14),
    st.builds(
        lambda start, end, quarter: f"{start:04d}-{end:02d}{quarter}",
        st.integers(0, 9999),
        st.integers(0, 99),
        st.sampled_from(["", " Q1", " Q4", " Q7"]),
    ),
)


@QUICK
@given(text=period_texts)
def test_the_dashboard_period_is_one_with_figures_or_a_period_error(text):
    today = date(2026, 11, 30)
    try:
        period = reportable_period(text, today=today)
    except PeriodError as error:
        assert str(error)
    else:
        assert period.first_day <= today
        assert len(DashboardQuery.trend_quarters.fget(_Query(period))) > 0


@QUICK
@given(text=period_texts)
def test_the_drilldown_and_return_forms_take_any_period_text(partnership, text):
    drilldown = DrilldownForm({"barrier": "", "outcome": "", "period": text})
    preview = PeriodForm({"period": text}, today=date(2026, 11, 30))

    drilldown.is_valid()
    assert "period" in drilldown.errors or isinstance(drilldown.cleaned_data["period"], Period)
    if preview.is_valid():
        assert preview.cleaned_data["period"].first_day <= date(2026, 11, 30)
    else:
        assert preview.errors["period"]
