"""Scope as ids: who sees which people, teams and conversations, at the boundaries.

The scoped querysets filter on the user's team and partnership ids, read once per request;
these tests pin the same answers the membership joins gave, for every role, and that the SQL
neither joins memberships nor needs DISTINCT.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.access import staff_scope
from conversations.models import Conversation, Person, Team
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    answered_conversation,
    make_partnership_lead,
    make_practitioner,
    make_team_leader,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("conversations:person-list")


def detail_url(person: Person) -> str:
    return reverse("conversations:person-detail", args=[person.pk])


@pytest.fixture
def two_team_person(team, other_team) -> Person:
    """Allocated to both East and West of the same partnership."""
    return PersonFactory(partnership=team.partnership, ref="B-1", teams=[team, other_team])


@pytest.fixture
def unallocated(partnership) -> Person:
    """Held by the partnership, allocated to no team yet."""
    return PersonFactory(partnership=partnership, ref="U-1", teams=[])


def held(person: Person, team: Team) -> Conversation:
    return answered_conversation(
        person=person, team=team, date_held=datetime.date(2026, 5, 14), answers={}
    )


# --- people -----------------------------------------------------------------------------------


def test_person_in_two_teams_is_seen_once_from_either_team(
    client, practitioner, colleague_elsewhere, two_team_person, person
):
    both = make_practitioner(person.teams.get(), "both")
    MembershipFactory(user=both, team=two_team_person.teams.exclude(pk=person.teams.get().pk)[0])

    assert list(Person.objects.visible_to(practitioner)) == [two_team_person, person]
    assert list(Person.objects.visible_to(colleague_elsewhere)) == [two_team_person]
    # A member of both teams: once each, without DISTINCT.
    assert list(Person.objects.visible_to(both)) == [two_team_person, person]
    assert Person.objects.visible_to(both).count() == 2

    client.force_login(both)
    listing = client.get(LIST_URL)
    assert list(listing.context["page"].object_list) == [two_team_person, person]
    assert listing.context["page"].paginator.count == 2


def test_lead_sees_everyone_in_the_partnership_and_no_one_elsewhere(
    partnership_lead, two_team_person, unallocated, person, foreign_team
):
    abroad = PersonFactory(partnership=foreign_team.partnership, ref="F-1", teams=[foreign_team])
    visible = list(Person.objects.visible_to(partnership_lead))
    assert visible == [two_team_person, person, unallocated]
    assert abroad not in visible
    # Leads read; they change nobody.
    assert not Person.objects.editable_by(partnership_lead).exists()


def test_unallocated_person_is_seen_only_by_the_lead(
    client, practitioner, team_leader, partnership_lead, unallocated
):
    for user in (practitioner, team_leader):
        assert unallocated not in Person.objects.visible_to(user)
        client.force_login(user)
        assert client.get(detail_url(unallocated)).status_code == 404
    client.force_login(partnership_lead)
    assert client.get(detail_url(unallocated)).status_code == 200


def test_practitioner_who_also_leads_another_partnership_sees_both(
    team, person, foreign_team, other_team
):
    abroad = PersonFactory(partnership=foreign_team.partnership, ref="F-1", teams=[foreign_team])
    west = PersonFactory(partnership=team.partnership, ref="W-1", teams=[other_team])
    user = make_practitioner(team, "twohats")
    MembershipFactory(
        user=user, role="partnership_lead", team=None, partnership=foreign_team.partnership
    )

    assert set(Person.objects.visible_to(user)) == {person, abroad}
    assert west not in Person.objects.visible_to(user)
    assert set(Person.objects.editable_by(user)) == {person}


@pytest.mark.parametrize("user", ["outsider", "colleague_elsewhere", "outside_lead"])
def test_outsiders_get_404_for_the_person_and_an_empty_search(client, person, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(detail_url(person)).status_code == 404
    assert client.get(reverse("conversations:person-summary", args=[person.pk])).status_code == 404
    found = client.get(LIST_URL, {"q": person.ref})
    assert person not in found.context["page"].object_list


def test_user_without_memberships_sees_nobody_and_asks_nothing_more(person):
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    with CaptureQueriesContext(connection) as captured:
        assert list(Person.objects.visible_to(nobody)) == []
        assert list(Conversation.objects.visible_to(nobody)) == []
        assert list(Team.objects.visible_to(nobody)) == []
    # One query reads the memberships; the empty scopes need no query at all.
    assert len(captured) == 1


def test_scoped_sql_has_no_membership_join_and_no_distinct(practitioner, partnership_lead):
    for user in (practitioner, partnership_lead):
        staff_scope(user)
        with CaptureQueriesContext(connection) as captured:
            list(Person.objects.visible_to(user))
            list(Person.objects.editable_by(user))  # a lead's is empty: no query at all
            list(Conversation.objects.visible_to(user))
            list(Team.objects.visible_to(user))
        assert len(captured) == (4 if user == practitioner else 3)
        for query in captured:
            assert "distinct" not in query["sql"].lower()
            assert "membership" not in query["sql"].lower()


def test_memberships_are_read_once_per_request(client, practitioner, person):
    client.force_login(practitioner)
    with CaptureQueriesContext(connection) as captured:
        client.get(detail_url(person))
    membership_reads = [q for q in captured if "conversations_membership" in q["sql"]]
    assert len(membership_reads) == 1


# --- teams and conversations ------------------------------------------------------------------


def test_teams_by_role(team, other_team, foreign_team, practitioner, partnership_lead):
    leader = make_team_leader(other_team, "westleader")
    assert list(Team.objects.visible_to(practitioner)) == [team]
    assert list(Team.objects.worked_in_by(practitioner)) == [team]
    assert not Team.objects.led_by(practitioner).exists()
    assert list(Team.objects.led_by(leader)) == [other_team]
    assert set(Team.objects.visible_to(partnership_lead)) == {team, other_team}
    assert not Team.objects.worked_in_by(partnership_lead).exists()
    assert foreign_team not in Team.objects.visible_to(partnership_lead)


def test_conversations_by_role(
    team, other_team, two_team_person, practitioner, team_leader, partnership_lead, outside_lead
):
    east = held(two_team_person, team)
    west = held(two_team_person, other_team)
    other_lead = make_partnership_lead(team.partnership, "secondlead")

    # Held by the team, not by where the person is allocated.
    assert list(Conversation.objects.visible_to(practitioner)) == [east]
    assert list(Conversation.objects.editable_by(practitioner)) == [east]
    assert not Conversation.objects.reopenable_by(practitioner).exists()
    assert list(Conversation.objects.reopenable_by(team_leader)) == [east]
    for lead in (partnership_lead, other_lead):
        assert set(Conversation.objects.visible_to(lead)) == {east, west}
        assert not Conversation.objects.editable_by(lead).exists()
    assert not Conversation.objects.visible_to(outside_lead).exists()


def test_scope_is_read_once_per_user_object(practitioner):
    first = staff_scope(practitioner)
    with CaptureQueriesContext(connection) as captured:
        assert staff_scope(practitioner) is first
        list(Person.objects.visible_to(practitioner))
    assert len(captured) == 1  # the people, not the memberships again
