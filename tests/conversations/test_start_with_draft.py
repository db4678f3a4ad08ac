"""Starting a conversation while the person has a draft of that kind offers the draft; a
second draft is made only when asked for explicitly."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations.models import Conversation
from conversations.services import recording
from tests.factories import framework_version, start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing(person, team, practitioner):
    return start_conversation(person=person, team=team, by=practitioner, type="review")


def start_form(team, **extra) -> dict:
    return {
        "role": "user",
        "type": "review",
        "team": team.pk,
        "framework_version": framework_version("users", "2012").pk,
        "date_held": "2026-05-20",
        "interviewer": "practitioner",
        **extra,
    }


def test_service_refuses_a_second_draft_of_the_same_kind(existing, person, team, practitioner):
    with pytest.raises(ValidationError) as raised:
        start_conversation(person=person, team=team, by=practitioner, type="review")

    assert "already a draft review" in raised.value.message_dict["start_anyway"][0]
    assert Conversation.objects.count() == 1


def test_service_makes_a_second_draft_when_asked(existing, person, team, practitioner):
    second = recording.conversation_start(
        subject=person,
        role="user",
        type="review",
        team=team,
        framework_version=framework_version("users", "2012"),
        date_held=existing.date_held,
        by=practitioner,
        allow_second_draft=True,
    )

    assert second.pk != existing.pk and Conversation.objects.drafts().count() == 2


def test_a_draft_of_another_kind_does_not_block(existing, person, team, practitioner):
    support_plan = start_conversation(
        person=person, team=team, by=practitioner, type="support_plan"
    )

    assert support_plan.type == "support_plan"


def test_a_signed_off_conversation_does_not_block(existing, person, team, practitioner):
    existing.outcome_records.filter(outcome__code="feeling_safe").update(
        matters=True, status="achieved"
    )
    existing.outcome_records.exclude(outcome__code="feeling_safe").update(matters=False)
    recording.conversation_complete(conversation=existing, by=practitioner)

    assert start_conversation(person=person, team=team, by=practitioner, type="review").pk


def test_start_page_offers_to_continue_the_draft(client, existing, person, practitioner):
    client.force_login(practitioner)

    response = client.get(reverse("conversations:conversation-start", args=[person.pk]))

    content = response.content.decode()
    assert "already has a draft" in content
    assert reverse("conversations:conversation-record", args=[existing.pk]) in content
    assert 'name="start_anyway"' in content


def test_start_page_without_drafts_has_no_second_draft_box(client, person, practitioner):
    client.force_login(practitioner)

    content = client.get(
        reverse("conversations:conversation-start", args=[person.pk])
    ).content.decode()

    assert "already has" not in content and 'name="start_anyway"' not in content


def test_starting_again_without_the_box_creates_no_duplicate(
    client, existing, person, team, practitioner
):
    client.force_login(practitioner)

    response = client.post(
        reverse("conversations:conversation-start", args=[person.pk]), start_form(team)
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is already a draft review for this person" in content
    assert 'href="#id_start_anyway"' in content
    assert Conversation.objects.count() == 1


def test_ticking_the_box_starts_a_second_draft(client, existing, person, team, practitioner):
    client.force_login(practitioner)

    response = client.post(
        reverse("conversations:conversation-start", args=[person.pk]),
        start_form(team, start_anyway="on"),
    )

    assert response.status_code == 302
    second = Conversation.objects.exclude(pk=existing.pk).get()
    assert response.url == reverse("conversations:conversation-record", args=[second.pk])


def test_a_colleague_s_draft_in_another_team_is_not_offered(
    client, person, other_team, team, practitioner, colleague_elsewhere
):
    person.teams.add(other_team)
    elsewhere = start_conversation(
        person=person, team=other_team, by=colleague_elsewhere, type="review"
    )
    client.force_login(practitioner)

    content = client.get(
        reverse("conversations:conversation-start", args=[person.pk])
    ).content.decode()

    assert reverse("conversations:conversation-record", args=[elsewhere.pk]) not in content
    started = start_conversation(person=person, team=team, by=practitioner, type="review")
    assert started.team == team  # a draft the practitioner cannot continue does not block
