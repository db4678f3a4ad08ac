"""Count summaries (``reporting.summary``): always equal to live counting, for every measure,
scope, period and breakdown, and for outcomes at review and barriers; marked stale by the
writes that change them; a stale period counted live until ``summaries_rebuild`` (the
scheduled ``rebuild_summaries --stale``) rebuilds it out of any request."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.models import Conversation, MeasureAnswer, OutcomeRecord
from conversations.signals import conversations_changed
from frameworks.models import BarrierCode, Measure
from frameworks.periods import Period
from reporting import selectors, summary
from reporting.models import BarrierCount, CountSummary, MeasureCount, OutcomeCount
from reporting.selectors import Scope
from tests.factories import PersonFactory, answered_conversation, client_group

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)  # 2026-27 Q3 is under way; 2026-27 Q2 and 2025-26 are over
CLOSED_QUARTER = Period(2025, 2)
DAYS = [
    dt.date(2025, 4, 1),
    dt.date(2025, 6, 30),
    dt.date(2025, 7, 1),
    dt.date(2025, 8, 15),
    dt.date(2025, 9, 30),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 3, 31),
    dt.date(2026, 4, 1),
    dt.date(2026, 9, 30),
    dt.date(2026, 10, 1),
    dt.date(2026, 11, 20),
]
QUARTERS = [Period(2025, q) for q in (1, 2, 3, 4)] + [Period(2026, q) for q in (1, 2, 3)]
PERIODS = [*QUARTERS, Period(2025), Period(2026)]
BREAKDOWNS = [None, "team", "client_group", "interviewer", "type", "answered_by"]
OUTCOMES = {"user": ["feeling_safe", "seeing_people"], "carer": ["life_of_their_own"]}
ANSWER = st.sampled_from(["yes", "partly", "no", "not_answered"])


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def sorted_frame(frame: pd.DataFrame, keys: list[str]) -> list[tuple]:
    return sorted(tuple(row) for row in frame[keys].itertuples(index=False))


def assert_equal_to_live(scopes: list[Scope]) -> None:
    """Every figure the summaries answer, compared with live counting."""
    measures = list(Measure.objects.values("pk", "code", "population"))
    columns = ["measure_code", "period", "cell", "numerator", "denominator"]
    for scope in scopes:
        for breakdown in BREAKDOWNS:
            for given_measures in (None, measures) if breakdown is None else (measures,):
                kept = selectors.measure_counts(
                    scope=scope, periods=QUARTERS, breakdown=breakdown, measures=given_measures
                )
                live = selectors.live_measure_counts(
                    scope=scope, periods=QUARTERS, breakdown=breakdown, measures=given_measures
                )
                assert sorted_frame(kept, columns) == sorted_frame(live, columns)
            for period in PERIODS:
                kept = selectors.measure_counts(scope=scope, periods=[period], breakdown=breakdown)
                live = selectors.live_measure_counts(
                    scope=scope, periods=[period], breakdown=breakdown
                )
                assert sorted_frame(kept, columns) == sorted_frame(live, columns), (
                    scope.label,
                    period,
                    breakdown,
                )
        for period in PERIODS:
            days = {"first_day": period.first_day, "last_day": period.last_day}
            for kept_of, live_of, keys in (
                (
                    selectors.outcome_achievement,
                    selectors.live_outcome_achievement,
                    ["outcome_id", "status", "count"],
                ),
                (
                    selectors.barrier_counts,
                    selectors.live_barrier_counts,
                    ["outcome_id", "barrier", "count"],
                ),
                (
                    selectors.barrier_records,
                    selectors.live_barrier_records,
                    ["outcome_id", "count"],
                ),
            ):
                assert sorted_frame(kept_of(scope=scope, **days), keys) == sorted_frame(
                    live_of(scope=scope, **days), keys
                ), (scope.label, period, kept_of.__name__)
            codes = ["feeling_safe", "seeing_people", "having_a_say", "life_of_their_own"]
            rates = selectors.outcome_achieved_rate(scope=scope, period=period, outcome_codes=codes)
            live = selectors._achieved_rates(
                selectors.outcome_families(codes),
                selectors.live_outcome_achievement(scope=scope, **days),
            )
            assert rates.to_dict("records") == live.to_dict("records")


conversation_specs = st.lists(
    st.fixed_dictionaries(
        {
            "team": st.integers(0, 2),
            "person": st.integers(0, 5),
            "role": st.sampled_from(["user", "carer"]),
            "type": st.sampled_from(["assessment", "review"]),
            "interviewer": st.sampled_from(["practitioner", "independent"]),
            "answered_by": st.sampled_from(["", "person", "someone_else"]),
            "day": st.sampled_from(DAYS),
            "hour": st.integers(8, 9),
            "status": st.sampled_from(["completed", "completed", "draft"]),
            "answers": st.dictionaries(st.sampled_from(["NM1", "NM2", "NM3", "NM4"]), ANSWER),
            "outcome": st.sampled_from(["achieved", "partly_achieved", "not_achieved", ""]),
            "barriers": st.lists(st.sampled_from(["transport", "staffing"]), unique=True),
        }
    ),
    min_size=1,
    max_size=10,
)
changes = st.lists(
    st.tuples(
        st.sampled_from(["reopen", "answer", "delete", "move", "group", "who"]), st.integers(0, 9)
    ),
    max_size=3,
)


def make_conversations(specs, teams, people) -> list[Conversation]:
    made = []
    for spec in specs:
        team = teams[spec["team"]]
        role = spec["role"]
        conversation = answered_conversation(
            person=people[spec["team"] == 2][spec["person"]],
            team=team,
            role=role,
            type=spec["type"],
            interviewer=spec["interviewer"],
            answered_by=spec["answered_by"],
            date_held=spec["day"],
            status=spec["status"],
            completed_at=dt.datetime.combine(spec["day"], dt.time(spec["hour"]), tzinfo=dt.UTC)
            if spec["status"] == "completed"
            else None,
            answers=spec["answers"],
            outcomes={code: spec["outcome"] for code in OUTCOMES[role]},
        )
        for record in conversation.outcome_records.all():
            record.barriers.add(*BarrierCode.objects.filter(code__in=spec["barriers"]))
        made.append(conversation)
    return made


def apply(change: str, conversation: Conversation, groups) -> None:
    if change == "reopen":
        conversation.status = "draft" if conversation.status == "completed" else "completed"
        conversation.completed_at = conversation.completed_at or dt.datetime(
            2026, 1, 1, tzinfo=dt.UTC
        )
        conversation.save()
    elif change == "answer":
        for answer in conversation.measure_answers.all():
            answer.answer = "no" if answer.answer == "yes" else "yes"
            answer.save()
        for record in conversation.outcome_records.all():
            record.status = "achieved" if record.status != "achieved" else "not_achieved"
            record.save()
            record.barriers.clear()
    elif change == "delete":
        conversation.delete()
    elif change == "who":
        conversation.answered_by = "person" if conversation.answered_by else "someone_else"
        conversation.save()
    elif change == "move":
        conversation.date_held = (
            dt.date(2025, 5, 5) if conversation.date_held.month != 5 else dt.date(2026, 2, 2)
        )
        conversation.save()
    else:
        person = conversation.subject
        person.client_group = groups[1] if person.client_group_id == groups[0].pk else groups[0]
        person.save()


# Each example builds up to ten conversations and compares every scope, period and breakdown
# in up to three states (kept, stale, rebuilt: hundreds of counts), about fifteen seconds a
# time: six keep `make test` within its budget; set SUMMARY_EXAMPLES for a longer search
# (e.g. 200 before changing reporting.summary).
@settings(
    max_examples=int(os.environ.get("SUMMARY_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=conversation_specs, later=changes)
def test_the_summaries_equal_live_counting(
    specs, later, partnership, team, other_team, foreign_team
):
    with transaction.atomic():
        groups = [client_group("older_people"), client_group("mental_health")]
        people = {
            home: [
                PersonFactory(partnership=owner, client_group=groups[index % 2])
                for index in range(6)
            ]
            for home, owner in ((False, partnership), (True, foreign_team.partnership))
        }
        made = make_conversations(specs, [team, other_team, foreign_team], people)
        scopes = [
            Scope(partnership),
            Scope(partnership, (team,)),
            Scope(partnership, (other_team,)),
            Scope(partnership, (team, other_team)),
            Scope(foreign_team.partnership),
        ]

        # Every period over that holds a conversation is kept, and read as kept.
        summary.summaries_rebuild()
        assert_all_built()
        assert_equal_to_live(scopes)

        for change, index in later:
            conversation = made[index % len(made)]
            if not Conversation.objects.filter(pk=conversation.pk).exists():
                continue
            apply(change, conversation, groups)
        if later:
            # Periods the changes marked stale are counted live, the others read as kept.
            assert_equal_to_live(scopes)
            # Then the scheduled rebuild of what is stale, and they are read as kept again.
            summary.summaries_rebuild(stale_only=True)
            assert_all_built()
            assert_equal_to_live(scopes)
        transaction.set_rollback(True)


def assert_all_built() -> None:
    """Every period that is over and holds a conversation has a built summary."""
    for partnership_id, day in Conversation.objects.values_list("partnership_id", "date_held"):
        for period in summary.periods_of(day):
            if period.is_over(TODAY):
                assert CountSummary.objects.filter(
                    partnership_id=partnership_id, period=str(period), built=True
                ).exists(), period


# --- what is kept, and when it is read ------------------------------------------------------


def nm1(scope, period=CLOSED_QUARTER, breakdown=None):
    frame = selectors.measure_counts(scope=scope, periods=[period], breakdown=breakdown)
    rows = frame[frame["measure_code"] == "NM1"]
    return [(r.cell, r.numerator, r.denominator) for r in rows.itertuples()]


def answered(team, day=dt.date(2025, 8, 1), answer="yes", **extra):
    person = PersonFactory(partnership=team.partnership, teams=[team])
    return answered_conversation(
        person=person, team=team, date_held=day, answers={"NM1": answer}, **extra
    )


def test_a_period_that_is_over_is_read_from_its_summary(partnership, team):
    answered(team)
    scope = Scope(partnership)
    # Until a rebuild keeps it, the period is counted live, and reading keeps nothing.
    assert nm1(scope) == [("", 1, 1)]
    assert not CountSummary.objects.filter(built=True).exists()
    summary.summaries_rebuild()

    assert nm1(scope) == [("", 1, 1)]
    kept = CountSummary.objects.get(partnership=partnership, period=str(CLOSED_QUARTER))
    assert kept.built
    row = MeasureCount.objects.get(summary=kept, team=None, breakdown="", measure__code="NM1")
    # What is read is what is kept: change the kept row and the figure follows.
    MeasureCount.objects.filter(pk=row.pk).update(numerator=0)
    assert nm1(scope) == [("", 0, 1)]


def test_a_period_under_way_is_counted_live_and_never_kept(partnership, team):
    answered(team, day=dt.date(2026, 11, 1))

    assert nm1(Scope(partnership), period=Period(2026, 3)) == [("", 1, 1)]
    assert nm1(Scope(partnership), period=Period(2026)) == [("", 1, 1)]
    assert not CountSummary.objects.exists()


def test_several_teams_are_counted_live(partnership, team, other_team):
    person = PersonFactory(partnership=partnership, teams=[team, other_team])
    for where in (team, other_team):
        answered_conversation(
            person=person, team=where, date_held=dt.date(2025, 8, 1), answers={"NM1": "yes"}
        )

    # One person counts once across the two teams: not the sum of the teams' figures.
    assert nm1(Scope(partnership, (team, other_team))) == [("", 1, 1)]
    assert nm1(Scope(partnership, (team,))) == [("", 1, 1)]
    assert nm1(Scope(partnership, (other_team,))) == [("", 1, 1)]
    assert nm1(Scope(partnership)) == [("", 1, 1)]


def test_a_write_marks_the_summaries_of_its_quarter_and_year_stale(partnership, team):
    conversation = answered(team, day=dt.date(2026, 2, 1))
    answered(team)  # in CLOSED_QUARTER
    summary.summaries_rebuild()
    assert CountSummary.objects.filter(built=True).count() == 3

    answer = conversation.measure_answers.get()
    answer.answer = "no"
    answer.save()

    stale = set(CountSummary.objects.filter(built=False).values_list("period", flat=True))
    assert stale == {"2025-26 Q4", "2025-26"}
    assert nm1(Scope(partnership), period=Period(2025, 4)) == [("", 0, 1)]
    assert nm1(Scope(partnership), period=Period(2025)) == [("", 1, 2)]  # and CLOSED_QUARTER's


def test_moving_a_conversation_changes_both_periods(partnership, team):
    conversation = answered(team, day=dt.date(2025, 8, 1))
    summary.summaries_rebuild()
    assert nm1(Scope(partnership)) == [("", 1, 1)]
    assert nm1(Scope(partnership), period=Period(2025, 3)) == []

    conversation.date_held = dt.date(2025, 11, 1)
    conversation.save()

    assert nm1(Scope(partnership)) == []
    assert nm1(Scope(partnership), period=Period(2025, 3)) == [("", 1, 1)]


def test_a_write_to_a_period_under_way_keeps_nothing(partnership, team):
    answered(team, day=dt.date(2026, 11, 1))

    assert not CountSummary.objects.exists()


def test_a_period_ending_today_is_marked_too(monkeypatch, partnership, team):
    # A reader after midnight may take the period as over before this write commits.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2025, 9, 30))
    answered(team, day=dt.date(2025, 9, 30))

    assert list(CountSummary.objects.values_list("period", "built")) == [("2025-26 Q2", False)]


def test_a_bulk_write_is_heard_through_the_signal(partnership, team):
    conversation = answered(team)
    summary.summaries_rebuild()
    assert nm1(Scope(partnership)) == [("", 1, 1)]

    with transaction.atomic():
        MeasureAnswer.objects.filter(conversation=conversation).update(answer="no")
        conversations_changed.send(
            sender=Conversation, changes=[(partnership.pk, conversation.date_held)]
        )

    assert nm1(Scope(partnership)) == [("", 0, 1)]


def test_a_changed_client_group_moves_the_cell(partnership, team):
    conversation = answered(team)
    summary.summaries_rebuild()
    before = conversation.subject.client_group.code
    assert nm1(Scope(partnership), breakdown="client_group") == [(before, 1, 1)]

    person = conversation.subject
    person.client_group = client_group("mental_health")
    person.save()

    assert nm1(Scope(partnership), breakdown="client_group") == [("mental_health", 1, 1)]


def test_a_renamed_team_is_shown_by_its_new_code(partnership, team):
    answered(team)
    summary.summaries_rebuild()
    assert nm1(Scope(partnership), breakdown="team") == [("ORK-E", 1, 1)]

    team.code = "ORK-EAST"
    team.save()

    assert nm1(Scope(partnership), breakdown="team") == [("ORK-EAST", 1, 1)]
    assert nm1(Scope(partnership, (team,)), breakdown="team") == [("ORK-EAST", 1, 1)]


def test_a_changed_population_marks_everything_stale(partnership, team):
    answered(team)
    summary.summaries_rebuild()
    assert nm1(Scope(partnership)) == [("", 1, 1)]

    measure = Measure.objects.get(code="NM1")
    measure.population = "carers"
    measure.save()

    assert not CountSummary.objects.filter(built=True).exists()
    assert nm1(Scope(partnership)) == []


def test_barriers_added_and_removed_change_the_counts(partnership, team):
    conversation = answered(team, outcomes={"feeling_safe": "achieved"})
    summary.summaries_rebuild()
    record = conversation.outcome_records.get()
    days = {"first_day": CLOSED_QUARTER.first_day, "last_day": CLOSED_QUARTER.last_day}
    assert selectors.barrier_counts(scope=Scope(partnership), **days).empty

    transport = BarrierCode.objects.get(code="transport")
    record.barriers.add(transport)
    counts = selectors.barrier_counts(scope=Scope(partnership), **days)
    assert counts.to_dict("records") == [
        {"outcome_id": record.outcome_id, "barrier": "transport", "count": 1}
    ]

    transport.outcome_records.remove(record)
    assert selectors.barrier_counts(scope=Scope(partnership), **days).empty
    assert selectors.barrier_records(scope=Scope(partnership), **days).empty


def test_deleting_an_outcome_record_changes_the_counts(partnership, team):
    conversation = answered(team, outcomes={"feeling_safe": "achieved"})
    summary.summaries_rebuild()
    days = {"first_day": CLOSED_QUARTER.first_day, "last_day": CLOSED_QUARTER.last_day}
    assert len(selectors.outcome_achievement(scope=Scope(partnership), **days)) == 1

    OutcomeRecord.objects.get(conversation=conversation).delete()

    assert selectors.outcome_achievement(scope=Scope(partnership), **days).empty


def test_a_stale_period_is_counted_live_until_the_scheduled_rebuild(
    partnership, team, django_assert_num_queries
):
    conversation = answered(team, outcomes={"feeling_safe": "achieved"})
    summary.summaries_rebuild()
    answer = conversation.measure_answers.get()
    answer.answer = "no"
    answer.save()
    days = {"first_day": CLOSED_QUARTER.first_day, "last_day": CLOSED_QUARTER.last_day}

    # The late change shows at once, counted live for what is asked only: the read rebuilds
    # nothing, writes nothing, and so waits for no lock.
    with CaptureQueriesContext(connection) as captured:
        assert nm1(Scope(partnership)) == [("", 0, 1)]
        assert nm1(Scope(partnership, (team,)), breakdown="type") == [("review", 0, 1)]
        assert len(selectors.outcome_achievement(scope=Scope(partnership), **days)) == 1
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in captured), captured
    stale = {"2025-26 Q2", "2025-26"}
    assert set(CountSummary.objects.filter(built=False).values_list("period", flat=True)) == stale

    summary.summaries_rebuild(stale_only=True)

    assert not CountSummary.objects.filter(built=False).exists()
    # Read from the rebuilt summary again: one query, no live count.
    with django_assert_num_queries(1):
        assert nm1(Scope(partnership)) == [("", 0, 1)]
    with django_assert_num_queries(1):
        assert len(selectors.outcome_achievement(scope=Scope(partnership), **days)) == 1


def test_a_stale_quarter_and_the_one_under_way_are_counted_in_one_query(
    partnership, team, django_assert_num_queries
):
    for quarter in QUARTERS:
        answered(team, day=quarter.first_day)
    summary.summaries_rebuild()
    answered(team, day=QUARTERS[1].first_day, answer="no")  # 2025-26 Q2 is stale

    with django_assert_num_queries(2):  # the kept quarters, then one live count
        frame = selectors.measure_counts(scope=Scope(partnership), periods=QUARTERS)

    rows = frame[frame["measure_code"] == "NM1"]
    found = sorted((r.period, r.numerator, r.denominator) for r in rows.itertuples())
    expected = [(str(q), 1, 2 if q == QUARTERS[1] else 1) for q in QUARTERS]
    assert found == sorted(expected)


def test_a_stale_year_sums_its_kept_quarters_and_counts_the_stale_one_live(
    partnership, team, django_assert_num_queries
):
    for day in (dt.date(2025, 5, 1), dt.date(2025, 8, 1), dt.date(2026, 2, 1)):
        answered(team, day=day, outcomes={"feeling_safe": "achieved"})
    summary.summaries_rebuild()
    late = answered(team, day=dt.date(2025, 8, 2), outcomes={"feeling_safe": "not_achieved"})
    late.outcome_records.get().barriers.add(BarrierCode.objects.get(code="transport"))
    year = {"first_day": Period(2025).first_day, "last_day": Period(2025).last_day}
    assert not CountSummary.objects.get(period="2025-26").built

    # One read of the kept year and quarters, one live count of the stale quarter.
    with django_assert_num_queries(2):
        counts = selectors.outcome_achievement(scope=Scope(partnership), **year)
    live = selectors.live_outcome_achievement(scope=Scope(partnership), **year)
    keys = ["outcome_id", "status", "count"]
    assert sorted_frame(counts, keys) == sorted_frame(live, keys)
    assert sorted(counts["count"]) == [1, 3]
    with django_assert_num_queries(2):
        barriers = selectors.barrier_records(scope=Scope(partnership), **year)
    assert barriers["count"].tolist() == [1]


def test_reading_built_summaries_costs_one_query_per_figure(
    partnership, team, django_assert_num_queries
):
    for quarter in QUARTERS[:4]:
        answered(team, day=quarter.first_day, outcomes={"feeling_safe": "achieved"})
    summary.summaries_rebuild()
    days = {"first_day": CLOSED_QUARTER.first_day, "last_day": CLOSED_QUARTER.last_day}

    with django_assert_num_queries(1):
        selectors.measure_counts(scope=Scope(partnership), periods=QUARTERS[:4])
    with django_assert_num_queries(1):
        selectors.outcome_achievement(scope=Scope(partnership), **days)
    with django_assert_num_queries(1):
        selectors.barrier_counts(scope=Scope(partnership), **days)
    # Quarters over and kept, and quarters without a summary (nothing held in 2026-27 Q1 and
    # Q2) or under way: the summaries, and one live count.
    with django_assert_num_queries(2):
        selectors.measure_counts(scope=Scope(partnership), periods=QUARTERS)


# --- rebuilding everything ------------------------------------------------------------------


def kept_rows() -> list[tuple]:
    return sorted(
        [
            *MeasureCount.objects.values_list(
                "summary__period",
                "team_id",
                "breakdown",
                "cell",
                "client_group_id",
                "measure_id",
                "numerator",
                "denominator",
            ),
            *OutcomeCount.objects.values_list(
                "summary__period", "team_id", "outcome_id", "status", "count"
            ),
            *BarrierCount.objects.values_list(
                "summary__period", "team_id", "outcome_id", "barrier_id", "count"
            ),
        ],
        key=repr,
    )


def test_rebuild_keeps_every_period_over_that_holds_conversations(partnership, team, foreign_team):
    answered(team, outcomes={"feeling_safe": "achieved"})
    answered(team, day=dt.date(2026, 5, 1))
    answered(team, day=dt.date(2026, 11, 1))  # under way: not kept
    answered(foreign_team, day=dt.date(2024, 6, 1))
    CountSummary.objects.create(partnership=partnership, period="2019-20 Q1", built=True)

    done = summary.summaries_rebuild()

    assert [(r.partnership, r.quarters, r.years, r.removed) for r in done] == [
        ("ORK", 2, 1, 1),
        ("SHE", 1, 1, 0),
    ]
    kept = set(CountSummary.objects.values_list("partnership__code", "period", "built"))
    assert kept == {
        ("ORK", "2025-26 Q2", True),
        ("ORK", "2026-27 Q1", True),
        ("ORK", "2025-26", True),
        ("SHE", "2024-25 Q1", True),
        ("SHE", "2024-25", True),
    }
    first = kept_rows()
    assert first

    summary.summaries_rebuild()

    assert kept_rows() == first
