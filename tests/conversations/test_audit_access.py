"""Every read of personal data, every download and export, every write of a person or a
target, and every sign-in leaves one audit row: who, when, what (ids, never words), from where."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, Target
from frameworks.models import FrameworkVersion, Measure
from tests.factories import PersonFactory, answered_conversation, client_group, start_conversation

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.7"


def rows(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def only(action: str) -> AuditEvent:
    found = rows(action)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def person(team):
    return PersonFactory(partnership=team.partnership, ref="P-1", name="Isla Rendall", teams=[team])


# --- reads -----------------------------------------------------------------------------------


def test_people_search_records_the_ids_shown_never_the_words(client, practitioner, person, team):
    PersonFactory(partnership=team.partnership, ref="P-2", name="Magnus Flett", teams=[team])
    client.force_login(practitioner)

    response = client.get(
        reverse("conversations:person-list"), {"q": "Rendall"}, REMOTE_ADDR=ADDRESS
    )

    assert response.status_code == 200
    event = only(AuditAction.VIEWED_PEOPLE_LIST)
    assert (event.user, event.ip_address, event.detail) == (
        practitioner,
        ADDRESS,
        {"people": [person.pk]},
    )
    assert "Rendall" not in str(event.detail) + str(event.changes) + event.reason


def test_the_address_is_the_one_the_proxy_saw(client, practitioner, person):
    client.force_login(practitioner)
    client.get(
        reverse("conversations:person-detail", args=[person.pk]),
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5",
    )
    assert only(AuditAction.VIEWED_PERSON).ip_address == "203.0.113.5"


def test_summary_and_history_reads_are_recorded(client, practitioner, person, team):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    client.force_login(practitioner)

    assert client.get(reverse("conversations:person-summary", args=[person.pk])).status_code == 200
    history = reverse("conversations:conversation-history", args=[conversation.pk])
    assert client.get(history).status_code == 200

    summary = only(AuditAction.VIEWED_SUMMARY)
    assert (summary.user, summary.person) == (practitioner, person)
    read = only(AuditAction.VIEWED_HISTORY)
    assert (read.user, read.person, read.conversation) == (practitioner, person, conversation)


def test_an_outsider_reads_nothing_and_nothing_is_recorded(client, outsider, person):
    client.force_login(outsider)
    assert client.get(reverse("conversations:person-summary", args=[person.pk])).status_code == 404
    assert not AuditEvent.objects.exclude(action=AuditAction.SIGNED_IN).exists()


def test_dashboard_records_the_people_with_no_review_it_listed(client, team_leader, person, team):
    client.force_login(team_leader)
    response = client.get(reverse("reporting:dashboard"), {"team": team.code})
    assert response.status_code == 200
    event = only(AuditAction.VIEWED_COVERAGE_LIST)
    assert event.user == team_leader
    assert event.detail["people"] == [person.pk]
    assert event.detail["team"] == team.code


@pytest.mark.parametrize("table", ["measures", "coverage"])
def test_every_dashboard_download_is_recorded(client, team_leader, person, team, table):
    client.force_login(team_leader)
    url = reverse("reporting:dashboard-download", args=[table])
    assert client.get(url, {"team": team.code, "period": "2026-27 Q1"}).status_code == 200
    event = only(AuditAction.DOWNLOADED_CSV)
    assert event.detail == {
        "partnership": "ORK",
        "team": team.code,
        "period": "2026-27 Q1",
        "table": table,
    }


def test_a_refused_download_is_not_recorded(client, team_leader):
    client.force_login(team_leader)
    url = reverse("reporting:dashboard-download", args=["measures"])
    assert client.get(url, {"period": "9999-00 Q4"}).status_code == 400
    assert not rows(AuditAction.DOWNLOADED_CSV)


def test_national_return_produced_and_downloaded_in_the_browser(
    client, partnership_lead, person, team, monkeypatch
):
    monkeypatch.setattr("reporting.views.returns.today", lambda: dt.date(2026, 11, 22))
    answered_conversation(person=person, team=team, date_held=dt.date(2025, 5, 1), answers={})
    client.force_login(partnership_lead)

    produced = client.post(
        reverse("reporting:return-produce"), {"period": "2025-26 Q1", "format": "csv"}
    )
    assert produced.status_code == 200
    event = only(AuditAction.PRODUCED_RETURN)
    record_id = event.detail["return"]
    assert event.detail == {
        "return": record_id,
        "partnership": "ORK",
        "period": "2025-26 Q1",
        "format": "csv",
    }
    download = reverse("reporting:return-download", args=[record_id])
    assert client.get(download).status_code == 200
    assert only(AuditAction.DOWNLOADED_RETURN).detail["return"] == record_id


def test_commands_record_their_exports(partnership, person, team, partnership_lead):
    answered_conversation(person=person, team=team, date_held=dt.date(2025, 5, 1), answers={})

    call_command("export_conversations", "--partnership", "ORK", stdout=StringIO())
    call_command(
        "national_return",
        "--partnership=ORK",
        "--period=2025-26",
        "--user=lead",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    exported = only(AuditAction.EXPORTED)
    assert exported.user is None
    assert exported.detail == {
        "command": "export_conversations",
        "partnership": "ORK",
        "period": "",
        "conversations": 1,
    }
    produced = only(AuditAction.PRODUCED_RETURN)
    assert produced.user == partnership_lead
    assert produced.detail["command"] == "national_return"
    assert produced.detail["period"] == "2025-26"


# --- writes ----------------------------------------------------------------------------------


def test_person_create_and_edit_are_recorded_without_the_words(client, practitioner, team):
    client.force_login(practitioner)
    data = {
        "ref": "P-NEW",
        "name": "Isla Rendall",
        "date_of_birth": "1940-03-02",
        "client_group": client_group().pk,
        "teams": [team.pk],
    }
    assert client.post(reverse("conversations:person-create"), data).status_code == 302
    created = only(AuditAction.PERSON_CREATED)
    assert created.user == practitioner
    assert created.person.ref == "P-NEW"

    edit = reverse("conversations:person-edit", args=[created.person.pk])
    assert client.post(edit, {**data, "name": "Isla Flett"}).status_code == 302
    changed = only(AuditAction.PERSON_CHANGED)
    assert changed.detail == {"fields": ["name"]}
    assert "Flett" not in str(changed.detail) + str(changed.changes)


def test_target_create_edit_and_delete_are_recorded(client, team_leader, team):
    client.force_login(team_leader)
    data = {
        "scope": f"team-{team.pk}",
        "measure": Measure.objects.get(code="NM1").pk,
        "outcome_code": "",
        "period": "2027-28",
        "target": "75",
    }
    assert client.post(reverse("reporting:target-create"), data).status_code == 302
    target = Target.objects.get()
    edit = reverse("reporting:target-edit", args=[target.pk])
    assert client.post(edit, {**data, "target": "80"}).status_code == 302
    delete = reverse("reporting:target-delete", args=[target.pk])
    assert client.post(delete).status_code == 302

    actions = [
        AuditAction.TARGET_CREATED,
        AuditAction.TARGET_CHANGED,
        AuditAction.TARGET_DELETED,
    ]
    for action in actions:
        event = only(action)
        assert event.user == team_leader
        assert event.detail["target"] == target.pk
        assert event.detail["team"] == team.pk


# --- signing in ------------------------------------------------------------------------------


def _sign_in(client, username: str, password: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS
    )


def test_sign_in_failed_sign_in_and_lockout_are_recorded(client, practitioner):
    _sign_in(client, "prac", "correct horse battery staple")
    signed_in = only(AuditAction.SIGNED_IN)
    assert (signed_in.user, signed_in.ip_address) == (practitioner, ADDRESS)

    client.logout()
    for _ in range(5):
        _sign_in(client, "prac", "a wrong guess")
    failed = rows(AuditAction.SIGN_IN_FAILED)
    assert len(failed) == 5
    assert {(e.user, e.ip_address) for e in failed} == {(practitioner, ADDRESS)}
    locked = only(AuditAction.LOCKED_OUT)
    assert (locked.user, locked.ip_address) == (practitioner, ADDRESS)


def test_a_failed_sign_in_never_keeps_what_was_typed(client, practitioner):
    _sign_in(client, "my secret password typed here", "x")
    event = only(AuditAction.SIGN_IN_FAILED)
    assert event.user is None
    assert event.detail == {"known_account": False}
    assert "secret" not in str(event.detail) + event.reason


# --- the admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(admin)
    return client, admin


def test_admin_reads_of_people_and_conversations_are_recorded(
    admin_client, person, team, practitioner
):
    client, admin = admin_client
    conversation = start_conversation(person=person, team=team, by=practitioner)

    assert client.get(reverse("admin:conversations_person_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:conversations_person_change", args=[person.pk])).status_code
        == 200
    )
    assert client.get(reverse("admin:conversations_conversation_changelist")).status_code == 200
    assert (
        client.get(
            reverse("admin:conversations_conversation_change", args=[conversation.pk])
        ).status_code
        == 200
    )

    events = rows(AuditAction.ADMIN_VIEWED)
    assert [(e.user, e.detail) for e in events] == [
        (admin, {"model": "conversations.person", "ids": [person.pk]}),
        (admin, {"model": "conversations.person", "ids": [person.pk]}),
        (admin, {"model": "conversations.conversation", "ids": [conversation.pk]}),
        (admin, {"model": "conversations.conversation", "ids": [conversation.pk]}),
    ]
    assert events[1].person == person
    assert events[3].conversation == conversation


def test_rows_written_by_the_recording_services_say_where_the_request_came_from(
    client, practitioner, team, person
):
    """Starting, saving and signing off write their rows deep inside the services: the
    request's address reaches them all the same."""
    from conversations.models import Conversation
    from tests.conversations.recording_helpers import recording_post

    client.force_login(practitioner)
    where = {"REMOTE_ADDR": "198.51.100.7"}
    started = client.post(
        reverse("conversations:conversation-start", args=[person.pk]),
        {
            "role": "user",
            "type": "assessment",
            "team": team.pk,
            "framework_version": FrameworkVersion.objects.get(
                framework__code="users", version="2012"
            ).pk,
            "date_held": "2026-05-14",
            "interviewer": "practitioner",
        },
        **where,
    )
    assert started.status_code == 302
    conversation = Conversation.objects.get(subject=person)
    data = recording_post(conversation, {"o-feeling_safe-matters": "on"})
    client.post(
        reverse("conversations:conversation-autosave", args=[conversation.pk]), data, **where
    )

    rows = AuditEvent.objects.filter(
        conversation=conversation, action__in=[AuditAction.CREATED, AuditAction.CHANGED]
    )
    assert sorted(rows.values_list("action", flat=True)) == ["changed", "created"]
    assert set(rows.values_list("ip_address", flat=True)) == {"198.51.100.7"}
