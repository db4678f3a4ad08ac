"""The demo gives its practitioner a lived-in caseload: drafts that have waited a while,
reviews overdue and due, all with realistic review dates, and the same again on re-seeding."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from conversations import selectors
from conversations.demo import seed_conversations, seed_organisation
from conversations.models import Conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db) -> None:
    seed_organisation()
    seed_conversations()


def test_every_signed_off_demo_conversation_has_a_review_date(demo) -> None:
    completed = Conversation.objects.completed()

    assert completed.exists()
    assert not completed.filter(review_due__isnull=True).exists()
    assert all(c.review_due > c.date_held for c in completed.only("date_held", "review_due"))


def test_the_demo_practitioner_has_drafts_and_reviews_waiting(client, demo) -> None:
    practitioner = get_user_model().objects.get(username="practitioner")
    today = timezone.localdate()

    drafts = selectors.my_drafts(practitioner, today=today)
    overdue, due = selectors.my_reviews(practitioner, today=today)

    assert len(drafts) >= 2 and any(draft.age_days >= 3 for draft in drafts)
    assert len(overdue) >= 2 and len(due) >= 2
    client.force_login(practitioner)
    content = client.get(reverse("home")).content.decode()
    assert reverse("conversations:conversation-record", args=[drafts[0].pk]) in content


def test_re_seeding_keeps_the_same_review_dates_and_draft_ages(demo) -> None:
    before = dict(Conversation.objects.values_list("external_id", "review_due"))
    started = dict(Conversation.objects.drafts().values_list("external_id", "created_at"))

    seed_conversations()

    assert dict(Conversation.objects.values_list("external_id", "review_due")) == before
    assert dict(Conversation.objects.drafts().values_list("external_id", "created_at")) == started
