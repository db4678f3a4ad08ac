"""A tampered period on every reporting page and command: the page's own error (400 or the
form's message), never a 500."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reporting.models import ReturnRecord

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
