import pytest
from django.urls import reverse

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_practitioner_sees_people_in_their_teams_only(client, practitioner, person, other_team):
    PersonFactory(partnership=other_team.partnership, ref="W-1", teams=[other_team])
    client.force_login(practitioner)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert b"People in your teams" in response.content
    assert b"P-1" in response.content
    assert b"W-1" not in response.content
    assert b"Teams you lead" not in response.content


def test_team_leader_sees_the_teams_they_lead(client, team_leader, team, other_team):
    client.force_login(team_leader)

    response = client.get(reverse("home"))

    assert b"Teams you lead" in response.content
    assert team.name.encode() in response.content
    assert other_team.name.encode() not in response.content


def test_partnership_lead_sees_every_team_of_their_partnership(
    client, partnership_lead, team, other_team, foreign_team
):
    client.force_login(partnership_lead)

    response = client.get(reverse("home"))

    content = response.content.decode()
    assert "Your partnership" in content
    assert team.name in content and other_team.name in content
    assert foreign_team.name not in content
    assert "People in your teams" not in content


def test_user_without_membership_is_told_to_ask_an_administrator(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)

    response = client.get(reverse("home"))

    assert b"not yet a member" in response.content


def test_home_page_queries_do_not_grow_with_teams(
    client, partnership_lead, django_assert_max_num_queries
):
    from tests.factories import TeamFactory

    for _ in range(10):
        TeamFactory(partnership=partnership_lead.memberships.get().partnership)
    client.force_login(partnership_lead)

    with django_assert_max_num_queries(8):
        client.get(reverse("home"))
