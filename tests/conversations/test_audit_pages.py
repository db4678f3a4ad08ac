"""Who has accessed a person's record (their partnership's leads only), and the partnership's
audit as CSV per period (leads only, formula-escaped, itself audited)."""

import csv
import io

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team):
    return PersonFactory(partnership=team.partnership, ref="P-1", teams=[team])


def access_url(person) -> str:
    return reverse("conversations:person-access", args=[person.pk])


AUDIT_URL = reverse("reporting:audit-download")


def test_a_lead_sees_who_read_the_record_and_from_where(
    client, partnership_lead, practitioner, person
):
    client.force_login(practitioner)
    assert (
        client.get(
            reverse("conversations:person-detail", args=[person.pk]), REMOTE_ADDR="192.0.2.44"
        ).status_code
        == 200
    )
    client.force_login(partnership_lead)

    response = client.get(access_url(person))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Opened a person&#x27;s record" in html
    assert "192.0.2.44" in html and practitioner.get_full_name() in html
    assert "no-store" in response["Cache-Control"]
    read = AuditEvent.objects.get(action=AuditAction.VIEWED_ACCESS_LOG)
    assert (read.user, read.person) == (partnership_lead, person)


@pytest.mark.parametrize("who", ["practitioner", "team_leader", "outsider"])
def test_anyone_but_the_partnerships_leads_is_told_not_found(client, request, who, person):
    client.force_login(request.getfixturevalue(who))
    assert client.get(access_url(person)).status_code == 404


def test_the_access_list_is_paginated(client, partnership_lead, practitioner, person):
    AuditEvent.objects.bulk_create(
        AuditEvent(user=practitioner, action=AuditAction.VIEWED_PERSON, person=person)
        for _ in range(60)
    )
    client.force_login(partnership_lead)
    first = client.get(access_url(person))
    second = client.get(access_url(person), {"page": 2})
    assert len(first.context["page"].object_list) == 50
    # The 60 reads, and the lead's own reading of the first page.
    assert len(second.context["page"].object_list) == 11
    assert "page 1 of 2" in first.content.decode()


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_audit_csv_holds_the_partnerships_rows_escaped(
    client, partnership_lead, practitioner, person, outsider
):
    AuditEvent.objects.create(
        user=practitioner,
        action=AuditAction.REOPENED,
        person=person,
        reason='=HYPERLINK("http://evil")',
    )
    AuditEvent.objects.create(user=outsider, action=AuditAction.SIGNED_IN)
    client.force_login(partnership_lead)
    # The financial year holding today (April to March).
    today = AuditEvent.objects.first().at.date()
    start = today.year if today.month >= 4 else today.year - 1
    period = f"{start}-{str(start + 1)[2:]}"

    response = client.get(AUDIT_URL, {"period": period})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit-ORK-{period}.csv"'
    found = rows_of(response)
    usernames = {row["username"] for row in found}
    assert "prac" in usernames and outsider.username not in usernames
    reopened = next(row for row in found if row["action"] == "reopened")
    assert reopened["reason"].startswith("'=")
    assert reopened["person_ref"] == "P-1"
    downloaded = AuditEvent.objects.get(action=AuditAction.DOWNLOADED_AUDIT)
    assert downloaded.detail == {"partnership": "ORK", "period": period}


def test_the_audit_csv_is_for_leads_only_and_needs_a_period(client, team_leader, partnership_lead):
    client.force_login(team_leader)
    assert client.get(AUDIT_URL, {"period": "2025-26"}).status_code == 404
    client.force_login(partnership_lead)
    assert client.get(AUDIT_URL, {"period": "9999-00 Q4"}).status_code == 400
    assert client.get(AUDIT_URL).status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOADED_AUDIT).exists()


def test_a_period_with_nothing_is_just_the_header(client, partnership_lead):
    client.force_login(partnership_lead)
    response = client.get(AUDIT_URL, {"period": "2019-20 Q1"})
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "at,username,action,action_label,person_ref,conversation_id,after_sign_off,"
        "ip_address,fields_changed,detail,reason"
    ]
