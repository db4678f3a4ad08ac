"""A closed quarter's figures on the dashboard change at once when a conversation held in it
is signed off, reopened, edited after sign-off, deleted or written in bulk: the count
summaries are never served stale (a stale period is counted live until the scheduled
``rebuild_summaries --stale`` keeps it again, and then shows the same figures)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from conversations.models import Conversation, MeasureAnswer
from conversations.services import recording
from conversations.signals import conversations_changed
from reporting.models import CountSummary
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db

PERIOD = "2025-26 Q2"  # over, whatever the day the tests run
HELD = dt.date(2025, 8, 14)


@pytest.fixture(autouse=True)
def no_suppression(settings):
    settings.SUPPRESSION_THRESHOLD = 1


@pytest.fixture
def lead_client(client, partnership_lead):
    client.force_login(partnership_lead)
    return client


def figures(client, table="measures", period=PERIOD) -> dict[str, tuple[str, str]]:
    response = client.get(reverse("reporting:dashboard-download", args=[table]), {"period": period})
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return {row["measure_code"]: (row["numerator"], row["denominator"]) for row in rows}


def page_nm1(client, period=PERIOD) -> tuple[int | None, int]:
    response = client.get(reverse("reporting:dashboard"), {"period": period})
    assert response.status_code == 200
    row = next(r for r in response.context["measures"] if r["measure_code"] == "NM1")
    numerator = None if row["numerator"] is None else int(row["numerator"])
    return numerator, int(row["denominator"])


def draft(team, answer="yes") -> Conversation:
    return answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=HELD,
        status="draft",
        answers={"NM1": answer},
        outcomes={"feeling_safe": "achieved"},
    )


def answer_data(conversation: Conversation, answer: str) -> recording.ConversationData:
    fresh = recording.with_content(Conversation.objects).get(pk=conversation.pk)
    return recording.ConversationData(
        date_held=fresh.date_held,
        interviewer=fresh.interviewer,
        with_person=fresh.with_person,
        summary=fresh.summary,
        outcomes={
            r.outcome.code: recording.OutcomeData(matters=r.matters, words=r.words, status=r.status)
            for r in fresh.outcome_records.all()
        },
        answers={**{a.measure.code: a.answer for a in fresh.measure_answers.all()}, "NM1": answer},
    )


def rebuild_stale() -> None:
    """What the scheduler runs every few minutes."""
    call_command("rebuild_summaries", "--stale", stdout=io.StringIO())


def test_signing_off_reopening_and_editing_after_sign_off_change_the_figures_at_once(
    lead_client, team, team_leader, practitioner
):
    draft(team, "yes")
    second = draft(team, "yes")
    rebuild_stale()
    assert figures(lead_client)["NM1"] == ("", "0")
    assert page_nm1(lead_client) == (None, 0)
    assert CountSummary.objects.filter(period=PERIOD, built=True).exists()

    recording.conversation_complete(conversation=second, by=practitioner)
    assert figures(lead_client)["NM1"] == ("1", "1")
    assert page_nm1(lead_client) == (1, 1)

    recording.conversation_reopen(conversation=second, by=team_leader, reason="Wrong answer")
    assert figures(lead_client)["NM1"] == ("", "0")
    assert page_nm1(lead_client) == (None, 0)

    reopened = Conversation.objects.get(pk=second.pk)
    recording.conversation_save(
        conversation=reopened,
        data=answer_data(reopened, "no"),
        by=team_leader,
        revision=reopened.revision,
    )
    recording.conversation_complete(conversation=reopened, by=team_leader)
    assert figures(lead_client)["NM1"] == ("0", "1")
    assert page_nm1(lead_client) == (0, 1)

    # What was counted live is what the scheduled rebuild keeps.
    rebuild_stale()
    assert CountSummary.objects.get(partnership=team.partnership, period=PERIOD).built
    assert figures(lead_client)["NM1"] == ("0", "1")
    assert page_nm1(lead_client) == (0, 1)


def test_a_late_sign_off_changes_the_financial_year_too(lead_client, team, practitioner):
    conversation = draft(team, "yes")
    rebuild_stale()
    assert figures(lead_client, period="2025-26")["NM1"] == ("", "0")

    recording.conversation_complete(conversation=conversation, by=practitioner)

    assert figures(lead_client, period="2025-26")["NM1"] == ("1", "1")
    rebuild_stale()
    assert figures(lead_client, period="2025-26")["NM1"] == ("1", "1")


def test_deleting_a_conversation_changes_the_figures_at_once(lead_client, team, practitioner):
    conversation = draft(team, "yes")
    recording.conversation_complete(conversation=conversation, by=practitioner)
    rebuild_stale()
    assert figures(lead_client)["NM1"] == ("1", "1")

    Conversation.objects.get(pk=conversation.pk).delete()

    assert figures(lead_client)["NM1"] == ("", "0")


def test_outcomes_at_review_change_with_sign_off(lead_client, team, practitioner):
    conversation = draft(team, "yes")

    def achieved() -> str:
        response = lead_client.get(
            reverse("reporting:dashboard-download", args=["achievement"]), {"period": PERIOD}
        )
        rows = csv.DictReader(io.StringIO(response.content.decode()))
        found = [r["achieved"] for r in rows if r["outcome_code"] == "feeling_safe"]
        return found[0] if found else ""

    rebuild_stale()
    assert achieved() in ("", "0")
    recording.conversation_complete(conversation=conversation, by=practitioner)
    assert achieved() == "1"


def test_a_bulk_write_that_sends_the_signal_changes_the_figures_at_once(lead_client, team):
    conversation = answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=HELD,
        answers={"NM1": "yes"},
    )
    rebuild_stale()
    assert figures(lead_client)["NM1"] == ("1", "1")

    with transaction.atomic():
        MeasureAnswer.objects.filter(conversation=conversation).update(answer="no")
        conversations_changed.send(
            sender=Conversation, changes=[(team.partnership_id, conversation.date_held)]
        )

    assert figures(lead_client)["NM1"] == ("0", "1")


def test_importing_into_a_closed_quarter_changes_the_figures_at_once(lead_client, team, person):
    """The JSON Lines import writes in bulk (COPY on PostgreSQL): a new conversation held in a
    closed quarter, then the same line again with another answer, each show at once."""
    from conversations.services.exchange import conversations_import
    from tests.conversations.test_exchange import user_line

    answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=HELD,
        answers={"NM1": "no"},
    )
    rebuild_stale()
    before = figures(lead_client)
    assert CountSummary.objects.filter(partnership=team.partnership, built=True).exists()
    line = user_line(
        team=team.code,
        partnership=team.partnership.code,
        date=HELD.isoformat(),
        completed_at=f"{HELD.isoformat()}T15:00:00Z",
        measures={"NM1": "yes"},
    )

    conversations_import([json.dumps(line)])
    imported = figures(lead_client)
    conversations_import([json.dumps({**line, "measures": {"NM1": "no"}})])
    updated = figures(lead_client)

    def nm1(rows):
        numerator, denominator = rows.get("NM1", ("0", "0"))
        return int(numerator or 0), int(denominator or 0)

    assert nm1(imported) == (nm1(before)[0] + 1, nm1(before)[1] + 1)
    assert nm1(updated) == (nm1(before)[0], nm1(before)[1] + 1)
