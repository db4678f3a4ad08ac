"""Who answered, and a carer's or relative's view of a status: recorded on the recording page,
audited, prompted for at sign-off, shown on the conversation and the person's page."""

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, Conversation, OutcomeRecord
from conversations.services import recording
from conversations.services.recording import ConversationData
from tests.conversations.recording_helpers import autosave
from tests.factories import answered_conversation, start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, team, practitioner):
    return start_conversation(person=person, team=team, by=practitioner)


def test_a_practitioner_records_who_answered_and_it_is_audited_and_shown(
    client, practitioner, conversation
):
    client.force_login(practitioner)

    response = autosave(
        client,
        conversation,
        {
            "c-answered_by": "someone_else",
            "c-answered_by_relationship": "  wife ",
            "c-language": "Punjabi",
            "c-with_interpreter": "on",
        },
    )

    assert response.json()["status"] == "saved"
    conversation.refresh_from_db()
    assert (
        conversation.answered_by,
        conversation.answered_by_relationship,
        conversation.language,
        conversation.with_interpreter,
    ) == ("someone_else", "wife", "Punjabi", True)
    event = AuditEvent.objects.filter(action=AuditAction.CHANGED).latest("pk")
    assert event.changes["answered_by"] == ["", "someone_else"]
    assert event.changes["language"] == ["", "Punjabi"]
    page = client.get(reverse("conversations:conversation-detail", args=[conversation.pk]))
    assert (
        "Someone else, on their behalf (wife); in Punjabi, through an interpreter"
        in page.content.decode()
    )


def test_a_relationship_is_kept_only_when_someone_else_answered(client, practitioner, conversation):
    client.force_login(practitioner)

    autosave(
        client,
        conversation,
        {"c-answered_by": "person_with_support", "c-answered_by_relationship": "brother"},
    )

    conversation.refresh_from_db()
    assert (conversation.answered_by, conversation.answered_by_relationship) == (
        "person_with_support",
        "",
    )
    data = ConversationData(
        date_held=conversation.date_held,
        interviewer="practitioner",
        answered_by="person",
        answered_by_relationship="son",
    )
    assert data.answered_by_relationship == ""


def test_an_unknown_answer_to_who_answered_writes_nothing(client, practitioner, conversation):
    client.force_login(practitioner)
    revision = conversation.revision

    response = autosave(client, conversation, {"c-answered_by": "the_cat", "c-language": "Welsh"})

    assert response.status_code == 400
    conversation.refresh_from_db()
    assert (conversation.answered_by, conversation.language, conversation.revision) == (
        "",
        "",
        revision,
    )


def test_sign_off_asks_who_answered_without_blocking(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)

    check = recording.completion_check(conversation)
    assert any("Say who answered" in p.message for p in check.prompts)
    assert not any("who answered" in p.message.lower() for p in check.problems)

    Conversation.objects.filter(pk=conversation.pk).update(answered_by="someone_else")
    conversation.refresh_from_db()
    check = recording.completion_check(conversation)
    prompt = next(p for p in check.prompts if "related" in p.message)
    assert prompt.field_id == "id_c-answered_by_relationship"


def test_a_carers_view_of_a_status_is_recorded_and_shown_beside_the_persons(
    client, practitioner, person, team
):
    conversation = start_conversation(person=person, team=team, by=practitioner, type="review")
    client.force_login(practitioner)

    response = autosave(
        client,
        conversation,
        {
            "o-seeing_people-matters": "on",
            "o-seeing_people-status": "achieved",
            "o-seeing_people-carer_status": "partly_achieved",
        },
    )

    assert response.json()["status"] == "saved"
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="seeing_people")
    assert (record.status, record.carer_status) == ("achieved", "partly_achieved")
    event = AuditEvent.objects.filter(action=AuditAction.CHANGED).latest("pk")
    assert event.changes["outcome:seeing_people.carer_status"] == ["", "partly_achieved"]
    page = client.get(reverse("conversations:conversation-detail", args=[conversation.pk]))
    assert "Carer's or relative's view: Partly achieved" in page.content.decode()


def test_the_persons_history_shows_a_carers_view_that_differs(client, practitioner, person, team):
    import datetime as dt

    review = answered_conversation(
        person=person,
        team=team,
        date_held=dt.date(2026, 5, 1),
        answers={},
        outcomes={"feeling_safe": "achieved", "seeing_people": "not_achieved"},
    )
    OutcomeRecord.objects.filter(conversation=review, outcome__code="feeling_safe").update(
        carer_status="not_achieved"
    )
    OutcomeRecord.objects.filter(conversation=review, outcome__code="seeing_people").update(
        carer_status="not_achieved"  # the same as the person's: nothing to show
    )
    client.force_login(practitioner)

    page = client.get(reverse("conversations:person-detail", args=[person.pk])).content.decode()

    assert "Achieved (carer&#x27;s or relative&#x27;s view: not achieved)" in page
    assert "Not achieved (carer" not in page
