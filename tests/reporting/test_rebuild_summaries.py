"""``manage.py rebuild_summaries``: rebuilds every kept period, says what it did, refuses an
unknown partnership."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from reporting.models import CountSummary
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db


def test_rebuilds_and_says_what_it_did(team, foreign_team):
    answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=dt.date(2025, 8, 1),
        answers={"NM1": "yes"},
    )
    out = io.StringIO()

    call_command("rebuild_summaries", stdout=out)
    call_command("rebuild_summaries", stdout=out)  # again: the same summaries

    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "ORK: 1 quarters and 1 financial years rebuilt, 0 summaries of periods without "
        "conversations removed"
    )
    assert lines[1].startswith("SHE: 0 quarters and 0 financial years rebuilt")
    assert lines[2].startswith("Rebuilt 2 partnerships in ")
    kept = set(CountSummary.objects.values_list("period", "built"))
    assert kept == {("2025-26 Q2", True), ("2025-26", True)}


def test_one_partnership(team, foreign_team):
    out = io.StringIO()

    call_command("rebuild_summaries", "--partnership", "SHE", stdout=out)

    assert out.getvalue().startswith("SHE: ")
    assert "ORK" not in out.getvalue()


def test_an_unknown_partnership_is_refused(partnership):
    with pytest.raises(CommandError, match="No partnership with code 'NOPE'"):
        call_command("rebuild_summaries", "--partnership", "NOPE", stdout=io.StringIO())


def test_stale_rebuilds_only_what_a_change_marked(team):
    conversation = answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=dt.date(2025, 8, 1),
        answers={"NM1": "yes"},
    )
    answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=dt.date(2025, 5, 1),
        answers={"NM1": "yes"},
    )
    call_command("rebuild_summaries", stdout=io.StringIO())
    answer = conversation.measure_answers.get()
    answer.answer = "no"
    answer.save()  # marks 2025-26 Q2 and 2025-26 stale; Q1 stays built
    assert set(CountSummary.objects.filter(built=False).values_list("period", flat=True)) == {
        "2025-26 Q2",
        "2025-26",
    }
    out = io.StringIO()

    call_command("rebuild_summaries", "--stale", stdout=out)

    assert out.getvalue().startswith("ORK: 1 quarters and 1 financial years rebuilt")
    assert not CountSummary.objects.filter(built=False).exists()
    q2 = CountSummary.objects.get(period="2025-26 Q2")
    row = q2.measure_counts.get(team=None, breakdown="", measure__code="NM1")
    assert (row.numerator, row.denominator) == (0, 1)
