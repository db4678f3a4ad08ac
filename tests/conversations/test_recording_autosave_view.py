"""The autosave endpoint's answers, as the recording page's script reads them."""

import re

import pytest
from django.urls import reverse

from conversations.models import AuditEvent, Conversation, OutcomeRecord
from tests.conversations.recording_helpers import recording_post
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, team, practitioner) -> Conversation:
    return start_conversation(person=person, team=team, by=practitioner)


def autosave(client, conversation: Conversation, data: dict):
    return client.post(reverse("conversations:conversation-autosave", args=[conversation.pk]), data)


def test_a_save_answers_status_revision_and_time(client, conversation, practitioner):
    client.force_login(practitioner)

    response = autosave(
        client, conversation, recording_post(conversation, {"o-feeling_safe-words": "Safe now"})
    )

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"status", "revision", "saved_at"}
    assert body["status"] == "saved" and body["revision"] == conversation.revision + 1
    assert re.fullmatch(r"\d\d:\d\d:\d\d", body["saved_at"])


def test_a_stale_page_that_already_holds_the_saved_content_takes_the_saved_revision(
    client, conversation, practitioner
):
    """A save whose answer was lost (a dropped connection, a closed tab) is not a conflict with
    oneself: the same content sent again from the old revision is answered as saved."""
    client.force_login(practitioner)
    sent = recording_post(conversation, {"o-feeling_safe-words": "Safe now"})
    first = autosave(client, conversation, sent)
    events = AuditEvent.objects.filter(conversation=conversation).count()

    again = autosave(client, conversation, sent)

    assert again.status_code == 200
    assert again.json()["status"] == "saved"
    assert again.json()["revision"] == first.json()["revision"]
    conversation.refresh_from_db()
    assert conversation.revision == first.json()["revision"]
    assert AuditEvent.objects.filter(conversation=conversation).count() == events


def test_a_stale_page_with_different_content_is_a_conflict_and_writes_nothing(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    stale = recording_post(conversation, {"o-feeling_safe-words": "Mine"})
    autosave(client, conversation, recording_post(conversation, {"c-summary": "Theirs"}))

    response = autosave(client, conversation, stale)

    body = response.json()
    assert response.status_code == 409
    assert set(body) == {"status", "message"} and body["status"] == "conflict"
    assert "Save" in body["message"]
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="feeling_safe")
    assert record.words == ""


def test_bad_input_answers_invalid_with_readable_errors(client, conversation, practitioner):
    client.force_login(practitioner)

    response = autosave(
        client, conversation, recording_post(conversation, {"c-date_held": "not a date"})
    )

    body = response.json()
    assert response.status_code == 400
    assert body["status"] == "invalid"
    assert body["errors"] and all(isinstance(error, str) for error in body["errors"])
