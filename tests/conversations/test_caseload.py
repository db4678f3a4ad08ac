"""The caseload on the home page: drafts, reviews due and overdue, people seen recently, a
team leader's waiting work, and what each role (and an outsider) sees."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations import selectors
from conversations.models import Conversation, Person
from conversations.models.records import add_months
from tests.conversations.caseload_helpers import days_ago, draft, signed_off
from tests.factories import PersonFactory, answered_conversation, make_practitioner

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def section(content: str, kind: str) -> str:
    """The rows of one caseload table (``data-caseload="<kind>"``), or '' when absent."""
    match = re.search(rf'data-caseload="{kind}".*?</table>', content, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def colleague(team):
    """Another practitioner in the same team."""
    return make_practitioner(team, "colleague")


@pytest.fixture
def second_person(team):
    return PersonFactory(partnership=team.partnership, ref="P-2", name="Isla Rendall", teams=[team])


# --- drafts -----------------------------------------------------------------------------------


def test_my_drafts_show_their_age_and_continue_in_one_click(
    client, practitioner, colleague, person, second_person, team
):
    mine = draft(person=person, team=team, by=practitioner, started_days_ago=3)
    theirs = draft(person=second_person, team=team, by=colleague)

    content = home(client, practitioner)

    drafts = section(content, "drafts")
    assert "P-1" in drafts and "3 days ago" in drafts
    assert reverse("conversations:conversation-record", args=[mine.pk]) in drafts
    assert reverse("conversations:conversation-record", args=[theirs.pk]) not in drafts
    assert "P-2" not in drafts


def test_no_drafts_is_said_in_plain_words(client, practitioner):
    content = home(client, practitioner)

    assert 'data-caseload="drafts"' not in content
    assert "You have no drafts waiting." in content
    assert "Nobody you saw is overdue for a review." in content
    assert "No reviews fall due in the next 28 days" in content
    assert "You have not held a conversation in your teams yet." in content


# --- reviews due and overdue --------------------------------------------------------------------


def test_review_dates_set_at_sign_off_drive_due_and_overdue(
    client, practitioner, team, person, second_person
):
    third = PersonFactory(partnership=team.partnership, ref="P-3", teams=[team])
    today = timezone.localdate()
    signed_off(
        person=person,
        team=team,
        by=practitioner,
        date_held=days_ago(60),
        review_due=today - datetime.timedelta(days=2),
    )
    signed_off(
        person=second_person,
        team=team,
        by=practitioner,
        date_held=days_ago(60),
        review_due=today + datetime.timedelta(days=10),
    )
    signed_off(
        person=third,
        team=team,
        by=practitioner,
        date_held=days_ago(60),
        review_due=today + datetime.timedelta(days=60),
    )

    content = home(client, practitioner)

    overdue, due = section(content, "overdue"), section(content, "due")
    assert "P-1" in overdue and "2 days overdue" in overdue
    assert "P-2" in due and "in 10 days" in due
    assert "P-1" not in due and "P-2" not in overdue
    assert "P-3" not in overdue and "P-3" not in due
    start = reverse("conversations:conversation-start", args=[person.pk])
    assert start in overdue


def test_no_review_date_falls_back_to_twelve_months(practitioner, team, person, second_person):
    today = timezone.localdate()
    for subject, held in ((person, add_months(today, -13)), (second_person, days_ago(100))):
        conversation = answered_conversation(
            person=subject, team=team, date_held=held, answers={}, type="review"
        )
        Conversation.objects.filter(pk=conversation.pk).update(practitioner=practitioner)

    overdue, due = selectors.my_reviews(practitioner, today=today)

    assert [row.subject for row in overdue] == [person]
    assert overdue[0].review_by == add_months(add_months(today, -13), 12)
    assert due == []


def test_a_later_conversation_takes_the_review_over(practitioner, colleague, team, person):
    signed_off(
        person=person, team=team, by=practitioner, date_held=days_ago(90), review_due=days_ago(1)
    )
    signed_off(
        person=person,
        team=team,
        by=colleague,
        date_held=days_ago(5),
        type="review",
        review_due=days_ago(-200),
    )

    mine = selectors.my_reviews(practitioner, today=timezone.localdate())
    theirs = selectors.my_reviews(colleague, today=timezone.localdate())

    assert mine == ([], [])
    assert theirs == ([], [])


def test_a_review_in_progress_is_offered_instead_of_starting_one(
    client, practitioner, team, person
):
    signed_off(
        person=person, team=team, by=practitioner, date_held=days_ago(90), review_due=days_ago(1)
    )
    in_progress = draft(person=person, team=team, by=practitioner)

    overdue = section(home(client, practitioner), "overdue")

    assert "Continue the draft in progress" in overdue
    assert reverse("conversations:conversation-record", args=[in_progress.pk]) in overdue
    assert reverse("conversations:conversation-start", args=[person.pk]) not in overdue


def test_reopened_and_signed_off_again_the_new_review_date_counts(
    practitioner, team_leader, team, person
):
    from conversations.services import recording

    conversation = signed_off(
        person=person, team=team, by=practitioner, date_held=days_ago(60), review_due=days_ago(1)
    )
    assert selectors.my_reviews(practitioner, today=timezone.localdate())[0]
    recording.conversation_reopen(conversation=conversation, by=team_leader, reason="Wrong date")
    recording.conversation_complete(
        conversation=conversation, by=practitioner, review_due=days_ago(-100)
    )

    assert selectors.my_reviews(practitioner, today=timezone.localdate()) == ([], [])


# --- people seen and recent activity ----------------------------------------------------------


def test_people_i_saw_recently_come_from_my_conversations(
    client, practitioner, colleague, team, person, second_person
):
    signed_off(person=person, team=team, by=practitioner, date_held=days_ago(20))
    draft(person=second_person, team=team, by=colleague)

    seen = section(home(client, practitioner), "seen")

    assert "P-1" in seen and "P-2" not in seen


def test_recent_activity_follows_conversations_not_only_people_s_details(
    client, practitioner, colleague, team, person, second_person
):
    long_ago = timezone.now() - datetime.timedelta(days=300)
    Person.objects.filter(pk__in=[person.pk, second_person.pk]).update(updated_at=long_ago)
    Person.objects.filter(pk=second_person.pk).update(
        updated_at=long_ago + datetime.timedelta(days=1)
    )
    draft(person=person, team=team, by=colleague)

    recent = section(home(client, practitioner), "recent")

    assert recent.index("P-1") < recent.index("P-2")


# --- team leaders -----------------------------------------------------------------------------


def test_team_leader_sees_old_drafts_and_overdue_reviews_per_practitioner(
    client, team_leader, practitioner, colleague, team, other_team, person, second_person
):
    old = draft(person=person, team=team, by=practitioner, started_days_ago=20)
    draft(person=second_person, team=team, by=colleague, started_days_ago=2)
    signed_off(
        person=second_person,
        team=team,
        by=colleague,
        date_held=days_ago(90),
        type="assessment",
        review_due=days_ago(3),
    )
    west = PersonFactory(partnership=team.partnership, ref="W-1", teams=[other_team])
    west_practitioner = make_practitioner(other_team, "westie")
    draft(person=west, team=other_team, by=west_practitioner, started_days_ago=40)

    content = home(client, team_leader)

    queue = re.search(rf'data-team-queue="{team.pk}".*?</table>', content, re.S).group(0)
    rows = dict(re.findall(r'data-practitioner="(practitioner-\d+)">(.*?)</tr>', queue, re.S))
    prac_row, colleague_row = (
        rows[f"practitioner-{practitioner.pk}"],
        rows[f"practitioner-{colleague.pk}"],
    )
    assert re.search(r">1<span[^>]*> old drafts", prac_row)
    assert re.search(r">1<span[^>]*> reviews overdue", colleague_row)
    assert "old drafts" not in colleague_row  # the two-day-old draft is not old
    assert reverse("conversations:conversation-detail", args=[old.pk]) in content
    assert "W-1" not in content and "westie" not in content
    assert f'data-practitioner-count="{team.pk}">2<' in content


def test_the_old_draft_threshold_is_a_setting(
    client, settings, team_leader, practitioner, team, person
):
    settings.CASELOAD_OLD_DRAFT_DAYS = 30
    draft(person=person, team=team, by=practitioner, started_days_ago=20)

    content = home(client, team_leader)

    assert "Drafts older than 30 days" not in content
    assert "no drafts older than 30 days and no reviews overdue" in content


def test_practitioner_count_counts_practitioners_not_the_leader(
    client, team_leader, practitioner, team
):
    content = home(client, team_leader)

    assert f'data-practitioner-count="{team.pk}">1<' in content


# --- other roles and outsiders ----------------------------------------------------------------


def test_partnership_lead_has_no_caseload_of_their_own(
    client, partnership_lead, practitioner, team, person
):
    draft(person=person, team=team, by=practitioner)

    content = home(client, partnership_lead)

    assert "Your partnership" in content
    assert "My drafts" not in content and "Waiting in" not in content


def test_an_outsider_sees_nothing_of_other_teams(client, outsider, practitioner, team, person):
    signed_off(
        person=person,
        team=team,
        by=practitioner,
        date_held=days_ago(90),
        type="review",
        review_due=days_ago(1),
    )
    draft(person=person, team=team, by=practitioner)

    content = home(client, outsider)

    assert "P-1" not in content and person.name not in content
    assert "You have no drafts waiting." in content


def test_a_practitioner_who_moved_team_no_longer_sees_the_old_team_s_work(
    client, practitioner, team, other_team, person
):
    draft(person=person, team=team, by=practitioner)
    practitioner.memberships.update(team=other_team)

    content = home(client, practitioner)

    assert "P-1" not in content


def test_administrator_without_a_team_gets_the_admin_links(client, django_user_model):
    admin = django_user_model.objects.create_user("admin", password="x", is_staff=True)

    content = home(client, admin)

    assert reverse("admin:frameworks_framework_changelist") in content
    assert reverse("admin:conversations_team_changelist") in content
    assert reverse("admin:auth_user_changelist") in content
    assert "ask your administrator" not in content.lower()


# --- cost -------------------------------------------------------------------------------------


def _home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def _caseload(*, size: int, team, by) -> None:
    for number in range(size):
        subject = PersonFactory(partnership=team.partnership, teams=[team])
        signed_off(
            person=subject,
            team=team,
            by=by,
            date_held=days_ago(100),
            review_due=days_ago(number % 3 - 1),
        )
        draft(person=subject, team=team, by=by, started_days_ago=number * 5)


def test_home_queries_do_not_grow_with_the_caseload(
    client, team, practitioner, team_leader, django_assert_max_num_queries
):
    make_practitioner(team, "another")
    _caseload(size=2, team=team, by=practitioner)
    small = {user: _home_queries(client, user) for user in (practitioner, team_leader)}
    _caseload(size=12, team=team, by=practitioner)
    large = {user: _home_queries(client, user) for user in (practitioner, team_leader)}

    assert large == small, (small, large)
    client.force_login(team_leader)
    with django_assert_max_num_queries(16):
        client.get(reverse("home"))


def test_a_team_leader_with_no_work_of_their_own_gets_one_line_not_four(client, team_leader, team):
    content = home(client, team_leader)

    assert "Nothing of your own is waiting" in content
    assert "My drafts" not in content
