from datetime import date

import pytest
from django.urls import reverse

from conversations.models import Goal
from tests.factories import answered_conversation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["partnership", "team", "membership", "target", "person"])
def test_admin_pages_load(admin_client, person, practitioner, model):
    assert admin_client.get(reverse(f"admin:conversations_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:conversations_{model}_add")).status_code == 200


def test_person_admin_search_and_change(admin_client, person):
    response = admin_client.get(reverse("admin:conversations_person_changelist"), {"q": "Morag"})
    assert person in response.context["cl"].result_list
    change = reverse("admin:conversations_person_change", args=[person.pk])
    assert admin_client.get(change).status_code == 200


def test_user_admin_shows_memberships(admin_client, practitioner):
    response = admin_client.get(reverse("admin:auth_user_change", args=[practitioner.pk]))
    assert response.status_code == 200
    assert b"memberships-TOTAL_FORMS" in response.content


@pytest.fixture
def signed_off_with_goals(person, team):
    """A signed-off review with a next review date and two goals under one outcome."""
    conversation = answered_conversation(
        person=person,
        team=team,
        date_held=date(2026, 5, 14),
        answers={"NM1": "yes"},
        outcomes={"feeling_safe": "partly_achieved"},
    )
    conversation.review_due = date(2026, 11, 14)
    conversation.save(update_fields=["review_due"])
    record = conversation.outcome_records.get(outcome__code="feeling_safe")
    Goal.objects.create(record=record, words="Lock the back door myself", order=0)
    Goal.objects.create(
        record=record, words="Answer the door with the chain on", status="achieved", order=1
    )
    return conversation


def test_conversation_list_and_detail_show_the_next_review_date(
    admin_client, signed_off_with_goals
):
    listing = admin_client.get(reverse("admin:conversations_conversation_changelist"))
    detail = admin_client.get(
        reverse("admin:conversations_conversation_change", args=[signed_off_with_goals.pk])
    )

    assert "review_due" in listing.context["cl"].list_display
    assert "Next review by" in listing.content.decode()
    assert "14 Nov 2026" in listing.content.decode()
    assert "Next review by" in detail.content.decode()
    assert "14 Nov 2026" in detail.content.decode()


def test_conversation_detail_lists_each_goal_under_its_outcome(
    admin_client, signed_off_with_goals, django_assert_max_num_queries
):
    url = reverse("admin:conversations_conversation_change", args=[signed_off_with_goals.pk])
    with django_assert_max_num_queries(30):
        page = admin_client.get(url).content.decode()

    assert "<li>Lock the back door myself (no status yet)</li>" in page
    assert "<li>Answer the door with the chain on (Achieved)</li>" in page
    record = signed_off_with_goals.outcome_records.get(outcome__code="feeling_safe")
    assert reverse("admin:conversations_outcomerecord_change", args=[record.pk]) in page


def test_outcome_record_page_shows_its_goals_inline_read_only(admin_client, signed_off_with_goals):
    record = signed_off_with_goals.outcome_records.get(outcome__code="feeling_safe")
    url = reverse("admin:conversations_outcomerecord_change", args=[record.pk])

    page = admin_client.get(url)
    change = admin_client.post(url, {"words": "changed"})
    delete = admin_client.post(
        reverse("admin:conversations_outcomerecord_delete", args=[record.pk]), {"post": "yes"}
    )

    listing = admin_client.get(
        reverse("admin:conversations_outcomerecord_changelist"),
        {"q": signed_off_with_goals.external_id},
    )
    assert record in listing.context["cl"].result_list
    assert page.status_code == 200
    text = page.content.decode()
    assert "Lock the back door myself" in text and "Answer the door with the chain on" in text
    assert "goals-TOTAL_FORMS" in text
    assert 'name="goals-0-words"' not in text  # shown, not editable
    assert change.status_code == 403 and delete.status_code == 403
    assert admin_client.get(reverse("admin:conversations_outcomerecord_add")).status_code == 403
    record.refresh_from_db()
    assert record.words != "changed"
    assert record.goals.count() == 2
