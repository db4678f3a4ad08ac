"""Coding an outcome's words with the partnership's themes while recording."""

import pytest
from django.urls import reverse

from conversations.forms_recording import THEMES_OFFERED
from conversations.models import AuditAction, AuditEvent, Conversation, OutcomeRecord, Theme
from tests.conversations.recording_helpers import autosave
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def codebook(partnership, other_partnership) -> dict[str, Theme]:
    themes = {
        code: Theme.objects.create(partnership=partnership, code=code, label=label)
        for code, label in (("transport", "Getting there"), ("dignity", "Dignity"))
    }
    retired = Theme.objects.create(partnership=partnership, code="old", label="Old theme")
    retired.retire()
    retired.save()
    themes["old"] = retired
    themes["foreign"] = Theme.objects.create(
        partnership=other_partnership, code="foreign", label="Not ours"
    )
    return themes


@pytest.fixture
def conversation(person, team, practitioner) -> Conversation:
    return start_conversation(person=person, team=team, by=practitioner)


def coded(conversation, code="seeing_people") -> list[str]:
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code=code)
    return sorted(record.themes.values_list("code", flat=True))


def test_the_page_offers_the_themes_in_use_only(client, practitioner, conversation, codebook):
    client.force_login(practitioner)

    page = client.get(reverse("conversations:conversation-record", args=[conversation.pk]))

    text = page.content.decode()
    assert 'name="o-seeing_people-themes" value="transport"' in text
    assert "Getting there" in text and "Dignity" in text
    assert "Old theme" not in text and "Not ours" not in text
    assert f'name="{THEMES_OFFERED}"' in text


def test_no_codebook_no_themes_on_the_page(client, practitioner, conversation):
    client.force_login(practitioner)

    page = client.get(reverse("conversations:conversation-record", args=[conversation.pk]))

    assert "-themes" not in page.content.decode()


def test_a_practitioner_codes_words_and_the_change_is_audited(
    client, practitioner, conversation, codebook
):
    client.force_login(practitioner)

    response = autosave(
        client,
        conversation,
        {
            "o-seeing_people-words": "The bus stopped and so did the lunch club.",
            "o-seeing_people-themes": ["transport", "dignity"],
        },
    )

    assert response.json()["status"] == "saved"
    assert coded(conversation) == ["dignity", "transport"]
    event = AuditEvent.objects.filter(action=AuditAction.CHANGED).latest("pk")
    assert event.changes["outcome:seeing_people.themes"] == [[], ["dignity", "transport"]]
    assert event.changes["outcome:seeing_people.words"] == ["changed"]

    autosave(client, conversation, {"o-seeing_people-themes": ["dignity"]})

    assert coded(conversation) == ["dignity"]
    detail = client.get(reverse("conversations:conversation-detail", args=[conversation.pk]))
    assert "<strong>Themes:</strong> Dignity" in detail.content.decode()


@pytest.mark.parametrize("code", ["foreign", "old", "nonsense"])
def test_a_theme_not_in_use_in_the_partnership_writes_nothing(
    client, practitioner, conversation, codebook, code
):
    client.force_login(practitioner)
    before = conversation.revision

    response = autosave(
        client,
        conversation,
        {"o-seeing_people-words": "New words", "o-seeing_people-themes": [code]},
    )

    assert response.status_code == 400 and response.json()["status"] == "invalid"
    conversation.refresh_from_db()
    assert conversation.revision == before
    assert coded(conversation) == []
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="seeing_people")
    assert record.words == ""


def test_words_coded_with_a_theme_later_retired_keep_it(
    client, practitioner, conversation, codebook
):
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="seeing_people")
    record.themes.add(codebook["old"])
    client.force_login(practitioner)

    page = client.get(reverse("conversations:conversation-record", args=[conversation.pk]))
    assert "Old theme (retired)" in page.content.decode()

    response = autosave(client, conversation, {"o-seeing_people-words": "Still the same"})

    assert response.json()["status"] == "saved"
    assert coded(conversation) == ["old"]


def test_a_page_opened_before_the_codebook_keeps_stored_themes(
    client, practitioner, conversation, codebook
):
    """A page that never offered themes posts none: that is not an instruction to clear."""
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="seeing_people")
    record.themes.add(codebook["transport"])
    client.force_login(practitioner)

    response = autosave(
        client,
        conversation,
        {THEMES_OFFERED: None, "o-seeing_people-themes": None, "o-seeing_people-words": "Hi"},
    )

    assert response.json()["status"] == "saved"
    assert coded(conversation) == ["transport"]


def test_the_service_refuses_another_partnerships_theme(practitioner, conversation, codebook):
    """The form offers only the partnership's themes; the service checks again."""
    from django.core.exceptions import ValidationError

    from conversations.services import recording

    data = recording.ConversationData(
        date_held=conversation.date_held, interviewer=conversation.interviewer
    )
    data.outcomes["seeing_people"] = recording.OutcomeData(themes=["foreign"])

    with pytest.raises(ValidationError, match="not a theme in use"):
        recording.conversation_save(
            conversation=conversation, data=data, by=practitioner, revision=conversation.revision
        )

    assert coded(conversation) == []
