"""Conversations in given states for the caseload tests, made through the services."""

import datetime

from django.utils import timezone

from conversations.models import Conversation
from conversations.services import recording
from tests.factories import start_conversation


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def signed_off(
    *,
    person,
    team,
    by,
    date_held: datetime.date,
    type: str = "assessment",
    review_due: datetime.date | None = None,
) -> Conversation:
    """A conversation started, filled in just enough, and signed off with ``review_due``."""
    conversation = start_conversation(
        person=person, team=team, by=by, type=type, date_held=date_held
    )
    conversation.outcome_records.update(matters=False)
    conversation.outcome_records.filter(outcome__code="feeling_safe").update(
        matters=True, words="I feel safe at home", status="achieved"
    )
    return recording.conversation_complete(conversation=conversation, by=by, review_due=review_due)


def draft(*, person, team, by, type: str = "review", started_days_ago: int = 0) -> Conversation:
    conversation = start_conversation(
        person=person, team=team, by=by, type=type, date_held=timezone.localdate()
    )
    if started_days_ago:
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=started_days_ago)
        )
    return conversation
