"""Subject access: a partnership lead downloads everything held about one person, as JSON and
as a readable page; every download is audited; anyone else is told the person is not found."""

import datetime
import json

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent
from tests.conversations.data_protection_helpers import (
    ACTION,
    BARRIER_WORDS,
    GOAL,
    HELPING,
    SUMMARY,
    WORDS,
    worded_conversation,
)
from tests.factories import answered_conversation, make_team_leader

pytestmark = pytest.mark.django_db

PAGE = "conversations:person-subject-access"
DOWNLOAD = "conversations:person-subject-access-json"


@pytest.fixture
def record(person, team, practitioner):
    """Morag Flett with one signed-off review full of words, opened once by the practitioner."""
    conversation = worded_conversation(person=person, team=team, by=practitioner)
    AuditEvent.objects.create(user=practitioner, action=AuditAction.VIEWED_PERSON, person=person)
    return conversation


def test_lead_downloads_everything_held_as_json(client, partnership_lead, person, record):
    client.force_login(partnership_lead)

    response = client.get(reverse(DOWNLOAD, args=[person.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="subject-access-ork-p-1.json"'
    assert "no-store" in response["Cache-Control"]
    held = json.loads(response.content)
    assert held["person"]["ref"] == "P-1"
    assert held["person"]["name"] == "Morag Flett"
    assert held["person"]["teams"] == [{"code": "ORK-E", "name": "East"}]
    (conversation,) = held["conversations"]
    assert conversation["id"] == record.external_id
    assert conversation["status"] == "completed"
    assert conversation["summary"] == SUMMARY
    assert conversation["measures"] == {"NM1": "yes", "NM2": "yes", "NM3": "yes"}
    worded = next(o for o in conversation["outcomes"] if o["words"])
    assert worded["words"] == WORDS
    assert worded["status"] == "achieved"
    assert worded["practitioner_status"] == "partly_achieved"
    assert worded["helping"] == HELPING
    assert worded["barrier_words"] == BARRIER_WORDS
    assert worded["goals"] == [{"words": GOAL, "status": "achieved"}]
    assert worded["actions"] == [{"what": ACTION, "who": "services", "by": "2026-08-01"}]
    actions = [event["action"] for event in held["audit"]]
    assert {"created", "changed", "completed", "viewed_person", "subject_access"} <= set(actions)
    viewed = next(e for e in held["audit"] if e["action"] == "viewed_person")
    assert viewed["user"]["username"] == "prac"
    changed = next(e for e in held["audit"] if e["action"] == "changed")
    assert "summary" in changed["fields_changed"]
    # The audit part names fields, never the words (those are in the conversations).
    assert WORDS not in json.dumps(held["audit"])


def test_lead_reads_the_same_as_a_printable_page(client, partnership_lead, person, record):
    client.force_login(partnership_lead)

    response = client.get(reverse(PAGE, args=[person.pk]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    for words in (WORDS, HELPING, BARRIER_WORDS, GOAL, ACTION, SUMMARY, "Morag Flett"):
        assert words in page
    assert "Achieved" in page
    assert "Opened a person&#x27;s record" in page or "Opened a person's record" in page
    assert reverse(DOWNLOAD, args=[person.pk]) in page
    assert "<script>" not in page


@pytest.mark.parametrize("url, format", [(PAGE, "html"), (DOWNLOAD, "json")])
def test_every_download_is_audited(client, partnership_lead, person, record, url, format):
    client.force_login(partnership_lead)

    client.get(reverse(url, args=[person.pk]))

    event = AuditEvent.objects.get(action=AuditAction.SUBJECT_ACCESS)
    assert event.user == partnership_lead
    assert event.person == person
    assert event.changes == {"format": format}


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
@pytest.mark.parametrize(
    "who", ["practitioner", "team_leader", "colleague_elsewhere", "outsider", "outside_lead"]
)
def test_anyone_but_the_partnership_lead_finds_nothing(client, request, person, record, url, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse(url, args=[person.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.SUBJECT_ACCESS).exists()


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_anonymous_is_sent_to_sign_in(client, person, url):
    response = client.get(reverse(url, args=[person.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_wrong_method_is_refused(client, partnership_lead, person, url):
    client.force_login(partnership_lead)

    assert client.post(reverse(url, args=[person.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action=AuditAction.SUBJECT_ACCESS).exists()


def test_unknown_person_is_not_found(client, partnership_lead):
    client.force_login(partnership_lead)

    assert client.get(reverse(DOWNLOAD, args=[999999])).status_code == 404


def test_person_page_offers_subject_access_to_leads_only(
    client, partnership_lead, practitioner, team, person
):
    button = reverse(PAGE, args=[person.pk])
    client.force_login(partnership_lead)
    assert (
        button
        in client.get(reverse("conversations:person-detail", args=[person.pk])).content.decode()
    )

    for user in (practitioner, make_team_leader(team, "boss")):
        client.force_login(user)
        page = client.get(reverse("conversations:person-detail", args=[person.pk]))
        assert page.status_code == 200
        assert button not in page.content.decode()


def test_page_shows_records_without_a_practitioner_and_system_events(
    client, partnership_lead, person, team
):
    answered_conversation(
        person=person, team=team, date_held=datetime.date(2026, 5, 1), answers={"NM1": "no"}
    )
    AuditEvent.objects.create(user=None, action=AuditAction.IMPORTED, person=person)
    client.force_login(partnership_lead)

    page = client.get(reverse(PAGE, args=[person.pk])).content.decode()

    assert "Not recorded" in page
    assert "The system" in page
    held = json.loads(client.get(reverse(DOWNLOAD, args=[person.pk])).content)
    assert held["conversations"][0]["practitioner"] is None
    assert held["audit"][0]["user"] is None


def test_the_themes_the_words_are_coded_with_are_part_of_what_is_held(
    client, partnership_lead, person, record
):
    from conversations.models import OutcomeRecord, Theme

    theme = Theme.objects.create(partnership=person.partnership, code="dignity", label="Dignity")
    OutcomeRecord.objects.filter(conversation=record).exclude(words="").get().themes.add(theme)
    client.force_login(partnership_lead)

    held = json.loads(client.get(reverse(DOWNLOAD, args=[person.pk])).content)
    page = client.get(reverse(PAGE, args=[person.pk])).content.decode()

    worded = next(o for o in held["conversations"][0]["outcomes"] if o["words"])
    assert worded["themes"] == ["Dignity"]
    assert "<li>Themes: Dignity</li>" in page
