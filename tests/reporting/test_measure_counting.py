"""Known answers for each counting rule of spec §5, computed by the database."""

import datetime as dt

import pytest
from django.utils import timezone

from frameworks.periods import Period
from reporting.selectors import Scope, live_measure_counts, measure_counts
from tests.factories import PartnershipFactory, PersonFactory, TeamFactory, answered_conversation

pytestmark = pytest.mark.django_db


def counts(scope, period="2026-27", breakdown=None) -> dict:
    frame = measure_counts(scope=scope, periods=[Period.parse(period)], breakdown=breakdown)
    return {
        (row.measure_code, row.cell) if breakdown else row.measure_code: (
            row.numerator,
            row.denominator,
        )
        for row in frame.itertuples()
    }


@pytest.fixture
def scope(partnership):
    return Scope(partnership)


def person_in(team, ref):
    return PersonFactory(partnership=team.partnership, ref=ref, teams=[team])


def test_only_completed_conversations_count(team, scope):
    answered_conversation(
        person=person_in(team, "A"),
        team=team,
        date_held=dt.date(2026, 5, 1),
        answers={"NM1": "yes"},
    )
    answered_conversation(
        person=person_in(team, "B"),
        team=team,
        date_held=dt.date(2026, 5, 1),
        answers={"NM1": "yes"},
        status="draft",
    )

    assert counts(scope)["NM1"] == (1, 1)


@pytest.mark.parametrize(
    ("day", "period", "counted"),
    [
        (dt.date(2026, 3, 31), "2025-26", True),
        (dt.date(2026, 3, 31), "2026-27", False),
        (dt.date(2026, 4, 1), "2026-27", True),
        (dt.date(2026, 4, 1), "2025-26", False),
        (dt.date(2027, 3, 31), "2026-27", True),
        (dt.date(2027, 4, 1), "2026-27", False),
        (dt.date(2026, 3, 31), "2025-26 Q4", True),
        (dt.date(2026, 4, 1), "2026-27 Q1", True),
        (dt.date(2026, 6, 30), "2026-27 Q1", True),
        (dt.date(2026, 7, 1), "2026-27 Q1", False),
        (dt.date(2026, 7, 1), "2026-27 Q2", True),
    ],
)
def test_financial_year_and_quarter_boundaries(team, scope, day, period, counted):
    answered_conversation(
        person=person_in(team, "A"), team=team, date_held=day, answers={"NM1": "no"}
    )

    assert counts(scope, period).get("NM1") == ((0, 1) if counted else None)


def test_one_answer_per_subject_the_latest_in_the_period(team, scope):
    person = person_in(team, "A")
    answered_conversation(
        person=person, team=team, date_held=dt.date(2026, 5, 1), answers={"NM1": "no"}
    )
    answered_conversation(
        person=person, team=team, date_held=dt.date(2026, 9, 1), answers={"NM1": "yes"}
    )

    assert counts(scope)["NM1"] == (1, 1)


def test_a_later_conversation_that_skips_the_question_does_not_hide_the_earlier_answer(team, scope):
    person = person_in(team, "A")
    answered_conversation(
        person=person, team=team, date_held=dt.date(2026, 5, 1), answers={"NM1": "yes", "NM3": "no"}
    )
    answered_conversation(
        person=person,
        team=team,
        date_held=dt.date(2026, 9, 1),
        answers={"NM1": "not_answered", "NM3": "yes"},
    )

    result = counts(scope)
    assert result["NM1"] == (1, 1)
    assert result["NM3"] == (1, 1)


def test_same_day_ties_go_to_the_latest_sign_off(team, scope):
    person = person_in(team, "A")
    day = dt.date(2026, 5, 1)
    late = timezone.make_aware(dt.datetime(2026, 5, 2, 9, 0))
    early = timezone.make_aware(dt.datetime(2026, 5, 1, 16, 0))
    answered_conversation(
        person=person, team=team, date_held=day, answers={"NM1": "partly"}, completed_at=late
    )
    answered_conversation(
        person=person, team=team, date_held=day, answers={"NM1": "yes"}, completed_at=early
    )

    assert counts(scope)["NM1"] == (0, 1)


def test_partly_and_no_count_in_the_denominator_only(team, scope):
    for ref, answer in [("A", "yes"), ("B", "partly"), ("C", "no"), ("D", "not_answered")]:
        answered_conversation(
            person=person_in(team, ref),
            team=team,
            date_held=dt.date(2026, 5, 1),
            answers={"NM2": answer},
        )

    assert counts(scope)["NM2"] == (1, 3)


def test_a_subject_who_is_both_user_and_carer_counts_once_in_each_role(team, scope):
    person = person_in(team, "A")
    answered_conversation(
        person=person, team=team, date_held=dt.date(2026, 5, 1), answers={"NM2": "yes"}, role="user"
    )
    answered_conversation(
        person=person,
        team=team,
        date_held=dt.date(2026, 6, 1),
        answers={"NM2": "no", "NM4": "yes"},
        role="carer",
    )

    result = counts(scope)
    assert result["NM2"] == (1, 2)
    assert result["NM4"] == (1, 1)


def test_answers_from_outside_the_population_do_not_count(team, scope):
    answered_conversation(
        person=person_in(team, "A"),
        team=team,
        date_held=dt.date(2026, 5, 1),
        answers={"NM1": "yes", "NM4": "yes"},
        role="user",
    )

    result = counts(scope)
    assert result["NM1"] == (1, 1)
    assert "NM4" not in result


def test_the_same_ref_in_two_partnerships_is_two_people(team, scope):
    other = TeamFactory(partnership=PartnershipFactory(code="SHE"), code="SHE-1")
    answered_conversation(
        person=person_in(team, "P-1"),
        team=team,
        date_held=dt.date(2026, 5, 1),
        answers={"NM1": "yes"},
    )
    answered_conversation(
        person=person_in(other, "P-1"),
        team=other,
        date_held=dt.date(2026, 6, 1),
        answers={"NM1": "no"},
    )

    assert counts(scope)["NM1"] == (1, 1)
    assert counts(Scope(other.partnership))["NM1"] == (0, 1)


def test_team_scope_and_team_breakdown(team, other_team, scope):
    shared = PersonFactory(partnership=team.partnership, ref="S", teams=[team, other_team])
    answered_conversation(
        person=shared, team=team, date_held=dt.date(2026, 5, 1), answers={"NM1": "yes"}
    )
    answered_conversation(
        person=shared, team=other_team, date_held=dt.date(2026, 9, 1), answers={"NM1": "no"}
    )

    assert counts(scope)["NM1"] == (0, 1)
    assert counts(Scope(team.partnership, (team,)))["NM1"] == (1, 1)
    by_team = counts(scope, breakdown="team")
    assert by_team[("NM1", team.code)] == (1, 1)
    assert by_team[("NM1", other_team.code)] == (0, 1)


def test_quarters_are_counted_separately_in_one_query(team, scope, django_assert_num_queries):
    person = person_in(team, "A")
    answered_conversation(
        person=person, team=team, date_held=dt.date(2026, 5, 1), answers={"NM1": "yes"}
    )
    answered_conversation(
        person=person, team=team, date_held=dt.date(2026, 8, 1), answers={"NM1": "no"}
    )
    quarters = [Period.parse("2026-27 Q1"), Period.parse("2026-27 Q2"), Period.parse("2026-27 Q3")]

    # Counted live (quarters that are over are otherwise read from their count summaries,
    # see tests/reporting/test_summary.py).
    with django_assert_num_queries(1):
        frame = live_measure_counts(scope=scope, periods=quarters)

    got = {(r.period, r.measure_code): (r.numerator, r.denominator) for r in frame.itertuples()}
    assert got == {("2026-27 Q1", "NM1"): (1, 1), ("2026-27 Q2", "NM1"): (0, 1)}
