"""From a figure to the words behind it: scope, filters, equivalence, bad links, query bound."""

import datetime

import pytest
from django.urls import reverse

from conversations.models import Action, AuditEvent, OutcomeRecord
from frameworks.models import BarrierCode, Outcome
from frameworks.periods import Period
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db

URL = reverse("reporting:drilldown")
DAY = datetime.date(2026, 5, 20)
NOT_ACHIEVED = {"outcome": "feeling_safe", "status": "not_achieved", "period": "2026-27"}


def review_with_words(
    team,
    *,
    ref: str,
    words: str,
    outcome: str = "feeling_safe",
    status: str = "not_achieved",
    barriers: tuple[str, ...] = (),
    day=DAY,
    type: str = "review",
    conversation_status: str = "completed",
) -> OutcomeRecord:
    person = PersonFactory(partnership=team.partnership, ref=ref, teams=[team])
    conversation = answered_conversation(
        person=person,
        team=team,
        date_held=day,
        answers={},
        outcomes={outcome: status},
        type=type,
        status=conversation_status,
    )
    record = conversation.outcome_records.get()
    record.words = words
    record.helping = f"helping {ref}"
    record.barrier_words = f"in the way {ref}"
    record.save()
    record.barriers.set(BarrierCode.objects.filter(code__in=barriers))
    Action.objects.create(record=record, what=f"action for {ref}", owner="services", due=day)
    return record


def words_on(response) -> set[str]:
    return {record.words for record in response.context["page"]}


# --- access ---------------------------------------------------------------------------------


def test_anonymous_goes_to_login(client):
    response = client.get(URL, NOT_ACHIEVED)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_not_allowed(client, team_leader):
    client.force_login(team_leader)
    assert client.post(URL, NOT_ACHIEVED).status_code == 405


def test_team_leader_sees_only_their_teams_words(client, team_leader, team, other_team):
    review_with_words(team, ref="E-1", words="I don't feel safe at night.")
    review_with_words(other_team, ref="W-1", words="West words, never shown to East.")
    client.force_login(team_leader)
    response = client.get(URL, NOT_ACHIEVED)
    assert response.status_code == 200
    assert words_on(response) == {"I don't feel safe at night."}
    html = response.content.decode()
    assert "West words" not in html and "W-1" not in html
    # Asking for East explicitly gives the same; asking for West is outside reach.
    assert words_on(client.get(URL, {**NOT_ACHIEVED, "team": team.code})) == {
        "I don't feel safe at night."
    }
    assert client.get(URL, {**NOT_ACHIEVED, "team": other_team.code}).status_code == 404


def test_foreign_team_is_404(client, team_leader, foreign_team):
    client.force_login(team_leader)
    assert client.get(URL, {**NOT_ACHIEVED, "team": foreign_team.code}).status_code == 404
    assert client.get(URL, {**NOT_ACHIEVED, "team": "no-such-team"}).status_code == 404


def test_outsider_and_outside_lead_never_see_this_partnership(client, team, outsider, outside_lead):
    review_with_words(team, ref="E-1", words="Orkney words")
    for user in (outsider, outside_lead):
        client.force_login(user)
        response = client.get(URL, NOT_ACHIEVED)
        assert response.status_code == 200
        assert words_on(response) == set()
        assert client.get(URL, {**NOT_ACHIEVED, "team": team.code}).status_code == 404


def test_partnership_lead_sees_every_team_and_can_narrow(
    client, partnership_lead, team, other_team
):
    review_with_words(team, ref="E-1", words="east")
    review_with_words(other_team, ref="W-1", words="west")
    client.force_login(partnership_lead)
    assert words_on(client.get(URL, NOT_ACHIEVED)) == {"east", "west"}
    assert words_on(client.get(URL, {**NOT_ACHIEVED, "team": other_team.code})) == {"west"}


# --- what is listed -------------------------------------------------------------------------


def test_lists_the_record_with_links_words_helping_barriers_and_actions(client, team_leader, team):
    record = review_with_words(
        team, ref="E-7", words="Scared of the stairs.", barriers=("transport", "staffing")
    )
    client.force_login(team_leader)
    response = client.get(URL, NOT_ACHIEVED)
    html = response.content.decode()
    conversation = record.conversation
    assert reverse("conversations:person-detail", args=[conversation.subject.pk]) in html
    assert reverse("conversations:conversation-detail", args=[conversation.pk]) in html
    for text in (
        "E-7",
        "20 May 2026",
        "East",
        "Review",
        "Feeling safe",
        "Scared of the stairs.",
        "helping E-7",
        "in the way E-7",
        BarrierCode.objects.get(code="transport").label,
        BarrierCode.objects.get(code="staffing").label,
        "action for E-7",
        "services",
    ):
        assert text in html, text
    assert "<strong>1</strong> outcome record" in html


def test_only_that_status_in_completed_reviews_of_the_period(client, team_leader, team):
    review_with_words(team, ref="A", words="wanted")
    review_with_words(team, ref="B", words="achieved", status="achieved")
    review_with_words(team, ref="C", words="draft", conversation_status="draft")
    review_with_words(team, ref="D", words="assessment", type="assessment")
    review_with_words(team, ref="E", words="last year", day=datetime.date(2026, 3, 31))
    review_with_words(team, ref="F", words="other outcome", outcome="seeing_people")
    client.force_login(team_leader)
    assert words_on(client.get(URL, NOT_ACHIEVED)) == {"wanted"}
    last_year = client.get(URL, {**NOT_ACHIEVED, "period": "2025-26"})
    assert words_on(last_year) == {"last year"}
    quarter = client.get(URL, {**NOT_ACHIEVED, "period": "2026-27 Q2"})
    assert words_on(quarter) == set()


def test_period_defaults_to_the_latest_complete_quarter_as_on_the_dashboard(
    client, team_leader, team, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: DAY)
    review_with_words(team, ref="A", words="last quarter", day=datetime.date(2026, 3, 2))
    review_with_words(team, ref="B", words="this quarter")
    client.force_login(team_leader)
    response = client.get(URL, {"outcome": "feeling_safe", "status": "not_achieved"})
    assert response.context["period"] == Period(2025, 4)
    assert words_on(response) == {"last quarter"}


def test_outcome_is_mapped_across_versions(client, team_leader, team):
    """``having_a_say`` (users 2012) also finds users 2007 ``choice`` records."""
    review_with_words(team, ref="NEW", words="2012 words", outcome="having_a_say")
    old = review_with_words(team, ref="OLD", words="placeholder", outcome="feeling_safe")
    choice = Outcome.objects.in_version("users", "2007").get(code="choice")
    old.conversation.framework_version = choice.version
    old.conversation.save()
    old.outcome = choice
    old.words = "2007 words"
    old.save()
    client.force_login(team_leader)
    response = client.get(
        URL, {"outcome": "having_a_say", "status": "not_achieved", "period": "2026-27"}
    )
    assert words_on(response) == {"2012 words", "2007 words"}
    assert "Choice" in response.content.decode()  # the record's own outcome label


def test_barrier_filter_with_and_without_an_outcome(client, team_leader, team):
    review_with_words(team, ref="A", words="transport, safe", barriers=("transport",))
    review_with_words(
        team,
        ref="B",
        words="transport, people",
        outcome="seeing_people",
        status="partly_achieved",
        barriers=("transport", "time_limited"),
    )
    review_with_words(team, ref="C", words="staffing", barriers=("staffing",))
    review_with_words(
        team, ref="D", words="assessment transport", type="assessment", barriers=("transport",)
    )
    client.force_login(team_leader)
    everything = client.get(URL, {"barrier": "transport", "period": "2026-27"})
    assert words_on(everything) == {"transport, safe", "transport, people", "assessment transport"}
    narrowed = client.get(
        URL, {"barrier": "transport", "outcome": "seeing_people", "period": "2026-27"}
    )
    assert words_on(narrowed) == {"transport, people"}
    both = client.get(URL, {"barrier": "transport", **NOT_ACHIEVED})
    assert words_on(both) == {"transport, safe"}


def test_paginated_by_25_with_a_count(client, team_leader, team):
    for n in range(27):
        review_with_words(team, ref=f"R-{n:02d}", words=f"words {n}")
    client.force_login(team_leader)
    first = client.get(URL, NOT_ACHIEVED)
    assert len(first.context["page"]) == 25
    assert "<strong>27</strong> outcome records" in first.content.decode()
    second = client.get(URL, {**NOT_ACHIEVED, "page": 2})
    assert len(second.context["page"]) == 2
    assert "page=2" in first.content.decode()


def test_queries_do_not_grow_with_records(
    client, partnership_lead, team, other_team, django_assert_max_num_queries
):
    client.force_login(partnership_lead)
    review_with_words(team, ref="X-0", words="w", barriers=("transport",))
    with django_assert_max_num_queries(20) as few:
        client.get(URL, NOT_ACHIEVED)
    for n in range(1, 25):
        review_with_words(
            team if n % 2 else other_team,
            ref=f"X-{n}",
            words=f"words {n}",
            barriers=("transport", "staffing"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, NOT_ACHIEVED)
    assert len(response.context["page"]) == 25


@pytest.mark.parametrize("who", ["partnership_lead", "team_leader"])
def test_barrier_drilldown_queries_are_constant(
    client, request, team, other_team, who, django_assert_max_num_queries
):
    """By barrier, across every outcome and conversation type: 2 records or 12, the same."""
    barrier = {"barrier": "transport", "period": "2026-27"}
    client.force_login(request.getfixturevalue(who))
    for n in range(2):
        review_with_words(team, ref=f"Y-{n}", words=f"words {n}", barriers=("transport",))
    with django_assert_max_num_queries(20) as few:
        client.get(URL, barrier)
    for n in range(2, 12):
        review_with_words(
            team if n % 2 else other_team,
            ref=f"Y-{n}",
            words=f"words {n}",
            type="assessment" if n % 3 else "review",
            barriers=("transport", "staffing"),
        )
    review_with_words(team, ref="Z-0", words="staffing only", barriers=("staffing",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, barrier)
    expected = 12 if who == "partnership_lead" else 7  # the team leader reads East only
    assert response.context["page"].paginator.count == expected
    assert "staffing only" not in words_on(response)
    assert AuditEvent.objects.filter(action="viewed_drilldown").count() == 2 + expected


# --- bad links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params,message",
    [
        ({"outcome": "no_such_outcome", "status": "not_achieved"}, "no outcome with the code"),
        ({"outcome": "feeling_safe", "status": "lost"}, "is not a status at review"),
        ({"barrier": "no_such_barrier"}, "no barrier with the code"),
        ({**NOT_ACHIEVED, "period": "2026"}, "is not a period"),
        ({**NOT_ACHIEVED, "period": "2026-28"}, "second year must follow"),
        ({"status": "not_achieved"}, "A status needs an outcome"),
        ({"outcome": "feeling_safe"}, "Say which figure to explain"),
        ({}, "Say which figure to explain"),
    ],
)
def test_bad_params_are_400_with_a_clear_message(client, team_leader, team, params, message):
    client.force_login(team_leader)
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem with the link" in html
    assert message in html


def test_a_bad_link_still_leads_back_to_the_dashboard_it_came_from(client, team_leader, team):
    client.force_login(team_leader)
    response = client.get(URL, {"outcome": "nope", "period": "2026-27 Q1", "team": team.code})
    assert response.status_code == 400
    back = response.context["dashboard_url"]
    assert back.startswith(reverse("reporting:dashboard") + "?")
    assert "period=2026-27+Q1" in back and f"team={team.code}" in back
    assert "Back to the dashboard" in response.content.decode()
    assert not AuditEvent.objects.filter(action="viewed_drilldown").exists()


# --- nothing to show, and the way back ------------------------------------------------------


def test_a_valid_link_with_nothing_behind_it_says_so_plainly(client, team_leader, team):
    review_with_words(team, ref="E-1", words="achieved instead", status="achieved")
    client.force_login(team_leader)
    response = client.get(URL, {**NOT_ACHIEVED, "period": "2026-27 Q1", "team": team.code})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem with the link" not in html
    assert (
        f"No conversations in {team.name} for 2026-27 Q1 match “Feeling safe”: not achieved "
        "at review." in html
    )
    barrier = client.get(URL, {"barrier": "transport", "period": "2026-27"})
    assert barrier.status_code == 200
    assert "match the barrier “Transport" in barrier.content.decode()


def test_back_to_the_dashboard_keeps_scope_and_period_with_breadcrumbs(
    client, partnership_lead, team
):
    review_with_words(team, ref="E-1", words="words")
    client.force_login(partnership_lead)
    response = client.get(URL, {**NOT_ACHIEVED, "period": "2026-27", "team": team.code})

    dashboard = reverse("reporting:dashboard")
    back = f"{dashboard}?period=2026-27&amp;team={team.code}#achievement"
    html = response.content.decode()
    assert f'href="{back}" id="back-to-dashboard">Back to the dashboard' in html
    assert 'aria-label="Breadcrumb"' in html
    assert f'<a href="{back}">Reports: {team.name}, 2026-27</a>' in html
    assert 'aria-current="page">The words behind the figure' in html
    # A barrier figure leads back to the barriers; the whole reach carries no team.
    barrier = client.get(URL, {"barrier": "transport", "period": "2026-27 Q1"})
    assert barrier.context["dashboard_url"] == f"{dashboard}?period=2026-27+Q1#barriers"


def test_the_period_can_be_changed_from_the_same_list_as_the_dashboard(client, team_leader, team):
    client.force_login(team_leader)
    response = client.get(URL, {**NOT_ACHIEVED, "period": "2026-27", "team": team.code})
    html = response.content.decode()
    assert '<select class="form-select" id="period" name="period">' in html
    for name, value in (("outcome", "feeling_safe"), ("status", "not_achieved")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert f'<input type="hidden" name="team" value="{team.code}">' in html
    dashboard = client.get(reverse("reporting:dashboard"), {"period": "2026-27"})
    assert response.context["period_choices"] == [
        (choice.value, choice.label) for choice in dashboard.context["period_choices"]
    ]


# --- audit ----------------------------------------------------------------------------------


def test_opening_the_words_is_audited_once_per_person_shown(client, team_leader, team):
    first = review_with_words(team, ref="E-1", words="one")
    second = review_with_words(team, ref="E-2", words="two")
    client.force_login(team_leader)

    client.get(URL, {**NOT_ACHIEVED, "team": team.code})

    events = AuditEvent.objects.filter(action="viewed_drilldown")
    assert {e.person for e in events} == {first.conversation.subject, second.conversation.subject}
    assert all(e.user == team_leader and e.conversation is None for e in events)
    assert all(e.ip_address == "127.0.0.1" for e in events)
    assert (
        events[0].reason == f"“Feeling safe”: not achieved at review — {team.name}, 2026-27, page 1"
    )
    assert events[0].get_action_display() == "Read their words behind a report figure"
    # Nothing shown, nobody's words read: no entry.
    client.get(URL, {**NOT_ACHIEVED, "period": "2025-26"})
    assert AuditEvent.objects.filter(action="viewed_drilldown").count() == 2


def test_records_come_only_from_conversations_the_reader_may_read(
    team, other_team, team_leader, partnership_lead
):
    """The selector's ``reader`` narrows even a scope wider than the reader's own."""
    from reporting.selectors import Scope, records_behind_figure

    east = review_with_words(team, ref="E-1", words="east", barriers=("transport",))
    west = review_with_words(other_team, ref="W-1", words="west", barriers=("transport",))
    whole = Scope(partnership=team.partnership)
    period = Period.parse("2026-27")
    for reader, expected in ((team_leader, [east]), (partnership_lead, [east, west])):
        records = records_behind_figure(
            scope=whole,
            period=period,
            barrier_code="transport",
            reader=reader,
        )
        assert sorted(records, key=lambda r: r.pk) == expected
    assert list(records_behind_figure(scope=whole, period=period, barrier_code="staffing")) == []
