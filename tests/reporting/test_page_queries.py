"""Every reporting page in at most 20 queries, and the same number however much data there is
and however many targets are set: measures, codes, targets and framework equivalences are
read once per request, and every figure is counted in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Membership, StaffRole, Target, Theme
from frameworks.models import BarrierCode, Measure
from reporting.dashboard import TABLES
from reporting.summary import summaries_rebuild
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _activity_noted_once(monkeypatch):
    """The idle timeout notes a session's activity at most every 30 seconds, so a request that
    happens to cross that mark also saves the session: on a slow machine the same page then
    counted three queries more in one phase than the other (seen in CI). The pages' own queries
    are what is compared here; session bookkeeping is tested in tests/test_sessions.py."""
    monkeypatch.setattr("outcomes_site.middleware.ACTIVITY_RESOLUTION_SECONDS", 10**9)


TODAY = dt.date(2026, 12, 15)
DAYS = (dt.date(2026, 5, 14), dt.date(2026, 8, 3), dt.date(2025, 11, 20))
MOST = 20


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def leader_of_two(team, other_team, team_leader):
    """A team leader of both teams: the dashboard shows the team breakdown too."""
    Membership.objects.create(user=team_leader, team=other_team, role=StaffRole.TEAM_LEADER)
    return team_leader


def add_data(teams, count: int, *, start: int = 0) -> None:
    """``count`` people with a review (users, carers, each breakdown's cells, barriers, coded
    words) and as many again with no review at all, so every table and the overdue list have
    rows."""
    transport = BarrierCode.objects.get(code="transport")
    getting_there, _ = Theme.objects.get_or_create(
        partnership=teams[0].partnership, code="transport", defaults={"label": "Getting there"}
    )
    for index in range(start, start + count):
        team = teams[index % len(teams)]
        carer = index % 3 == 0
        person = PersonFactory(partnership=team.partnership, teams=[team], ref=f"R{index:03d}")
        conversation = answered_conversation(
            person=person,
            team=team,
            date_held=DAYS[index % len(DAYS)],
            role="carer" if carer else "user",
            answers={"NM4": "yes", "NM2": "no"} if carer else {"NM1": "yes", "NM3": "partly"},
            outcomes=(
                {"carer_health_and_wellbeing": "achieved"}
                if carer
                else {"feeling_safe": "not_achieved", "having_a_say": "achieved"}
            ),
            interviewer="independent" if index % 2 else "practitioner",
            type="review" if index % 4 else "support_plan",
        )
        conversation.outcome_records.first().barriers.add(transport)
        conversation.outcome_records.first().themes.add(getting_there)
        PersonFactory(partnership=team.partnership, teams=[team], ref=f"N{index:03d}")


def queries(client, url: str, params: dict) -> int:
    """Queries of one request once the count summaries are built (by the scheduled rebuild;
    until then a period that is over is counted live, bounded in test_dashboard)."""
    summaries_rebuild(stale_only=True)
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def pages(*, lead: bool) -> list[tuple[str, dict]]:
    dashboard = reverse("reporting:dashboard")
    listed = [
        (dashboard, {}),
        (dashboard, {"period": "2026-27 Q1"}),
        (dashboard, {"period": "2026-27"}),
        (dashboard, {"period": "2025-26", "coverage_page": "1"}),
        *(
            (reverse("reporting:dashboard-download", args=[table]), {"period": period})
            for table in TABLES
            for period in ("2026-27 Q1", "2026-27")
        ),
        (reverse("reporting:targets"), {}),
        (reverse("reporting:drilldown"), {"barrier": "transport", "period": "2026-27"}),
        (
            reverse("reporting:drilldown"),
            {"outcome": "feeling_safe", "status": "not_achieved", "period": "2026-27 Q1"},
        ),
        (
            reverse("reporting:drilldown"),
            {"barrier": "transport", "outcome": "feeling_safe", "period": "2026-27 Q1"},
        ),
    ]
    if lead:
        listed += [
            (reverse("reporting:return-list"), {}),
            (reverse("reporting:return-list"), {"period": "2026-27 Q1"}),
            (dashboard, {"team": "ORK-E", "period": "2026-27"}),
        ]
    return listed


@pytest.mark.parametrize("who", ["lead", "leader"])
def test_every_reporting_page_is_at_most_20_queries_whatever_the_data(
    client, who, partnership_lead, leader_of_two, team, other_team
):
    user = partnership_lead if who == "lead" else leader_of_two
    client.force_login(user)
    add_data([team, other_team], 4)
    few = {
        (url, str(params)): queries(client, url, params)
        for url, params in pages(lead=who == "lead")
    }

    add_data([team, other_team], 60, start=4)
    many = {
        (url, str(params)): queries(client, url, params)
        for url, params in pages(lead=who == "lead")
    }

    assert max(many.values()) <= MOST, {page: n for page, n in many.items() if n > MOST}
    assert many == few


def make_targets(partnership, teams, count: int) -> None:
    """``count`` targets over measures and outcomes, the partnership and each team, years and
    quarters (past, under way and not yet begun): the first 21 already span every period and
    scope, for one measure."""
    measures = list(Measure.objects.order_by("order"))
    periods = ["2026-27", "2026-27 Q1", "2026-27 Q2", "2026-27 Q3", "2025-26", "2025-26 Q4"]
    outcomes = ["feeling_safe", "having_a_say", "carer_health_and_wellbeing"]
    scopes = [None, *teams]
    made = 0
    for what in [*measures, *outcomes]:
        for team in scopes:
            for period in [*periods, "2027-28"]:
                if made == count:
                    return
                Target.objects.create(
                    partnership=partnership,
                    team=team,
                    measure=what if isinstance(what, Measure) else None,
                    outcome_code="" if isinstance(what, Measure) else what,
                    period=period,
                    target=Decimal("60"),
                )
                made += 1


def test_the_targets_page_costs_the_same_with_3_40_or_80_targets(
    client, partnership_lead, partnership, team, other_team
):
    add_data([team, other_team], 12)
    client.force_login(partnership_lead)
    url = reverse("reporting:targets")
    counted = {}
    for count in (3, 40, 80):
        Target.objects.all().delete()
        make_targets(partnership, [team, other_team], count)
        counted[count] = queries(client, url, {})
        assert len(client.get(url).context["rows"]) == count

    # Periods over are read from the count summaries and periods under way counted live: at
    # most two reads per group of periods (years, quarters; partnership, teams), so once the
    # targets span every kind of period and scope (40 do) more targets cost nothing more.
    assert max(counted.values()) <= MOST, counted
    assert counted[40] == counted[80]


def test_a_coverage_page_past_the_end_stays_within_the_bound(
    client, team_leader, team, django_assert_max_num_queries
):
    add_data([team], 3)
    client.force_login(team_leader)
    summaries_rebuild(stale_only=True)

    with django_assert_max_num_queries(MOST):
        response = client.get(reverse("reporting:dashboard"), {"coverage_page": "7"})

    assert response.context["coverage"].number == 1


@pytest.mark.parametrize("period", ["2026-27", "2026-27 Q1"])
def test_measures_targets_and_equivalences_are_read_once_per_page(
    client, partnership_lead, partnership, team, other_team, period
):
    add_data([team, other_team], 6)
    make_targets(partnership, [team, other_team], 20)
    client.force_login(partnership_lead)
    summaries_rebuild(stale_only=True)
    client.get(reverse("reporting:dashboard"), {"period": period})

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reporting:dashboard"), {"period": period}).status_code == 200

    sql = [query["sql"] for query in captured.captured_queries]
    assert sum('FROM "frameworks_measure"' in q for q in sql) == 1
    assert sum('FROM "conversations_target"' in q for q in sql) == 1
    assert sum('"frameworks_outcomeequivalence"' in q for q in sql) == 1
    assert sum('FROM "frameworks_clientgroup"' in q for q in sql) == 1
