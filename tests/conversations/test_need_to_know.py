"""Need to know: a person allocated to two teams. Team East (A) has held a review with them;
a practitioner of team West (B) must see nothing of it anywhere — no words, statuses,
actions, goals, dates or links — while East's own staff and the partnership lead do.

One rule decides: ``Conversation.objects.visible_to(user)``. Each page that shows a
conversation's content is checked here for both sides, so that the test fails if a page
leaks and also if the markers stopped being shown at all."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from conversations.models import Conversation
from conversations.services import recording
from conversations.services.recording import ActionData, GoalData, OutcomeData
from tests.conversations.test_recording_service import data_for
from tests.factories import PersonFactory, make_practitioner, start_conversation

pytestmark = pytest.mark.django_db

EAST_DAY = datetime.date(2026, 5, 4)
WEST_DAY = datetime.date(2026, 6, 10)
EAST_WORDS = "East words: I am frightened at night"
EAST_HELPING = "East helping: my neighbour Jean"
EAST_BARRIER = "East barrier: the stairs"
EAST_ACTION = "East action: fit a key safe"
EAST_GOAL = "East goal: walk to the shop"
EAST_SUMMARY = "East summary: feel safer at home"
EAST_MARKERS = (EAST_WORDS, EAST_HELPING, EAST_BARRIER, EAST_ACTION, EAST_GOAL, EAST_SUMMARY)
WEST_WORDS = "West words: the garden keeps me going"


def _signed_off(
    conversation: Conversation, by, *, summary: str = "", **outcomes: OutcomeData
) -> Conversation:
    data = data_for(conversation, **outcomes)
    data.summary = summary
    saved = recording.conversation_save(
        conversation=conversation, data=data, by=by, revision=conversation.revision
    )
    return recording.conversation_complete(conversation=saved, by=by)


@pytest.fixture
def shared_person(team, other_team):
    return PersonFactory(
        partnership=team.partnership, ref="P-2T", name="Isla Rendall", teams=[team, other_team]
    )


@pytest.fixture
def east_review(shared_person, team, practitioner):
    """Team East's signed-off review, with words, a status, an action, a goal."""
    conversation = start_conversation(
        person=shared_person, team=team, by=practitioner, type="review", date_held=EAST_DAY
    )
    return _signed_off(
        conversation,
        practitioner,
        summary=EAST_SUMMARY,
        feeling_safe=OutcomeData(
            matters=True,
            words=EAST_WORDS,
            status="not_achieved",
            helping=EAST_HELPING,
            barrier_words=EAST_BARRIER,
            actions=[ActionData(EAST_ACTION, "services")],
            goals=[GoalData(EAST_GOAL, "not_achieved")],
        ),
    )


@pytest.fixture
def west(other_team):
    return make_practitioner(other_team, "westprac")


@pytest.fixture
def west_review(east_review, shared_person, other_team, west):
    """Team West's own review, started after East's, through the service the page uses."""
    conversation = start_conversation(
        person=shared_person, team=other_team, by=west, type="review", date_held=WEST_DAY
    )
    return _signed_off(
        conversation,
        west,
        seeing_people=OutcomeData(matters=True, words=WEST_WORDS, status="partly_achieved"),
    )


@pytest.fixture
def west_legacy_draft(east_review, shared_person, other_team, west):
    """A West draft that follows East's review, as one started before the rule would."""
    draft = start_conversation(
        person=shared_person, team=other_team, by=west, type="review", date_held=WEST_DAY
    )
    Conversation.objects.filter(pk=draft.pk).update(follows=east_review)
    draft.refresh_from_db()
    return draft


def east_traces(east_review: Conversation) -> list[str]:
    """Everything that would betray East's review on a page: its words, its date, its links."""
    return [
        *EAST_MARKERS,
        f"{EAST_DAY:%-d %b %Y}",
        f"{EAST_DAY:%-d %B %Y}",
        EAST_DAY.isoformat(),
        reverse("conversations:conversation-detail", args=[east_review.pk]),
    ]


def leaked(response, east_review: Conversation) -> list[str]:
    text = response.content.decode()
    return [trace for trace in east_traces(east_review) if trace in text]


# --- the service: what a review started by team West follows ---------------------------------


def test_a_review_started_by_the_second_team_follows_nothing_of_the_first(
    east_review, shared_person, other_team, west
):
    review = start_conversation(
        person=shared_person, team=other_team, by=west, type="review", date_held=WEST_DAY
    )

    assert review.follows is None
    assert not review.outcome_records.filter(matters=True).exists()
    assert recording.previous_conversation(review, user=west) is None
    assert recording.previous_records(review, user=west) == {}


def test_a_review_follows_the_latest_conversation_of_its_own_team(
    east_review, west_review, shared_person, team, other_team, practitioner, west
):
    later_west = start_conversation(
        person=shared_person,
        team=other_team,
        by=west,
        type="review",
        date_held=datetime.date(2026, 9, 1),
    )
    later_east = start_conversation(
        person=shared_person,
        team=team,
        by=practitioner,
        type="review",
        date_held=datetime.date(2026, 9, 1),
    )

    assert later_west.follows == west_review
    assert set(
        later_west.outcome_records.filter(matters=True).values_list("outcome__code", flat=True)
    ) == {"seeing_people"}
    assert later_east.follows == east_review
    assert set(
        later_east.outcome_records.filter(matters=True).values_list("outcome__code", flat=True)
    ) == {"feeling_safe"}


def test_last_time_of_a_conversation_following_another_team_s_is_scoped_to_the_reader(
    west_legacy_draft, east_review, west, practitioner, partnership_lead
):
    assert recording.previous_conversation(west_legacy_draft, user=west) is None
    assert recording.previous_records(west_legacy_draft, user=west) == {}
    # The partnership lead may read both, so sees what it follows.
    assert recording.previous_conversation(west_legacy_draft, user=partnership_lead) == (
        east_review
    )
    records = recording.previous_records(west_legacy_draft, user=partnership_lead)
    assert records["feeling_safe"].words == EAST_WORDS


def test_a_review_that_followed_nothing_shows_nothing_as_follows_even_to_the_lead(
    client, east_review, shared_person, other_team, west, partnership_lead
):
    review = start_conversation(
        person=shared_person, team=other_team, by=west, type="review", date_held=WEST_DAY
    )
    client.force_login(partnership_lead)

    detail = client.get(reverse("conversations:conversation-detail", args=[review.pk]))

    assert recording.previous_conversation(review, user=partnership_lead) is None
    assert detail.context["previous_conversation"] is None


def test_last_time_falls_back_to_the_reader_s_own_latest_earlier_conversation(
    west_review, east_review, shared_person, other_team, west
):
    draft = start_conversation(
        person=shared_person,
        team=other_team,
        by=west,
        type="review",
        date_held=datetime.date(2026, 9, 1),
    )
    Conversation.objects.filter(pk=draft.pk).update(follows=east_review)
    draft.refresh_from_db()

    assert recording.previous_conversation(draft, user=west) == west_review
    assert recording.previous_records(draft, user=west)["seeing_people"].words == WEST_WORDS


# --- every page, as team West and as team East -------------------------------------------------


def _person_pages(person) -> list[str]:
    return [
        reverse("conversations:person-detail", args=[person.pk]),
        reverse("conversations:person-summary", args=[person.pk]),
        reverse("conversations:conversation-start", args=[person.pk]),
        reverse("conversations:person-list"),
        reverse("home"),
    ]


def _conversation_pages(conversation) -> list[str]:
    return [
        reverse("conversations:conversation-detail", args=[conversation.pk]),
        reverse("conversations:conversation-history", args=[conversation.pk]),
    ]


def _report_pages() -> list[str]:
    drilldown = reverse("reporting:drilldown")
    return [
        f"{reverse('reporting:dashboard')}?period=2026-27",
        f"{drilldown}?outcome=feeling_safe&status=not_achieved&period=2026-27",
        f"{drilldown}?outcome=feeling_safe&status=achieved&period=2026-27",
        f"{drilldown}?outcome=seeing_people&status=partly_achieved&period=2026-27",
        *(
            f"{reverse('reporting:dashboard-download', args=[table])}?period=2026-27"
            for table in ("measures", "achievement", "barriers", "coverage")
        ),
    ]


def test_team_west_sees_nothing_of_team_east_s_review_on_any_page(
    client, shared_person, east_review, west_review, west_legacy_draft, west
):
    client.force_login(west)
    pages = [
        *_person_pages(shared_person),
        *_conversation_pages(west_review),
        *_conversation_pages(west_legacy_draft),
        reverse("conversations:conversation-record", args=[west_legacy_draft.pk]),
        reverse("conversations:conversation-complete", args=[west_legacy_draft.pk]),
        *_report_pages(),
    ]

    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert leaked(response, east_review) == [], page
    # West's own work is shown: the pages were read, not empty.
    summary = client.get(reverse("conversations:person-summary", args=[shared_person.pk]))
    assert WEST_WORDS in summary.content.decode()


def test_team_east_s_review_itself_is_not_found_for_team_west(client, east_review, west):
    client.force_login(west)
    for name in (
        "conversation-detail",
        "conversation-history",
        "conversation-record",
        "conversation-complete",
        "conversation-reopen",
    ):
        response = client.get(reverse(f"conversations:{name}", args=[east_review.pk]))
        assert response.status_code == 404, name
    drilldown = reverse("reporting:drilldown")
    response = client.get(f"{drilldown}?team=ORK-E&outcome=feeling_safe&period=2026-27")
    assert response.status_code == 404


def test_the_same_pages_show_team_east_s_review_to_those_who_may_read_it(
    client, shared_person, east_review, west_review, practitioner, partnership_lead
):
    """The control: the markers do appear where the reader may see East's review, so the
    test above would notice a leak."""
    client.force_login(practitioner)
    detail = client.get(reverse("conversations:person-detail", args=[shared_person.pk]))
    summary = client.get(reverse("conversations:person-summary", args=[shared_person.pk]))
    own = client.get(reverse("conversations:conversation-detail", args=[east_review.pk]))
    drilldown = client.get(
        f"{reverse('reporting:drilldown')}?outcome=feeling_safe&status=not_achieved&period=2026-27"
    )

    assert reverse("conversations:conversation-detail", args=[east_review.pk]) in (
        detail.content.decode()
    )
    assert f"{EAST_DAY:%-d %b %Y}" in detail.content.decode()
    assert {EAST_WORDS, EAST_ACTION, EAST_GOAL} <= {
        marker for marker in EAST_MARKERS if marker in summary.content.decode()
    }
    assert {EAST_WORDS, EAST_ACTION, EAST_GOAL, EAST_SUMMARY} <= {
        marker for marker in EAST_MARKERS if marker in own.content.decode()
    }
    assert EAST_WORDS in drilldown.content.decode()

    client.force_login(partnership_lead)
    west_page = client.get(reverse("conversations:conversation-detail", args=[west_review.pk]))
    assert west_page.status_code == 200
    lead_drilldown = client.get(
        f"{reverse('reporting:drilldown')}?outcome=feeling_safe&status=not_achieved&period=2026-27"
    )
    assert EAST_WORDS in lead_drilldown.content.decode()


def test_last_time_on_the_recording_page_shows_only_what_the_reader_may_see(
    client, west_legacy_draft, east_review, west
):
    client.force_login(west)

    record = client.get(reverse("conversations:conversation-record", args=[west_legacy_draft.pk]))
    detail = client.get(reverse("conversations:conversation-detail", args=[west_legacy_draft.pk]))

    assert record.context["previous_conversation"] is None
    assert record.context["previous"] == {}
    assert detail.context["previous_conversation"] is None
    assert "Follows" not in detail.content.decode()


def test_the_outcome_history_and_summary_leave_out_the_other_team(
    shared_person, east_review, west_review, west
):
    from conversations import selectors

    history = selectors.outcome_history(shared_person, user=west)
    summaries = selectors.person_summary(shared_person, user=west)

    assert {row.conversation_id for row in history} == {west_review.pk}
    assert [summary.conversation for summary in summaries] == [west_review]


def test_the_review_queue_offers_no_other_team_s_draft(
    client, shared_person, team, other_team, practitioner, west
):
    west_done = start_conversation(
        person=shared_person,
        team=other_team,
        by=west,
        type="review",
        date_held=datetime.date(2025, 10, 1),
    )
    _signed_off(west_done, west, seeing_people=OutcomeData(matters=True, status="achieved"))
    Conversation.objects.filter(pk=west_done.pk).update(review_due=datetime.date(2026, 1, 1))
    east_draft = start_conversation(person=shared_person, team=team, by=practitioner)
    client.force_login(west)

    page = client.get(reverse("home")).content.decode()

    assert shared_person.ref in page
    assert reverse("conversations:conversation-record", args=[east_draft.pk]) not in page


def test_recent_activity_on_the_home_page_ignores_the_other_team_s_work(
    client, shared_person, east_review, west_review, west, practitioner
):
    from django.utils import timezone

    from conversations.models import Person

    long_ago = timezone.now() - datetime.timedelta(days=300)
    Person.objects.filter(pk=shared_person.pk).update(updated_at=long_ago)
    east_moment = timezone.make_aware(datetime.datetime(2026, 11, 29, 13, 37))
    west_moment = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 15))
    Conversation.objects.filter(pk=east_review.pk).update(updated_at=east_moment)
    Conversation.objects.filter(pk=west_review.pk).update(updated_at=west_moment)

    client.force_login(west)
    west_home = client.get(reverse("home")).content.decode()
    client.force_login(practitioner)
    east_home = client.get(reverse("home")).content.decode()

    assert "29 Nov 2026, 13:37" not in west_home
    assert "1 Jul 2026, 09:15" in west_home
    assert "29 Nov 2026, 13:37" in east_home


def test_a_carer_s_conversation_names_only_the_cared_for_people_the_reader_may_see(
    client, team, other_team, west, partnership_lead
):
    carer = PersonFactory(
        partnership=team.partnership, ref="C-1", name="Ewan Carer", teams=[other_team]
    )
    cared_for = PersonFactory(
        partnership=team.partnership, ref="E-9", name="Hidden Eastperson", teams=[team]
    )
    carer.cares_for.add(cared_for)
    conversation = start_conversation(
        person=carer, team=other_team, by=west, role="carer", version=("carers", "2013")
    )
    pages = [
        reverse("conversations:conversation-detail", args=[conversation.pk]),
        reverse("conversations:conversation-record", args=[conversation.pk]),
    ]

    client.force_login(west)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert "Hidden Eastperson" not in response.content.decode(), page
    client.force_login(partnership_lead)
    lead_view = client.get(pages[0]).content.decode()
    assert "Hidden Eastperson" in lead_view


def test_starting_a_conversation_suggests_a_review_only_after_one_the_reader_may_see(
    client, shared_person, east_review, west, practitioner
):
    url = reverse("conversations:conversation-start", args=[shared_person.pk])

    client.force_login(west)
    west_form = client.get(url).context["form"]
    client.force_login(practitioner)
    east_form = client.get(url).context["form"]

    assert west_form["type"].value() == "assessment"
    assert east_form["type"].value() == "review"
