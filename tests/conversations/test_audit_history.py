"""The history page is read from the audit: every autosave is its own row, consecutive saves
by one person are shown together, and the person's words are never in new rows."""

from datetime import timedelta

import pytest
from django.urls import reverse

from conversations.audit import WORDS_CHANGED, folded_history, without_words
from conversations.models import AuditAction, AuditEvent, Person
from conversations.services import recording
from conversations.services.recording import OutcomeData
from tests.conversations.test_recording_service import data_for
from tests.factories import PersonFactory, start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team) -> Person:
    return PersonFactory(partnership=team.partnership, ref="P-1", teams=[team])


def type_words(conversation, by, *words_typed: str):
    revision = conversation.revision
    for words in words_typed:
        saved = recording.conversation_save(
            conversation=conversation,
            data=data_for(conversation, seeing_people=OutcomeData(matters=True, words=words)),
            by=by,
            revision=revision,
        )
        revision = saved.revision
    return saved


def test_without_words_keeps_codes_and_flags_and_drops_words():
    changes = {
        "summary": ["", "More time outside"],
        "date_held": ["2026-05-01", "2026-05-02"],
        "outcome:feeling_safe.words": ["a", "b"],
        "outcome:feeling_safe.status": ["", "achieved"],
        "outcome:feeling_safe.actions": [[], ["Fit a key safe"]],
        "outcome:feeling_safe.barriers": [[], ["transport"]],
        "measure:NM1": ["not_answered", "yes"],
    }
    assert without_words(changes) == {
        "summary": WORDS_CHANGED,
        "date_held": ["2026-05-01", "2026-05-02"],
        "outcome:feeling_safe.words": WORDS_CHANGED,
        "outcome:feeling_safe.status": ["", "achieved"],
        "outcome:feeling_safe.actions": WORDS_CHANGED,
        "outcome:feeling_safe.barriers": [[], ["transport"]],
        "measure:NM1": ["not_answered", "yes"],
    }


def test_words_typed_and_deleted_leave_a_row_each(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    type_words(conversation, practitioner, "Something I regret", "")
    rows = AuditEvent.objects.filter(conversation=conversation, action=AuditAction.CHANGED)
    assert rows.count() == 2
    assert "regret" not in repr([row.changes for row in rows])


def test_the_history_page_folds_autosaves_and_shows_no_words(
    client, person, team, practitioner, team_leader
):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    saved = type_words(conversation, practitioner, "I", "I like", "I like the lunch club")
    type_words(saved, team_leader, "I like the lunch club on Fridays")
    client.force_login(practitioner)

    response = client.get(reverse("conversations:conversation-history", args=[conversation.pk]))

    assert response.status_code == 200
    entries = response.context["entries"]
    assert [(e["event"].user, e["saves"]) for e in entries] == [
        (team_leader, 1),
        (practitioner, 3),
        (practitioner, 1),
    ]
    html = response.content.decode()
    assert "(3 saves)" in html and "Words changed" in html
    assert "lunch club" not in html


def test_saves_far_apart_are_separate_entries(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    type_words(conversation, practitioner, "one", "two")
    first = AuditEvent.objects.filter(action=AuditAction.CHANGED).order_by("pk").first()
    # Move the first save back in time without touching the audit table's rows in place:
    # only the fold's reading of times matters here.
    events = list(AuditEvent.objects.filter(conversation=conversation))
    for event in events:
        if event.pk == first.pk:
            event.at -= timedelta(hours=1)
    entries = folded_history(events, window=recording.AUDIT_FOLD_WINDOW)
    assert [entry.saves for entry in entries] == [1, 1, 1]


def test_rows_written_before_words_were_kept_out_still_read(client, person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    AuditEvent.objects.create(
        user=practitioner,
        action=AuditAction.CHANGED,
        conversation=conversation,
        person=person,
        changes={"outcome:seeing_people.words": ["", "Older words"]},
    )
    client.force_login(practitioner)
    html = client.get(
        reverse("conversations:conversation-history", args=[conversation.pk])
    ).content.decode()
    assert "Older words" in html  # left as written until the person is anonymised
