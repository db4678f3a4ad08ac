"""The dashboard page and its CSV downloads: scope for each role, figures, suppression,
outcomes at review across framework versions, barriers, reviews overdue, query bounds."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import escape
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conversations.models import Conversation, OutcomeRecord
from frameworks.models import BarrierCode, Outcome
from frameworks.periods import default_period, offered_periods
from reporting.csv import csv_cell
from reporting.dashboard import TABLES
from reporting.models import CountSummary
from tests.factories import (
    PersonFactory,
    TeamFactory,
    UserFactory,
    answered_conversation,
    framework_version,
    make_team_leader,
)

pytestmark = pytest.mark.django_db

URL = reverse("reporting:dashboard")
PERIOD = "2026-27 Q1"
IN_PERIOD = dt.date(2026, 5, 14)


def download(table: str) -> str:
    return reverse("reporting:dashboard-download", args=[table])


def rows_of(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, {"period": PERIOD, **params})


def answers_in(team, count, answer="yes", *, day=IN_PERIOD, **extra):
    """``count`` people of ``team``, each with one completed review answering NM1."""
    for _ in range(count):
        person = PersonFactory(partnership=team.partnership, teams=[team])
        answered_conversation(
            person=person, team=team, date_held=day, answers={"NM1": answer}, **extra
        )


def nm1(response) -> dict[str, str]:
    return next(row for row in rows_of(response) if row["measure_code"] == "NM1")


@pytest.fixture
def no_suppression(settings):
    settings.SUPPRESSION_THRESHOLD = 1


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, download("measures")])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [URL, download("measures")])
def test_a_user_with_no_role_gets_404(client, url):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [URL, download("measures")])
def test_post_is_not_allowed(client, team_leader, url):
    client.force_login(team_leader)

    assert client.post(url).status_code == 405


def test_unknown_table_is_404(client, team_leader):
    assert get(client, team_leader, download("people")).status_code == 404


def test_practitioner_sees_their_own_team(client, practitioner, team, other_team):
    answers_in(team, 5, "yes")
    answers_in(other_team, 7, "no")

    response = get(client, practitioner)

    assert response.status_code == 200
    assert response.context["query"].scope.teams == (team,)
    row = response.context["measures"][0]
    assert (row["numerator"], row["denominator"]) == (5, 5)
    assert get(client, practitioner, team=other_team.code).status_code == 404


def test_team_leader_numbers_never_include_another_team(
    client, team_leader, team, other_team, no_suppression
):
    answers_in(team, 3, "yes")
    answers_in(team, 1, "no")

    def seen(table: str) -> tuple[int, bytes]:
        # A table the team leader cannot have (the team breakdown) is a 404 page, whose sign-out
        # form carries a fresh CSRF token each time: its status is what must not change.
        response = get(client, team_leader, download(table))
        return response.status_code, response.content if response.status_code == 200 else b""

    before = {table: seen(table) for table in TABLES}
    answers_in(other_team, 6, "no", outcomes={"feeling_safe": "not_achieved"})

    for table in TABLES:
        assert seen(table) == before[table], table
    assert [table for table in TABLES if before[table][0] == 200], "some table is downloadable"
    assert (nm1(get(client, team_leader, download("measures")))["numerator"]) == "3"
    assert get(client, team_leader, team=other_team.code).status_code == 404
    assert get(client, team_leader, download("measures"), team=other_team.code).status_code == 404


def test_team_leader_page_shows_only_their_teams(client, team_leader, team, other_team):
    answers_in(other_team, 6, "no")
    response = get(client, team_leader)

    body = response.content.decode()
    assert "ORK-W" not in body and ">West<" not in body
    assert response.context["team_choices"] == []
    assert [s["name"] for s in response.context["breakdowns"]] == [
        "client_group",
        "interviewer",
        "type",
        "answered_by",
    ]


def test_partnership_lead_chooses_any_team_or_the_whole_partnership(
    client, partnership_lead, team, other_team, foreign_team
):
    answers_in(team, 5, "yes")
    answers_in(other_team, 5, "no")
    answers_in(foreign_team, 5, "no")

    whole = get(client, partnership_lead, download("measures"))
    west = get(client, partnership_lead, download("measures"), team=other_team.code)

    assert (nm1(whole)["numerator"], nm1(whole)["denominator"]) == ("5", "10")
    assert (nm1(west)["numerator"], nm1(west)["denominator"]) == ("0", "5")
    page = get(client, partnership_lead)
    assert [c.value for c in page.context["team_choices"]] == ["", "ORK-E", "ORK-W"]
    assert "breakdown-team" in page.content.decode()
    by_team = rows_of(get(client, partnership_lead, download("breakdown-team")))
    assert {r["team"] for r in by_team} == {"ORK-E", "ORK-W"}
    assert get(client, partnership_lead, team=foreign_team.code).status_code == 404


def test_outside_lead_cannot_see_this_partnership(client, outside_lead, team):
    assert get(client, outside_lead, team=team.code).status_code == 404


# --- figures ---------------------------------------------------------------------------------


def test_suppression_in_the_page_and_in_the_csv(client, team_leader, team):
    answers_in(team, 3, "yes")

    page = get(client, team_leader)
    row = page.context["measures"][0]
    rows = nm1(get(client, team_leader, download("measures")))

    assert row["suppressed"] and row["numerator"] is None and row["percentage"] is None
    assert "suppressed" in page.content.decode()
    assert rows["denominator"] == "3"
    assert rows["numerator"] == rows["percentage"] == rows["ci_low"] == rows["ci_high"] == ""
    assert rows["suppressed"] == "true"


def test_measures_show_percentage_interval_target_and_status(client, team_leader, team):
    from conversations.models import Target
    from frameworks.models import Measure

    Target.objects.create(
        partnership=team.partnership,
        team=team,
        measure=Measure.objects.get(code="NM1"),
        period=PERIOD,
        target=70,
    )
    answers_in(team, 4, "yes")
    answers_in(team, 1, "no")

    row = nm1(get(client, team_leader, download("measures")))

    assert (row["numerator"], row["denominator"], row["percentage"]) == ("4", "5", "80.0")
    assert (row["ci_low"], row["ci_high"]) == ("37.6", "96.4")
    assert (row["target"], row["target_status"]) == ("70.0", "met")
    assert "Met" in get(client, team_leader).content.decode()


def test_trend_covers_eight_quarters_ending_at_the_period(client, team_leader, team):
    answers_in(team, 5, "yes", day=dt.date(2025, 5, 1))

    response = get(client, team_leader)
    trend = rows_of(get(client, team_leader, download("trend")))

    assert response.context["trend"].quarters[0] == "2024-25 Q2"
    assert response.context["trend"].quarters[-1] == PERIOD
    assert '<svg id="trend-chart"' in response.content.decode()
    assert {r["period"] for r in trend} == set(response.context["trend"].quarters)
    year_ago = next(r for r in trend if r["period"] == "2025-26 Q1" and r["measure_code"] == "NM1")
    assert year_ago["percentage"] == "100.0"


def test_a_year_trends_over_its_quarters(client, team_leader):
    response = get(client, team_leader, period="2025-26")

    assert response.context["trend"].quarters[-1] == "2025-26 Q4"
    assert response.context["measures"][0]["period"] == "2025-26"


def test_a_bad_period_falls_back_to_the_default_with_a_message(client, team_leader):
    response = get(client, team_leader, period="last week")

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["query"].period == default_period(timezone.localdate())
    assert get(client, team_leader, download("measures"), period="2099-00").status_code == 400


def test_default_period_is_the_latest_complete_quarter(client, team_leader):
    client.force_login(team_leader)
    response = client.get(URL)

    today = timezone.localdate()
    assert response.context["query"].period.last_day < today
    assert response.context["is_default_period"]
    assert "latest complete quarter" in response.content.decode()
    choices = [c.value for c in response.context["period_choices"]]
    assert choices == [str(p) for p in offered_periods(today)]
    assert str(response.context["query"].period) in choices


# --- outcomes at review ----------------------------------------------------------------------


def review_2007(person, team, statuses: dict[str, str]) -> Conversation:
    conversation = answered_conversation(person=person, team=team, date_held=IN_PERIOD, answers={})
    Conversation.objects.filter(pk=conversation.pk).update(
        framework_version=framework_version("users", "2007")
    )
    for code, status in statuses.items():
        OutcomeRecord.objects.create(
            conversation=conversation,
            outcome=Outcome.objects.in_version("users", "2007").get(code=code),
            status=status,
        )
    return conversation


def test_older_versions_count_under_the_newest_outcome(
    client, team_leader, team, person, no_suppression
):
    review_2007(person, team, {"choice": "not_achieved", "feeling_safe": "achieved"})
    answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[team]),
        team=team,
        date_held=IN_PERIOD,
        answers={},
        outcomes={"having_a_say": "partly_achieved", "feeling_safe": "not_applicable"},
    )

    rows = {
        r["outcome_code"]: r for r in rows_of(get(client, team_leader, download("achievement")))
    }

    assert "choice" not in rows
    say = rows["having_a_say"]
    assert (say["achieved"], say["partly_achieved"], say["not_achieved"], say["total"]) == (
        "0",
        "1",
        "1",
        "2",
    )
    assert rows["feeling_safe"]["total"] == "1"  # not applicable is left out


def test_not_achieved_links_to_the_drilldown(client, team_leader, team, person, no_suppression):
    review_2007(person, team, {"choice": "not_achieved"})

    body = get(client, team_leader, team=team.code).content.decode()

    query = urlencode(
        {"outcome": "having_a_say", "status": "not_achieved", "period": PERIOD, "team": "ORK-E"}
    )
    assert escape(f"{reverse('reporting:drilldown')}?{query}") in body


def test_no_link_to_the_drilldown_from_a_count_the_dashboard_hides(client, team_leader, team):
    """A suppressed count is not a way in: the words behind it are reached only from counts
    the dashboard shows (the drill-down lists the records themselves)."""
    transport = BarrierCode.objects.order_by("order").first()
    for index in range(3):  # fewer records than the threshold: the row shows only its total
        conversation = answered_conversation(
            person=PersonFactory(partnership=team.partnership, teams=[team], ref=f"H{index}"),
            team=team,
            date_held=IN_PERIOD,
            answers={},
            outcomes={"feeling_safe": "not_achieved"},
        )
        conversation.outcome_records.get().barriers.add(transport)

    page = get(client, team_leader, team=team.code)
    body = page.content.decode()

    row = next(
        r for g in page.context["achievement"] for r in g["rows"] if r["code"] == "feeling_safe"
    )
    assert row["suppressed"] and row["drilldown"] == ""
    assert "suppressed (fewer than 5 records)" in body
    assert reverse("reporting:drilldown") not in body


def test_only_completed_reviews_count_at_review(client, team_leader, team, no_suppression):
    for index, (type_, status) in enumerate(
        [("review", "completed"), ("review", "draft"), ("assessment", "completed")]
    ):
        answered_conversation(
            person=PersonFactory(partnership=team.partnership, teams=[team], ref=f"R{index}"),
            team=team,
            date_held=IN_PERIOD,
            answers={},
            type=type_,
            status=status,
            outcomes={"feeling_safe": "achieved"},
        )

    rows = rows_of(get(client, team_leader, download("achievement")))

    assert [(r["outcome_code"], r["achieved"]) for r in rows] == [("feeling_safe", "1")]


def test_achievement_rows_below_the_threshold_show_only_their_total(client, team_leader, team):
    answers_in(team, 4, outcomes={"feeling_safe": "not_achieved"})
    answers_in(team, 5, outcomes={"seeing_people": "achieved"})

    rows = {
        r["outcome_code"]: r for r in rows_of(get(client, team_leader, download("achievement")))
    }
    page = get(client, team_leader).content.decode()

    safe = rows["feeling_safe"]
    assert (safe["not_achieved"], safe["total"], safe["suppressed"]) == ("", "4", "true")
    assert rows["seeing_people"]["achieved"] == "5"
    assert "status=not_achieved" not in page  # a suppressed count is not a link


# --- barriers --------------------------------------------------------------------------------


def with_barriers(conversation: Conversation, code: str, barriers: list[str]) -> None:
    record = conversation.outcome_records.get(outcome__code=code)
    record.barriers.set(BarrierCode.objects.filter(code__in=barriers))


def test_barrier_counts_by_outcome(client, team_leader, team, other_team, no_suppression):
    for index in range(3):
        conversation = answered_conversation(
            person=PersonFactory(partnership=team.partnership, teams=[team], ref=f"B{index}"),
            team=team,
            date_held=IN_PERIOD,
            answers={},
            type="support_plan",
            outcomes={"feeling_safe": "", "seeing_people": ""},
        )
        with_barriers(conversation, "feeling_safe", ["transport", "staffing"][: index + 1])
        with_barriers(conversation, "seeing_people", ["transport"])
    elsewhere = answered_conversation(
        person=PersonFactory(partnership=team.partnership, teams=[other_team]),
        team=other_team,
        date_held=IN_PERIOD,
        answers={},
        outcomes={"feeling_safe": ""},
    )
    with_barriers(elsewhere, "feeling_safe", ["transport"])

    rows = {r["outcome_code"]: r for r in rows_of(get(client, team_leader, download("barriers")))}
    page = get(client, team_leader, team=team.code)

    assert (rows["feeling_safe"]["transport"], rows["feeling_safe"]["staffing"]) == ("3", "2")
    assert rows["seeing_people"]["transport"] == "3"
    totals = {t["barrier"]: t["count"] for t in page.context["barriers"]["totals"]}
    assert totals["transport"] == 6 and totals["staffing"] == 2
    assert page.context["barriers"]["totals"][0]["barrier"] == "transport"
    query = urlencode(
        {"barrier": "transport", "outcome": "feeling_safe", "period": PERIOD, "team": "ORK-E"}
    )
    assert escape(f"{reverse('reporting:drilldown')}?{query}") in page.content.decode()


def barrier_records_in(team, *, outcome: str, barriers_per_record: list[list[str]]) -> None:
    """One support plan per record (one person each), naming those barriers on ``outcome``."""
    for barriers in barriers_per_record:
        conversation = answered_conversation(
            person=PersonFactory(partnership=team.partnership, teams=[team]),
            team=team,
            date_held=IN_PERIOD,
            answers={},
            type="support_plan",
            outcomes={outcome: ""},
        )
        with_barriers(conversation, outcome, barriers)


def barrier_rows(client, user) -> dict[str, dict[str, str]]:
    return {r["outcome_code"]: r for r in rows_of(get(client, user, download("barriers")))}


def test_barrier_text_tells_the_truth_small_counts_show_under_enough_records(
    client, team_leader, team, settings
):
    settings.SUPPRESSION_THRESHOLD = 5
    barrier_records_in(
        team,
        outcome="feeling_safe",
        barriers_per_record=[["transport"]] * 2 + [["staffing", "transport"]] + [["resources"]] * 3,
    )
    barrier_records_in(
        team, outcome="seeing_people", barriers_per_record=[["transport"]] * 3 + [["other"]] * 2
    )

    page = get(client, team_leader)
    html = page.content.decode()

    assert "Counts below 5 are suppressed" not in html
    assert "counts are shown only where at least 5 records are counted" in html
    assert "of 11 outcome records naming any barrier" in html
    rows = barrier_rows(client, team_leader)
    # 6 and 5 records: shown, small counts included, like "2 of 10 said yes".
    assert (rows["feeling_safe"]["staffing"], rows["feeling_safe"]["transport"]) == ("1", "3")
    assert (rows["seeing_people"]["transport"], rows["seeing_people"]["other"]) == ("3", "2")
    assert rows["feeling_safe"]["outcome_records"] == "6"  # records, not barriers named
    totals = {t["barrier"]: t["count"] for t in page.context["barriers"]["totals"]}
    assert (totals["transport"], totals["staffing"], totals["other"]) == (6, 1, 2)


def test_a_hidden_outcome_cannot_be_worked_out_from_the_totals(client, team_leader, team, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    barrier_records_in(
        team,
        outcome="feeling_safe",
        barriers_per_record=[["transport"], ["transport", "staffing"]] + [["resources"]] * 4,
    )
    barrier_records_in(team, outcome="seeing_people", barriers_per_record=[["transport"]] * 2)

    page = get(client, team_leader)
    rows = barrier_rows(client, team_leader)

    # Seeing people: 2 records, only its total. Transport in all is 4 and feeling safe's 2
    # would give seeing people's 2 away, so feeling safe's transport is hidden as well.
    assert rows["seeing_people"]["suppressed"] == "true"
    assert (rows["seeing_people"]["transport"], rows["seeing_people"]["outcome_records"]) == (
        "",
        "2",
    )
    assert rows["feeling_safe"]["suppressed"] == "false"
    assert rows["feeling_safe"]["transport"] == ""
    # Staffing: 1 in all, none for seeing people (known 0 by subtraction): hidden too.
    assert rows["feeling_safe"]["staffing"] == ""
    assert rows["feeling_safe"]["information"] == "0"  # nobody names it: nothing to protect
    html = page.content.decode()
    assert '<span class="suppressed">suppressed</span>' in html
    assert "suppressed (fewer than 5 records)" in html


def test_too_few_records_in_all_hide_the_totals_and_say_so(client, team_leader, team, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    barrier_records_in(team, outcome="feeling_safe", barriers_per_record=[["transport"]] * 3)

    page = get(client, team_leader)

    assert [t["count"] for t in page.context["barriers"]["totals"]] == [None] * len(
        page.context["barriers"]["totals"]
    )
    html = page.content.decode()
    assert "Fewer than 5 records name a barrier at all, so the totals are suppressed too" in html
    assert "of 3 outcome records naming any barrier" in html


# --- reviews overdue -------------------------------------------------------------------------


def test_people_without_a_review_in_twelve_months(client, team_leader, team, other_team):
    today = timezone.localdate()
    overdue = PersonFactory(partnership=team.partnership, teams=[team], ref="OLD")
    answered_conversation(
        person=overdue, team=team, date_held=today - dt.timedelta(days=500), answers={}
    )
    answered_conversation(  # a recent assessment is not a review
        person=overdue,
        team=team,
        date_held=today - dt.timedelta(days=10),
        answers={},
        type="assessment",
    )
    recent = PersonFactory(partnership=team.partnership, teams=[team], ref="NEW")
    answered_conversation(
        person=recent, team=team, date_held=today - dt.timedelta(days=30), answers={}
    )
    never = PersonFactory(partnership=team.partnership, teams=[team], ref="NEVER")
    PersonFactory(partnership=team.partnership, teams=[other_team], ref="WEST")

    response = get(client, team_leader)
    rows = rows_of(get(client, team_leader, download("coverage")))

    assert [p.ref for p in response.context["coverage"]] == ["NEVER", "OLD"]
    body = response.content.decode()
    assert reverse("conversations:person-detail", args=[never.pk]) in body
    assert "WEST" not in body and "NEW" not in [r["ref"] for r in rows]
    assert rows == [
        {"ref": "NEVER", "teams": "East", "last_completed_review": "never"},
        {
            "ref": "OLD",
            "teams": "East",
            "last_completed_review": (today - dt.timedelta(days=500)).isoformat(),
        },
    ]
    assert overdue.name not in get(client, team_leader, download("coverage")).content.decode()


def test_a_person_in_several_teams_is_listed_with_every_team(client, team_leader, team, other_team):
    PersonFactory(partnership=team.partnership, teams=[other_team, team], ref="BOTH")
    PersonFactory(partnership=team.partnership, teams=[team], ref="ONE")

    response = get(client, team_leader)
    rows = rows_of(get(client, team_leader, download("coverage")))

    assert [p.team_list for p in response.context["coverage"]] == [["East", "West"], ["East"]]
    assert "<td>East, West</td>" in response.content.decode()
    assert [row["teams"] for row in rows] == ["East; West", "East"]


def test_coverage_is_paginated_with_a_count(client, team_leader, team):
    for index in range(30):
        PersonFactory(partnership=team.partnership, teams=[team], ref=f"X{index:02d}")

    first = get(client, team_leader)
    second = get(client, team_leader, coverage_page=2)

    assert first.context["coverage"].paginator.count == 30
    assert len(first.context["coverage"]) == 25 and len(second.context["coverage"]) == 5
    assert "coverage_page=2" in first.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("9", 2), ("x", 1), ("", 1), ("0", 2), ("-3", 2)])
def test_a_coverage_page_out_of_range_or_not_a_number_is_the_last_or_first(
    client, team_leader, team, asked, shown
):
    for index in range(30):
        PersonFactory(partnership=team.partnership, teams=[team], ref=f"X{index:02d}")

    page = get(client, team_leader, coverage_page=asked).context["coverage"]

    assert (page.number, page.paginator.count, page.paginator.num_pages) == (shown, 30, 2)
    assert [p.ref for p in page][0] == ("X25" if shown == 2 else "X00")


# --- CSV safety ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 1856", "'+44 1856"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("East", "East"),
        (-3, "-3"),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cells_are_escaped_against_formulas(value, expected):
    assert csv_cell(value) == expected


def test_a_team_named_like_a_formula_is_escaped_in_the_csv(client, partnership):
    team = TeamFactory(partnership=partnership, code="EVIL", name='=HYPERLINK("x")')
    leader = make_team_leader(team, "evil")

    rows = rows_of(get(client, leader, download("measures")))

    assert rows[0]["scope"] == '\'=HYPERLINK("x")'


# --- query bound -----------------------------------------------------------------------------


@pytest.mark.parametrize("conversations", [5, 50])
def test_queries_do_not_grow_with_the_data(
    client, partnership_lead, team, other_team, conversations, django_assert_max_num_queries
):
    for index in range(conversations):
        chosen = team if index % 2 else other_team
        conversation = answered_conversation(
            person=PersonFactory(partnership=team.partnership, teams=[chosen], ref=f"Q{index}"),
            team=chosen,
            date_held=IN_PERIOD,
            answers={"NM1": "yes", "NM2": "no"},
            outcomes={"feeling_safe": "not_achieved", "seeing_people": "achieved"},
        )
        with_barriers(conversation, "feeling_safe", ["transport"])
    client.force_login(partnership_lead)

    # The first read after a write into a quarter that is over counts it live (its count
    # summary is stale): no rebuild in the request, so no more queries than any read, and
    # nothing kept by it.
    with django_assert_max_num_queries(20):
        assert client.get(URL, {"period": "2026-27"}).status_code == 200
    assert not CountSummary.objects.filter(built=True).exists()
    # Once the scheduled rebuild has kept it, a trend across quarters over and under way
    # reads the kept quarters and counts the rest live.
    call_command("rebuild_summaries", "--stale", stdout=io.StringIO())
    assert CountSummary.objects.filter(built=True).exists()
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"period": "2026-27"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(download("barriers"), {"period": PERIOD}).status_code == 200
