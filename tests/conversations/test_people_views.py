from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conversations.models import Person
from tests.factories import PersonFactory, client_group

pytestmark = pytest.mark.django_db


def detail_url(person: Person) -> str:
    return reverse("conversations:person-detail", args=[person.pk])


def edit_url(person: Person) -> str:
    return reverse("conversations:person-edit", args=[person.pk])


LIST_URL = reverse("conversations:person-list")
CREATE_URL = reverse("conversations:person-create")


def form_data(team, **overrides) -> dict:
    data = {
        "ref": "P-NEW",
        "name": "Isla Rendall",
        "date_of_birth": "1940-03-02",
        "client_group": client_group().pk,
        "teams": [team.pk],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- anonymous, outsiders and wrong methods -------------------------------------------


@pytest.mark.parametrize("name", ["list", "create", "detail", "edit"])
def test_anonymous_is_sent_to_login(client, person, name):
    url = {
        "list": LIST_URL,
        "create": CREATE_URL,
        "detail": detail_url(person),
        "edit": edit_url(person),
    }[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("user", ["outsider", "colleague_elsewhere", "outside_lead"])
@pytest.mark.parametrize("view", ["detail", "edit"])
def test_people_outside_scope_are_not_found(client, person, request, user, view):
    client.force_login(request.getfixturevalue(user))
    url = detail_url(person) if view == "detail" else edit_url(person)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("user", ["outsider", "colleague_elsewhere"])
def test_post_to_edit_outside_scope_is_not_found_and_changes_nothing(
    client, person, request, user, team
):
    client.force_login(request.getfixturevalue(user))
    response = client.post(edit_url(person), form_data(team, ref="HIJACK"))
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.ref == "P-1"


def test_unknown_person_is_not_found(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("conversations:person-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("user", ["outsider", "colleague_elsewhere", "outside_lead"])
def test_list_and_search_hide_people_outside_scope(client, person, request, user):
    client.force_login(request.getfixturevalue(user))
    for url in (LIST_URL, LIST_URL + "?q=P-1", LIST_URL + "?q=Morag"):
        response = client.get(url)
        assert response.status_code == 200
        assert person not in response.context["page"].object_list
        assert detail_url(person).encode() not in response.content


def test_wrong_methods(client, practitioner, person):
    client.force_login(practitioner)
    assert client.post(LIST_URL).status_code == 405
    assert client.post(detail_url(person)).status_code == 405
    assert client.delete(edit_url(person)).status_code == 405
    assert client.put(CREATE_URL).status_code == 405


# --- partnership lead: reads, never writes ---------------------------------------------


def test_partnership_lead_reads_across_the_partnership(
    client, partnership_lead, person, other_team
):
    west = PersonFactory(partnership=other_team.partnership, ref="W-1", teams=[other_team])
    client.force_login(partnership_lead)

    listing = client.get(LIST_URL)
    assert set(listing.context["page"].object_list) == {person, west}
    assert not listing.context["can_add"]

    detail = client.get(detail_url(west))
    assert detail.status_code == 200
    assert not detail.context["can_edit"]
    assert edit_url(west).encode() not in detail.content


def test_partnership_lead_cannot_edit(client, partnership_lead, person, team):
    client.force_login(partnership_lead)
    assert client.get(edit_url(person)).status_code == 404
    assert client.post(edit_url(person), form_data(team, ref="CHANGED")).status_code == 404
    person.refresh_from_db()
    assert person.ref == "P-1"


def test_partnership_lead_cannot_create(client, partnership_lead, team):
    client.force_login(partnership_lead)
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, form_data(team)).status_code == 403
    assert not Person.objects.exists()


# --- list: search and team filter ---------------------------------------------------------


def test_search_by_ref_and_by_name(client, practitioner, person, team):
    other = PersonFactory(partnership=team.partnership, ref="Q-77", name="Sandy Linklater")
    other.teams.set([team])
    client.force_login(practitioner)

    by_ref = client.get(LIST_URL, {"q": "p-1"})
    assert list(by_ref.context["page"].object_list) == [person]

    by_name = client.get(LIST_URL, {"q": "linklater"})
    assert list(by_name.context["page"].object_list) == [other]


def test_team_filter_shows_only_that_team(client, team_leader, person, team, partnership):
    from tests.factories import TeamFactory, make_team_leader

    north = TeamFactory(partnership=partnership, code="ORK-N", name="North Isles")
    make_team_leader(north, team_leader.username)
    northerner = PersonFactory(partnership=partnership, ref="N-1", teams=[north])
    client.force_login(team_leader)

    everyone = client.get(LIST_URL)
    assert set(everyone.context["page"].object_list) == {person, northerner}
    only_east = client.get(LIST_URL, {"team": team.pk})
    assert list(only_east.context["page"].object_list) == [person]


def test_team_filter_cannot_show_another_teams_people(
    client, practitioner, other_team, foreign_team
):
    PersonFactory(partnership=other_team.partnership, ref="W-1", teams=[other_team])
    client.force_login(practitioner)
    assert client.get(LIST_URL, {"team": other_team.pk}).status_code == 404
    assert client.get(LIST_URL, {"team": foreign_team.pk}).status_code == 404
    assert client.get(LIST_URL, {"team": "not-a-number"}).status_code == 404


def test_list_is_paginated(client, practitioner, team):
    for number in range(30):
        PersonFactory(partnership=team.partnership, ref=f"R-{number:02d}", teams=[team])
    client.force_login(practitioner)

    first = client.get(LIST_URL)
    assert len(first.context["page"].object_list) == 25
    second = client.get(LIST_URL, {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_list_shows_carer_links_only_to_visible_people(client, practitioner, person, other_team):
    hidden = PersonFactory(partnership=other_team.partnership, ref="W-9", teams=[other_team])
    carer = PersonFactory(partnership=person.partnership, ref="C-1", is_carer=True)
    carer.teams.set(person.teams.all())
    carer.cares_for.set([person, hidden])
    client.force_login(practitioner)

    response = client.get(LIST_URL)

    assert detail_url(person).encode() in response.content
    assert b"W-9" not in response.content


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_person_teams_and_visible_links(client, practitioner, person, other_team):
    hidden_carer = PersonFactory(
        partnership=person.partnership, ref="W-C", is_carer=True, teams=[other_team]
    )
    hidden_carer.cares_for.add(person)
    carer = PersonFactory(partnership=person.partnership, ref="C-1", is_carer=True)
    carer.teams.set(person.teams.all())
    carer.cares_for.add(person)
    client.force_login(practitioner)

    response = client.get(detail_url(person))

    assert response.status_code == 200
    assert b"Morag Flett" in response.content
    assert b"East" in response.content
    assert detail_url(carer).encode() in response.content
    assert b"W-C" not in response.content
    assert b"None recorded yet" in response.content
    assert response.context["can_edit"]


# --- create -------------------------------------------------------------------------------


def test_create_form_offers_only_own_teams_and_visible_people(
    client, practitioner, person, team, other_team
):
    PersonFactory(partnership=other_team.partnership, ref="W-1", teams=[other_team])
    client.force_login(practitioner)

    response = client.get(CREATE_URL)

    form = response.context["form"]
    assert list(form.fields["teams"].queryset) == [team]
    assert list(form.fields["cares_for"].queryset) == [person]
    assert b'id="error-summary-title"' not in response.content
    assert b"<legend" in response.content


def test_practitioner_adds_a_person(client, practitioner, person, team):
    client.force_login(practitioner)

    response = client.post(
        CREATE_URL, form_data(team, ref=" P-2 ", is_carer="on", cares_for=[person.pk])
    )

    created = Person.objects.get(ref="P-2")
    assert response.status_code == 302
    assert response.url == detail_url(created)
    assert created.partnership == team.partnership
    assert created.name == "Isla Rendall"
    assert created.date_of_birth == date(1940, 3, 2)
    assert list(created.teams.all()) == [team]
    assert created.is_carer
    assert list(created.cares_for.all()) == [person]
    assert list(person.carers.all()) == [created]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Added P-2."]


def test_team_leader_adds_a_person(client, team_leader, team):
    client.force_login(team_leader)
    response = client.post(CREATE_URL, form_data(team))
    assert response.status_code == 302
    assert Person.objects.get(ref="P-NEW").teams.get() == team


def test_duplicate_ref_is_a_form_error_and_writes_nothing(client, practitioner, person, team):
    client.force_login(practitioner)

    response = client.post(CREATE_URL, form_data(team, ref="P-1", name="Someone Else"))

    assert response.status_code == 200
    assert "already held" in response.context["form"].errors["ref"][0]
    assert b"There is a problem" in response.content
    assert Person.objects.count() == 1


def test_duplicate_ref_from_another_team_of_the_partnership_is_refused(
    client, colleague_elsewhere, person, other_team
):
    client.force_login(colleague_elsewhere)
    response = client.post(CREATE_URL, form_data(other_team, ref="P-1"))
    assert response.status_code == 200
    assert "ref" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_same_ref_in_another_partnership_is_fine(client, outsider, person, foreign_team):
    client.force_login(outsider)
    response = client.post(CREATE_URL, form_data(foreign_team, ref="P-1"))
    assert response.status_code == 302
    assert Person.objects.filter(ref="P-1").count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": (date.today() + timedelta(days=1)).isoformat()}, "date_of_birth"),
        ({"ref": ""}, "ref"),
        ({"teams": None}, "teams"),
        ({"client_group": None}, "client_group"),
    ],
)
def test_invalid_person_is_refused(client, practitioner, team, overrides, field):
    client.force_login(practitioner)
    response = client.post(CREATE_URL, form_data(team, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Person.objects.exists()


def test_cannot_allocate_to_someone_elses_team(client, practitioner, team, other_team):
    client.force_login(practitioner)
    response = client.post(CREATE_URL, form_data(team, teams=[other_team.pk]))
    assert "teams" in response.context["form"].errors
    assert not Person.objects.exists()


def test_cannot_link_a_person_outside_scope(client, practitioner, team, other_team):
    hidden = PersonFactory(partnership=team.partnership, ref="W-1", teams=[other_team])
    client.force_login(practitioner)
    response = client.post(CREATE_URL, form_data(team, is_carer="on", cares_for=[hidden.pk]))
    assert "cares_for" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_cares_for_needs_is_carer(client, practitioner, person, team):
    client.force_login(practitioner)
    response = client.post(CREATE_URL, form_data(team, cares_for=[person.pk]))
    assert "is_carer" in response.context["form"].errors
    assert Person.objects.count() == 1


# --- edit ---------------------------------------------------------------------------------


def test_practitioner_edits_a_person(client, practitioner, person, team):
    client.force_login(practitioner)
    assert client.get(edit_url(person)).status_code == 200

    response = client.post(
        edit_url(person),
        form_data(team, ref="P-1A", name="", date_of_birth=None, client_group=None)
        | {"client_group": client_group("mental_health").pk},
    )

    assert response.status_code == 302
    assert response.url == detail_url(person)
    person.refresh_from_db()
    assert person.ref == "P-1A"
    assert person.name == ""
    assert person.date_of_birth is None
    assert person.client_group.code == "mental_health"


def test_editing_keeps_teams_and_links_the_user_cannot_see(
    client, practitioner, person, team, other_team
):
    person.teams.add(other_team)
    hidden = PersonFactory(partnership=team.partnership, ref="W-1", teams=[other_team])
    person.is_carer = True
    person.save()
    person.cares_for.add(hidden)
    client.force_login(practitioner)

    response = client.get(edit_url(person))
    assert list(response.context["form"].fields["teams"].queryset) == [team]
    response = client.post(edit_url(person), form_data(team, ref="P-1", is_carer="on"))

    assert response.status_code == 302
    assert set(person.teams.all()) == {team, other_team}
    assert list(person.cares_for.all()) == [hidden]


def test_edit_keeping_own_ref_is_fine_but_taking_anothers_is_not(
    client, practitioner, person, team
):
    PersonFactory(partnership=team.partnership, ref="P-2", teams=[team])
    client.force_login(practitioner)

    assert client.post(edit_url(person), form_data(team, ref="P-1")).status_code == 302
    response = client.post(edit_url(person), form_data(team, ref="P-2"))
    assert response.status_code == 200
    assert "ref" in response.context["form"].errors
    assert b"Edit P-1" in response.content
    person.refresh_from_db()
    assert person.ref == "P-1"


def test_a_person_cannot_care_for_themselves(client, practitioner, person, team):
    client.force_login(practitioner)
    response = client.post(
        edit_url(person), form_data(team, ref="P-1", is_carer="on", cares_for=[person.pk])
    )
    assert "cares_for" in response.context["form"].errors
    assert not person.cares_for.exists()


def test_list_query_count_does_not_grow_with_people(
    client, practitioner, team, django_assert_max_num_queries
):
    for number in range(25):
        carer = PersonFactory(
            partnership=team.partnership, ref=f"R-{number:02d}", is_carer=True, teams=[team]
        )
        carer.cares_for.add(PersonFactory(partnership=team.partnership, teams=[team]))
    client.force_login(practitioner)
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)
    assert response.status_code == 200
