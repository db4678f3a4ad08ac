"""What kind of help is helping with an outcome: recorded, audited, shown, held."""

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, OutcomeHelp
from tests.conversations.recording_helpers import autosave
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, team, practitioner):
    return start_conversation(person=person, team=team, by=practitioner)


def kinds(conversation) -> list[str]:
    return sorted(
        OutcomeHelp.objects.filter(
            record__conversation=conversation, record__outcome__code="seeing_people"
        ).values_list("kind", flat=True)
    )


def test_a_practitioner_records_the_kinds_of_help_and_it_is_audited(
    client, practitioner, conversation
):
    client.force_login(practitioner)

    response = autosave(
        client,
        conversation,
        {
            "o-seeing_people-helping": "My neighbour drives me to the club.",
            "o-seeing_people-helping_kinds": ["family_friends", "community_groups"],
        },
    )

    assert response.json()["status"] == "saved"
    assert kinds(conversation) == ["community_groups", "family_friends"]
    event = AuditEvent.objects.filter(action=AuditAction.CHANGED).latest("pk")
    assert event.changes["outcome:seeing_people.helping_kinds"] == [
        [],
        ["community_groups", "family_friends"],
    ]

    autosave(client, conversation, {"o-seeing_people-helping_kinds": ["own_strengths"]})

    assert kinds(conversation) == ["own_strengths"]
    page = client.get(reverse("conversations:conversation-detail", args=[conversation.pk]))
    assert "<strong>Kinds of help:</strong> The person&#x27;s own strengths" in (
        page.content.decode()
    )


def test_an_unknown_kind_writes_nothing(client, practitioner, conversation):
    client.force_login(practitioner)

    response = autosave(client, conversation, {"o-seeing_people-helping_kinds": ["magic"]})

    assert response.status_code == 400
    assert kinds(conversation) == []
