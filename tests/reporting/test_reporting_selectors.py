"""The dashboard's database questions and the pure helpers that shape their rows."""

import datetime as dt

import pandas as pd
import pytest

from reporting.measures import (
    map_to_current,
    pivot_counts,
    resolve_equivalents,
    suppress_counts_with_totals,
    suppress_rows,
)
from reporting.selectors import (
    Scope,
    barrier_counts,
    outcome_achievement,
    outcome_mapping,
    people_without_review,
)
from tests.factories import PersonFactory, answered_conversation, framework_version

# --- pure helpers (no database) ---------------------------------------------------------------

OUTCOMES = pd.DataFrame(
    [
        # outcome_id, framework, role, code, label, order, superseded
        (1, "users", "user", "choice", "Choice", 9, True),
        (2, "users", "user", "skills", "Confidence and skills", 13, True),
        (3, "users", "user", "dropped", "Dropped", 15, True),
        (10, "users", "user", "having_a_say", "Having a say", 8, False),
        (11, "users", "user", "morale", "Confidence and morale", 12, False),
        (12, "users", "user", "new_skills", "Skills", 13, False),
    ],
    columns=["outcome_id", "framework", "role", "code", "label", "order", "superseded"],
)
EDGES = pd.DataFrame([(1, 10), (2, 11), (2, 12)], columns=["earlier_id", "later_id"])


def test_older_outcomes_map_to_each_current_equivalent():
    mapping = resolve_equivalents(OUTCOMES, EDGES)
    targets = mapping.groupby("outcome_id")["code"].apply(sorted).to_dict()

    assert targets[1] == ["having_a_say"]
    assert targets[2] == ["morale", "new_skills"]
    assert targets[3] == ["dropped"]
    assert not mapping.loc[mapping["outcome_id"] == 3, "current"].item()
    assert targets[10] == ["having_a_say"]


def test_chains_are_followed_and_loops_end():
    outcomes = pd.DataFrame(
        [
            (1, "users", "user", "a", "A", 1, True),
            (2, "users", "user", "b", "B", 1, True),
            (3, "users", "user", "c", "C", 1, False),
        ],
        columns=OUTCOMES.columns,
    )
    edges = pd.DataFrame([(1, 2), (2, 3), (3, 1)], columns=["earlier_id", "later_id"])

    mapping = resolve_equivalents(outcomes, edges)

    assert mapping.loc[mapping["outcome_id"] == 1, "code"].tolist() == ["c"]


def test_counts_are_mapped_then_pivoted():
    counts = pd.DataFrame(
        [(1, "not_achieved", 2), (10, "not_achieved", 1), (10, "achieved", 4)],
        columns=["outcome_id", "status", "count"],
    )
    mapped = map_to_current(counts, resolve_equivalents(OUTCOMES, EDGES), by=["status"])

    table = pivot_counts(
        mapped, column="status", values=["achieved", "partly_achieved", "not_achieved"]
    )

    row = table.iloc[0]
    assert (row["code"], row["achieved"], row["partly_achieved"], row["not_achieved"]) == (
        "having_a_say",
        4,
        0,
        3,
    )
    assert row["total"] == 7


def test_rows_below_the_threshold_show_only_their_total():
    frame = pd.DataFrame({"role": ["user"] * 3, "a": [4, 1, 0], "b": [3, 2, 0], "total": [7, 3, 0]})

    result = suppress_rows(frame, threshold=5, count_columns=["a", "b"])

    assert result["suppressed"].tolist() == [False, True, True]
    assert result.loc[1, "a"] is None and result.loc[1, "total"] == 3


def test_a_count_pinned_by_a_column_total_shown_hides_the_next_smallest_too():
    frame = pd.DataFrame({"role": ["user"] * 3, "a": [10, 6, 1], "total": [10, 6, 3]})

    result = suppress_counts_with_totals(
        frame, threshold=5, count_columns=["a"], column_totals={"a": 17}, denominator="total"
    )

    # The small row shows only its total; the next smallest row's count is hidden too, since
    # 17 - 10 would otherwise give the small row's 1 away.
    assert result["suppressed"].tolist() == [False, False, True]
    assert result["a"].tolist() == [10, None, None]


# --- database ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_shipped_equivalences_map_2007_and_2008_to_the_newest():
    mapping = outcome_mapping()
    by_code = mapping.groupby(["framework", "outcome_id"])["code"].apply(sorted)

    users_2007 = {
        codes[0] if len(codes) == 1 else tuple(codes) for codes in by_code["users"].tolist()
    }
    assert "choice" not in users_2007 and "having_a_say" in users_2007
    assert ("improved_confidence_and_morale", "improved_skills") in users_2007
    dropped = mapping[mapping["code"] == "freedom_from_financial_hardship"]
    assert len(dropped) == 1 and not dropped["current"].item()


@pytest.mark.django_db
def test_achievement_and_barriers_are_counted_in_scope(team, other_team, partnership):
    day = dt.date(2026, 5, 1)
    for chosen in (team, other_team):
        answered_conversation(
            person=PersonFactory(partnership=partnership, teams=[chosen]),
            team=chosen,
            date_held=day,
            answers={},
            outcomes={"feeling_safe": "achieved", "seeing_people": "not_applicable"},
        )

    east = outcome_achievement(scope=Scope(partnership, (team,)), first_day=day, last_day=day)
    whole = outcome_achievement(scope=Scope(partnership), first_day=day, last_day=day)

    assert east["count"].tolist() == [1] and east["status"].tolist() == ["achieved"]
    assert whole["count"].tolist() == [2]
    assert barrier_counts(scope=Scope(partnership), first_day=day, last_day=day).empty


@pytest.mark.django_db
def test_people_without_review_and_their_last_review(team, other_team, partnership):
    today = dt.date(2026, 11, 22)
    old = PersonFactory(partnership=partnership, teams=[team, other_team], ref="OLD")
    answered_conversation(person=old, team=other_team, date_held=dt.date(2025, 1, 5), answers={})
    answered_conversation(
        person=old, team=team, date_held=dt.date(2026, 12, 1), answers={}
    )  # after "until": neither recent nor last
    recent = PersonFactory(partnership=partnership, teams=[team], ref="RECENT")
    answered_conversation(person=recent, team=team, date_held=dt.date(2025, 11, 22), answers={})

    people = people_without_review(
        scope=Scope(partnership, (team,)), since=dt.date(2025, 11, 22), until=today
    )

    assert [(p.ref, p.last_review) for p in people] == [("OLD", dt.date(2025, 1, 5))]


@pytest.mark.django_db
def test_rated_outcome_counts_add_up_to_each_scopes_achieved_rate(team, other_team, partnership):
    """Targets sum the per-team, per-quarter counts: the sums equal the achieved rate counted
    for the scope and period directly, 2007 ``choice`` counting as ``having_a_say``."""
    import random

    from frameworks.periods import Period
    from reporting.selectors import outcome_achieved_rate, outcome_families, rated_outcome_counts

    chance = random.Random(9)
    statuses = ["achieved", "partly_achieved", "not_achieved", "not_applicable"]
    days = [dt.date(2026, 4, 3), dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2027, 2, 9)]
    for index in range(24):
        chosen = (team, other_team)[index % 2]
        answered_conversation(
            person=PersonFactory(partnership=partnership, teams=[chosen]),
            team=chosen,
            date_held=chance.choice(days),
            answers={},
            type=chance.choice(["review", "review", "support_plan"]),
            outcomes={
                "feeling_safe": chance.choice(statuses),
                "having_a_say": chance.choice(statuses),
            },
        )
    old = framework_version("users", "2007")
    answered = answered_conversation(
        person=PersonFactory(partnership=partnership, teams=[team]),
        team=team,
        date_held=days[0],
        answers={},
        outcomes={},
    )
    answered.outcome_records.create(outcome=old.outcomes.get(code="choice"), status="achieved")
    year = Period(2026)
    quarters = [Period(2026, q) for q in (1, 2, 3, 4)]
    frame = rated_outcome_counts(partnership=partnership, quarters=quarters)
    codes = ["feeling_safe", "having_a_say"]
    families = outcome_families(codes)

    for scope, team_code in ((Scope(partnership), ""), (Scope(partnership, (team,)), team.code)):
        for period in (year, quarters[0], quarters[2]):
            rates = outcome_achieved_rate(scope=scope, period=period, outcome_codes=codes)
            for row in rates.itertuples():
                labels = [str(q) for q in quarters] if period == year else [str(period)]
                chosen = frame[
                    frame["period"].isin(labels)
                    & frame["outcome_id"].isin(families[row.outcome_code])
                ]
                if team_code:
                    chosen = chosen[chosen["team"] == team_code]
                assert (chosen["achieved"].sum(), chosen["rated"].sum()) == (
                    row.numerator,
                    row.denominator,
                ), (team_code, str(period), row.outcome_code)
    assert frame["rated"].sum() > 0
