"""The drill-down's count is the number of records its pages list: for every role and figure,
in a period that is over (counted from the kept summaries) and in the period under way
(counted live), and at once after a late change into a closed period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Membership, OutcomeRecord, StaffRole
from frameworks.models import BarrierCode, Outcome
from frameworks.periods import Period
from reporting.selectors import Scope, figure_record_count, records_behind_figure
from reporting.summary import summaries_rebuild
from tests.factories import PersonFactory, answered_conversation, make_team_leader

pytestmark = pytest.mark.django_db

URL = reverse("reporting:drilldown")
TODAY = dt.date(2026, 12, 15)
CLOSED = "2026-27 Q1"  # April to June 2026: over
CURRENT = "2026-27 Q3"  # October to December 2026: under way
DAYS = {
    CLOSED: (dt.date(2026, 5, 20), dt.date(2026, 6, 3)),
    CURRENT: (dt.date(2026, 10, 20), dt.date(2026, 11, 2)),
}
FIGURES = [
    {"barrier": "transport"},
    {"barrier": "transport", "outcome": "feeling_safe"},
    {"outcome": "feeling_safe", "status": "not_achieved"},
    {"outcome": "having_a_say", "status": "not_achieved"},  # finds users 2007 ``choice`` too
    {"barrier": "transport", "outcome": "feeling_safe", "status": "not_achieved"},
]
FAMILIES = {"feeling_safe": {"feeling_safe"}, "having_a_say": {"having_a_say", "choice"}}


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr("reporting.views.drilldown.PAGE_SIZE", 2)


@dataclass(frozen=True)
class Made:
    pk: int
    team_id: int
    period: str
    outcome: str
    status: str
    type: str
    completed: bool
    barriers: frozenset[str]

    def in_figure(self, figure: dict) -> bool:
        if not self.completed:
            return False
        if "outcome" in figure and self.outcome not in FAMILIES[figure["outcome"]]:
            return False
        if "status" in figure and (self.status, self.type) != (figure["status"], "review"):
            return False
        return "barrier" not in figure or figure["barrier"] in self.barriers


def make(
    team,
    *,
    day: dt.date,
    outcome: str = "feeling_safe",
    status: str = "not_achieved",
    barriers: tuple[str, ...] = (),
    type: str = "review",
    completed: bool = True,
) -> Made:
    person = PersonFactory(partnership=team.partnership, teams=[team])
    conversation = answered_conversation(
        person=person,
        team=team,
        date_held=day,
        answers={},
        outcomes={"feeling_safe" if outcome == "choice" else outcome: status},
        type=type,
        status="completed" if completed else "draft",
    )
    record = conversation.outcome_records.get()
    if outcome == "choice":  # a users 2007 record, counted as ``having_a_say``
        choice = Outcome.objects.in_version("users", "2007").get(code="choice")
        conversation.framework_version = choice.version
        conversation.save()
        record.outcome = choice
        record.save()
    record.barriers.set(BarrierCode.objects.filter(code__in=barriers))
    period = next(label for label, days in DAYS.items() if day in days)
    return Made(record.pk, team.pk, period, outcome, status, type, completed, frozenset(barriers))


def make_data(teams) -> list[Made]:
    """In each period and team: more records of each figure than a page holds, records of
    every other kind beside them, and drafts that never count."""
    made = []
    for period, days in DAYS.items():
        for team in teams:
            for day in days:
                made += [
                    make(team, day=day, barriers=("transport",)),
                    make(team, day=day, barriers=("transport", "staffing")),
                    make(team, day=day, status="achieved", barriers=("transport",)),
                    make(team, day=day, type="assessment", barriers=("transport",)),
                    make(team, day=day, outcome="having_a_say", barriers=("staffing",)),
                    make(team, day=day, outcome="choice", barriers=("transport",)),
                    make(team, day=day, barriers=("transport",), completed=False),
                ]
            if period == CLOSED:
                made.append(make(team, day=days[0], outcome="having_a_say", type="assessment"))
    return made


def listed(client, params: dict) -> tuple[int, list[int]]:
    """The count the page shows and the records listed across all its pages."""
    response = client.get(URL, params)
    assert response.status_code == 200, params
    page = response.context["page"]
    count = page.paginator.count
    assert f"<strong>{count}</strong> outcome record" in response.content.decode()
    pks = [record.pk for record in page]
    for number in page.paginator.page_range[1:]:
        more = client.get(URL, {**params, "page": number})
        assert more.context["page"].paginator.count == count
        pks += [record.pk for record in more.context["page"]]
    return count, pks


def counted_live(captured) -> bool:
    return any(
        "COUNT(" in q["sql"] and "conversations_outcomerecord" in q["sql"]
        for q in captured.captured_queries
    )


def read(client, params: dict) -> tuple[int, list[int], bool]:
    """``listed``, and whether the records were counted live (not from a kept summary)."""
    with CaptureQueriesContext(connection) as captured:
        count, pks = listed(client, params)
    return count, pks, counted_live(captured)


@pytest.fixture
def users(partnership_lead, team_leader, practitioner, team, other_team):
    leader_of_two = make_team_leader(team, "leader2")
    Membership.objects.create(user=leader_of_two, team=other_team, role=StaffRole.TEAM_LEADER)
    return {
        "lead": (partnership_lead, {}, {team.pk, other_team.pk}),
        "lead, one team": (partnership_lead, {"team": other_team.code}, {other_team.pk}),
        "team leader": (team_leader, {}, {team.pk}),
        "leader of two teams": (leader_of_two, {}, {team.pk, other_team.pk}),
        "practitioner": (practitioner, {}, {team.pk}),
    }


@pytest.mark.parametrize("period", [CLOSED, CURRENT])
def test_the_count_is_the_number_of_records_listed_for_every_role_and_figure(
    client, users, period, team, other_team, foreign_team
):
    made = make_data([team, other_team, foreign_team])
    summaries_rebuild()
    for role, (user, params, team_ids) in users.items():
        client.force_login(user)
        for figure in FIGURES:
            count, pks, live = read(client, {**figure, **params, "period": period})
            expected = sorted(
                m.pk
                for m in made
                if m.period == period and m.team_id in team_ids and m.in_figure(figure)
            )
            assert count == len(pks) == len(set(pks)), (role, figure)
            assert sorted(pks) == expected, (role, figure)
            assert count > 2, (role, figure)  # more than one page
            # Closed: read from the kept counts, except a status and a barrier together.
            kept = period == CLOSED and not ("status" in figure and "barrier" in figure)
            assert live != kept, (role, figure)


def test_a_late_change_into_a_closed_period_changes_the_count_at_once(
    client, partnership_lead, team, other_team
):
    """Right after the change the summary is stale and the figure is counted live; once the
    timer's ``rebuild_summaries --stale`` has kept it again, the kept count says the same."""
    made = make_data([team, other_team])
    client.force_login(partnership_lead)
    barrier = {"barrier": "transport", "period": CLOSED}
    status = {"outcome": "feeling_safe", "status": "not_achieved", "period": CLOSED}

    def after_change(*, barriers: int, statuses: int) -> list[int]:
        """Both figures at once: counted live while the summary is stale, then kept."""
        listed_now = []
        for params, expected in ((barrier, barriers), (status, statuses)):
            count, pks, live = read(client, params)
            assert live and count == len(pks) == expected, params
            listed_now.append(sorted(pks))
        summaries_rebuild(stale_only=True)  # what the timer runs
        for params, expected, pks in zip(
            (barrier, status), (barriers, statuses), listed_now, strict=True
        ):
            count, kept_pks, live = read(client, params)
            assert not live and count == expected and sorted(kept_pks) == pks, params
        return listed_now[0]

    summaries_rebuild()
    before_barrier, _, live = read(client, barrier)
    before_status, _, _ = read(client, status)
    assert not live

    late = make(other_team, day=DAYS[CLOSED][0], barriers=("transport",))  # signed off late
    assert late.pk in after_change(barriers=before_barrier + 1, statuses=before_status + 1)

    record = OutcomeRecord.objects.get(pk=late.pk)
    record.barriers.clear()  # a barrier taken off
    after_change(barriers=before_barrier, statuses=before_status + 1)
    record.status = "achieved"  # a status corrected
    record.save()
    after_change(barriers=before_barrier, statuses=before_status)

    first, second = [m for m in made if m.period == CLOSED and m.in_figure(status)][:2]
    conversation = OutcomeRecord.objects.get(pk=first.pk).conversation
    conversation.status = "draft"  # reopened
    conversation.completed_at = None
    conversation.save()
    assert first.pk not in after_change(barriers=before_barrier - 1, statuses=before_status - 1)

    OutcomeRecord.objects.get(pk=second.pk).conversation.delete()
    after_change(barriers=before_barrier - 2, statuses=before_status - 2)


def test_a_reader_who_may_not_read_the_whole_scope_is_counted_live(
    team, other_team, team_leader, partnership_lead
):
    """The kept counts know nothing of readers: a scope wider than the reader's reach is
    counted through their reach, and still matches the records listed."""
    make_data([team, other_team])
    summaries_rebuild()
    whole = Scope(partnership=team.partnership)
    period = Period.parse(CLOSED)
    for reader in (team_leader, partnership_lead, None):
        for figure in FIGURES[:4]:
            asked = {
                "scope": whole,
                "period": period,
                "outcome_code": figure.get("outcome", ""),
                "status": figure.get("status", ""),
                "barrier_code": figure.get("barrier", ""),
                "reader": reader,
            }
            listed_records = list(records_behind_figure(**asked))
            assert figure_record_count(**asked) == len(listed_records), (reader, figure)
    east_only = figure_record_count(
        scope=whole, period=period, barrier_code="transport", reader=team_leader
    )
    everyone = figure_record_count(
        scope=whole, period=period, barrier_code="transport", reader=partnership_lead
    )
    assert 0 < east_only < everyone
