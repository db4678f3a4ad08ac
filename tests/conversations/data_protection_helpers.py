"""Conversations full of words, written through the recording services (so the audit holds
their changes too), and the national return's bytes, for the data-protection tests."""

import datetime
import hashlib

from conversations.models import Conversation
from conversations.services import recording
from conversations.services.recording import ActionData, ConversationData, GoalData, OutcomeData
from frameworks.models import BarrierCode
from frameworks.periods import Period
from reporting.returns import national_return_frame, render_csv
from tests.factories import framework_version

WORDS = "I feel safe at home when Jim is nearby"
HELPING = "My daughter Ann visits on Sundays"
BARRIER_WORDS = "The number 6 bus stopped running"
GOAL = "Walk to the shop on my own"
ACTION = "Ask the day centre in Kirkwall about Tuesdays"
SUMMARY = "More time with Ann and getting out"
ALL_WORDS = (WORDS, HELPING, BARRIER_WORDS, GOAL, ACTION, SUMMARY)


def worded_conversation(
    *,
    person,
    team,
    by,
    date_held: datetime.date = datetime.date(2026, 5, 14),
    answers: dict[str, str] | None = None,
) -> Conversation:
    """A signed-off review whose first outcome has words, helping, barriers, a goal and an
    action, with a summary and measure answers (all ``yes`` unless ``answers`` says)."""
    conversation = recording.conversation_start(
        subject=person,
        role="user",
        type="review",
        team=team,
        framework_version=framework_version("users", "2012"),
        date_held=date_held,
        by=by,
    )
    fresh = recording.with_content(Conversation.objects).get(pk=conversation.pk)
    codes = [record.outcome.code for record in fresh.outcome_records.all()]
    barrier = BarrierCode.objects.order_by("code").first()
    outcomes = {code: OutcomeData() for code in codes}
    outcomes[codes[0]] = OutcomeData(
        matters=True,
        words=WORDS,
        status="achieved",
        practitioner_status="partly_achieved",
        helping=HELPING,
        barriers=[barrier.code] if barrier else [],
        barrier_words=BARRIER_WORDS,
        actions=[ActionData(ACTION, "services", datetime.date(2026, 8, 1))],
        goals=[GoalData(GOAL, "achieved")],
    )
    given = answers or {}
    data = ConversationData(
        date_held=date_held,
        interviewer="practitioner",
        summary=SUMMARY,
        outcomes=outcomes,
        answers={
            a.measure.code: given.get(a.measure.code, "yes") for a in fresh.measure_answers.all()
        },
    )
    saved = recording.conversation_save(
        conversation=conversation, data=data, by=by, revision=fresh.revision
    )
    return recording.conversation_complete(conversation=saved, by=by)


def return_bytes(partnership, period: str = "2026-27") -> bytes:
    return render_csv(national_return_frame(partnership=partnership, period=Period.parse(period)))


def return_sha256(partnership, period: str = "2026-27") -> str:
    return hashlib.sha256(return_bytes(partnership, period)).hexdigest()
