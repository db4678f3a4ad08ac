"""Sign-off and reopen submitted twice, one after the other or at the same moment: the second
gets "already signed off" (or "already open") and a redirect, never a 500, and writes
nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conversations.forms_recording import ReopenForm, SignOffForm
from conversations.models import AuditAction, AuditEvent, ConversationStatus
from conversations.services import recording
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    conversation.outcome_records.filter(outcome__code="feeling_safe").update(
        matters=True, words="Safe"
    )
    return conversation


@pytest.fixture
def signed_off(ready, practitioner):
    return recording.conversation_complete(conversation=ready, by=practitioner)


def complete_url(conversation) -> str:
    return reverse("conversations:conversation-complete", args=[conversation.pk])


def reopen_url(conversation) -> str:
    return reverse("conversations:conversation-reopen", args=[conversation.pk])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events(conversation, action) -> int:
    return AuditEvent.objects.filter(conversation=conversation, action=action).count()


def test_second_sign_off_says_already_signed_off(client, ready, practitioner):
    client.force_login(practitioner)
    first = client.post(complete_url(ready), {"review_due": ""})

    second = client.post(complete_url(ready), {"review_due": ""})

    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("conversations:conversation-detail", args=[ready.pk])
    assert "This conversation is already signed off." in said(second)
    assert events(ready, AuditAction.COMPLETED) == 1


def test_sign_off_at_the_same_moment_as_another_says_already_signed_off(
    client, ready, practitioner, monkeypatch
):
    """The other request signs off after this one has read the conversation as a draft and
    before it writes: the service finds it signed off under its row lock."""
    real_is_valid = SignOffForm.is_valid

    def other_request_first(form):
        recording.conversation_complete(conversation=ready, by=practitioner)
        return real_is_valid(form)

    monkeypatch.setattr(SignOffForm, "is_valid", other_request_first)
    client.force_login(practitioner)

    response = client.post(complete_url(ready), {"review_due": ""})

    assert response.status_code == 302
    assert "This conversation is already signed off." in said(response)
    assert events(ready, AuditAction.COMPLETED) == 1


def test_second_reopen_says_already_open(client, signed_off, team_leader):
    client.force_login(team_leader)
    first = client.post(reopen_url(signed_off), {"reason": "Wrong date"})

    second = client.post(reopen_url(signed_off), {"reason": "Wrong date"})

    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("conversations:conversation-record", args=[signed_off.pk])
    assert any("already open" in message for message in said(second))
    assert events(signed_off, AuditAction.REOPENED) == 1


def test_reopen_at_the_same_moment_as_another_says_already_open(
    client, signed_off, team_leader, monkeypatch
):
    real_is_valid = ReopenForm.is_valid

    def other_request_first(form):
        recording.conversation_reopen(conversation=signed_off, by=team_leader, reason="First")
        return real_is_valid(form)

    monkeypatch.setattr(ReopenForm, "is_valid", other_request_first)
    client.force_login(team_leader)

    response = client.post(reopen_url(signed_off), {"reason": "Second"})

    assert response.status_code == 302
    assert any("already open" in message for message in said(response))
    signed_off.refresh_from_db()
    assert (signed_off.status, signed_off.reopen_reason) == (ConversationStatus.DRAFT, "First")
    assert events(signed_off, AuditAction.REOPENED) == 1


def test_the_service_refuses_to_reopen_what_is_open(ready, team_leader):
    with pytest.raises(recording.AlreadyOpenError):
        recording.conversation_reopen(conversation=ready, by=team_leader, reason="Twice")


def test_the_service_refuses_to_sign_off_twice(signed_off, practitioner):
    with pytest.raises(recording.ReadOnlyError):
        recording.conversation_complete(conversation=signed_off, by=practitioner)
