"""National returns in the browser: partnership leads only, records scoped to the lead's
partnership, the file downloaded is the file recorded."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse

from frameworks.periods import Period, default_period, offered_periods
from reporting.models import ReturnRecord
from reporting.returns import return_produce
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db

LIST_URL = reverse("reporting:return-list")
PRODUCE_URL = reverse("reporting:return-produce")
HEADER = (
    "partnership_code,partnership_name,period,measure_code,measure_title,population,"
    "numerator,denominator,percentage,ci_low,ci_high,suppressed,target,target_status"
)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The periods offered depend on the date: fix it."""
    monkeypatch.setattr("reporting.views.returns.today", lambda: dt.date(2026, 11, 22))


@pytest.fixture
def answers(team):
    for index in range(6):
        person = PersonFactory(partnership=team.partnership, ref=f"U{index}", teams=[team])
        answered_conversation(
            person=person,
            team=team,
            date_held=dt.date(2025, 5, 1 + index),
            answers={"NM1": "yes" if index else "no"},
        )


@pytest.fixture
def lead_client(client, partnership_lead):
    client.force_login(partnership_lead)
    return client


def download_url(record: ReturnRecord) -> str:
    return reverse("reporting:return-download", args=[record.pk])


def test_offered_periods_are_this_and_last_year_and_quarters_begun():
    periods = [str(p) for p in offered_periods(dt.date(2026, 11, 22))]

    assert periods == [
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
    assert default_period(dt.date(2026, 11, 22)) == Period(2026, 2)
    assert default_period(dt.date(2026, 4, 2)) == Period(2025, 4)


@pytest.mark.parametrize("url", [LIST_URL, PRODUCE_URL, "/reports/returns/1/download/"])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["practitioner", "team_leader", "outsider"])
def test_only_partnership_leads_see_returns(client, request, who, partnership_lead, partnership):
    record = return_produce(
        partnership=partnership, period=Period(2025), format="csv", by=partnership_lead
    )
    client.force_login(request.getfixturevalue(who))

    assert client.get(LIST_URL).status_code == 404
    assert client.post(PRODUCE_URL, {"period": "2025-26", "format": "csv"}).status_code == 404
    assert client.get(download_url(record)).status_code == 404
    assert ReturnRecord.objects.count() == 1


def test_a_lead_cannot_download_another_partnerships_return(
    client, outside_lead, partnership, partnership_lead
):
    record = return_produce(
        partnership=partnership, period=Period(2025), format="csv", by=partnership_lead
    )
    client.force_login(outside_lead)

    assert client.get(download_url(record)).status_code == 404
    assert client.get(download_url(record) + "?pk=1").status_code == 404
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert record.sha256 not in response.content.decode()


def test_list_previews_the_figures_and_lists_returns(
    lead_client, answers, partnership, partnership_lead, django_assert_max_num_queries
):
    record = return_produce(
        partnership=partnership, period=Period(2025, 1), format="xlsx", by=partnership_lead
    )

    with django_assert_max_num_queries(12):
        response = lead_client.get(LIST_URL, {"period": "2025-26 Q1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Figures for a period" in page
    rows = response.context["rows"]
    assert [row["measure_code"] for row in rows] == ["NM1", "NM2", "NM3", "NM4"]
    assert (rows[0]["numerator"], rows[0]["denominator"], rows[0]["percentage"]) == (
        "5",
        "6",
        "83.3",
    )
    assert "<caption>" in page and 'scope="col"' in page
    assert record.sha256 in page
    assert download_url(record) in page
    assert "<legend" in page  # the format radios are a fieldset
    assert 'href="/reports/returns/"' in page  # the navigation link for leads


def test_list_defaults_to_the_last_quarter_ended(lead_client):
    response = lead_client.get(LIST_URL)

    assert response.status_code == 200
    assert response.context["period"] == Period(2026, 2)
    assert response.context["form"]["period"].value() == str(response.context["period"])


def test_list_with_a_bad_period_shows_an_error(lead_client):
    response = lead_client.get(LIST_URL, {"period": "2019-20 Q7"})

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "There is a problem" in response.content.decode()


def test_navigation_has_no_returns_link_for_practitioners(client, practitioner):
    client.force_login(practitioner)

    response = client.get(reverse("home"))

    assert 'href="/reports/returns/"' not in response.content.decode()


@pytest.mark.parametrize("period", ["2025-26 Q1", "2025-26"])
def test_lead_produces_and_downloads_a_csv(lead_client, answers, partnership_lead, period):
    response = lead_client.post(PRODUCE_URL, {"period": period, "format": "csv"})

    assert response.status_code == 200
    record = ReturnRecord.objects.get()
    slug = period.replace(" ", "-")
    assert response["Content-Disposition"] == (
        f'attachment; filename="national-return-ORK-{slug}.csv"'
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == bytes(record.content)
    assert hashlib.sha256(response.content).hexdigest() == record.sha256
    assert record.generated_by == partnership_lead
    assert (record.period, record.format, record.row_count) == (period, "csv", 4)
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == HEADER
    assert lines[1].startswith(f"ORK,Orkney,{period},NM1,")

    again = lead_client.get(download_url(record))
    assert again.status_code == 200
    assert again.content == response.content
    assert again["Content-Disposition"] == response["Content-Disposition"]


def test_lead_produces_an_xlsx(lead_client, answers):
    response = lead_client.post(PRODUCE_URL, {"period": "2025-26 Q1", "format": "xlsx"})

    record = ReturnRecord.objects.get()
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('national-return-ORK-2025-26-Q1.xlsx"')
    assert response.content == bytes(record.content)


@pytest.mark.parametrize(
    "data",
    [
        {"period": "2019-20", "format": "csv"},
        {"period": "2026-27 Q9", "format": "csv"},
        {"period": "", "format": "csv"},
        {"period": "2025-26", "format": "pdf"},
        {"period": "2025-26"},
    ],
)
def test_a_bad_choice_is_a_form_error_and_writes_nothing(lead_client, data):
    response = lead_client.post(PRODUCE_URL, data)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors
    assert not ReturnRecord.objects.exists()


def test_get_on_produce_is_not_allowed(lead_client):
    assert lead_client.get(PRODUCE_URL).status_code == 405
    assert not ReturnRecord.objects.exists()


def test_post_on_list_and_download_is_not_allowed(lead_client, partnership, partnership_lead):
    record = return_produce(
        partnership=partnership, period=Period(2025), format="csv", by=partnership_lead
    )

    assert lead_client.post(LIST_URL).status_code == 405
    assert lead_client.post(download_url(record)).status_code == 405


def test_download_of_a_missing_record_is_404(lead_client):
    assert lead_client.get("/reports/returns/999999/download/").status_code == 404


# --- a period still under way (today is 22 November 2026, inside 2026-27 Q3) ----------------


def test_preview_of_a_period_under_way_warns_that_figures_will_change(lead_client):
    page = lead_client.get(LIST_URL, {"period": "2026-27 Q3"}).content.decode()

    assert "This period is still under way" in page
    assert "2026-27 Q3 is still under way (it ends on 31 December 2026)" in page
    assert "will change" in page
    assert 'name="produce_incomplete"' in page  # the choice to produce it anyway

    ended = lead_client.get(LIST_URL, {"period": "2026-27 Q2"}).content.decode()
    assert "still under way (it ends" not in ended
    assert 'name="produce_incomplete"' not in ended


@pytest.mark.parametrize("period", ["2026-27 Q3", "2026-27"])
def test_producing_a_period_under_way_needs_a_deliberate_choice(lead_client, answers, period):
    refused = lead_client.post(PRODUCE_URL, {"period": period, "format": "csv"})

    assert refused.status_code == 400
    assert not ReturnRecord.objects.exists()
    assert "produce_incomplete" in refused.context["form"].errors
    page = refused.content.decode()
    assert "Tick the box to produce it anyway" in page
    assert 'href="#id_produce_incomplete"' in page  # the error summary links to the box
    assert refused.context["period"] == Period.parse(period)  # its figures are shown

    produced = lead_client.post(
        PRODUCE_URL, {"period": period, "format": "csv", "produce_incomplete": "on"}
    )

    assert produced.status_code == 200
    record = ReturnRecord.objects.get()
    assert record.period_incomplete
    assert produced.content.decode().splitlines()[0] == HEADER
    listed = lead_client.get(LIST_URL).content.decode()
    assert "Produced before the period ended" in listed


def test_a_period_that_has_ended_is_produced_without_the_choice(lead_client, answers):
    response = lead_client.post(PRODUCE_URL, {"period": "2026-27 Q2", "format": "csv"})

    assert response.status_code == 200
    assert not ReturnRecord.objects.get().period_incomplete
    assert (
        "Produced before the period ended</span>" not in lead_client.get(LIST_URL).content.decode()
    )
