"""The people pages ask the database a fixed number of questions, whatever the data: at most
20 a page, and the same with 2 people (or conversations) as with 12."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Person
from tests.factories import PersonFactory, answered_conversation, framework_version

pytestmark = pytest.mark.django_db

LIST_URL = reverse("conversations:person-list")
PAGE_QUERY_LIMIT = 20


def add_people(team, other_team, count: int, start: int) -> list[Person]:
    """``count`` people in ``team`` (every third also in ``other_team``), every other one a
    carer looking after the one before."""
    made: list[Person] = []
    for number in range(start, start + count):
        teams = [team, other_team] if number % 3 == 0 else [team]
        person = PersonFactory(
            partnership=team.partnership,
            ref=f"R-{number:03d}",
            name=f"Morag {number}",
            is_carer=number % 2 == 1,
            teams=teams,
        )
        if person.is_carer and made:
            person.cares_for.add(made[-1])
        made.append(person)
    return made


def queries_for(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["practitioner", "team_leader", "partnership_lead"])
@pytest.mark.parametrize("params", [{}, {"q": "R-0"}, {"q": "morag"}])
def test_people_list_and_search_queries_are_constant(
    client, request, team, other_team, who, params, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    add_people(team, other_team, 2, start=0)
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        few = queries_for(client, LIST_URL, params)
    add_people(team, other_team, 10, start=2)
    with django_assert_max_num_queries(few):
        response = client.get(LIST_URL, params)
    assert response.context["page"].paginator.count == 12


def test_team_filter_queries_are_constant(
    client, partnership_lead, team, other_team, django_assert_max_num_queries
):
    client.force_login(partnership_lead)
    add_people(team, other_team, 2, start=0)
    few = queries_for(client, LIST_URL, {"team": other_team.pk})
    add_people(team, other_team, 10, start=2)
    with django_assert_max_num_queries(min(few, PAGE_QUERY_LIMIT)):
        response = client.get(LIST_URL, {"team": other_team.pk})
    assert response.context["page"].paginator.count == 4


def add_conversations(person: Person, team, count: int, start: int) -> None:
    """Signed-off reviews a week apart, the early ones on the older users framework (so
    the page maps outcomes across versions), each with outcome statuses."""
    older = framework_version("users", "2007")
    for number in range(start, start + count):
        conversation = answered_conversation(
            person=person,
            team=team,
            date_held=datetime.date(2025, 1, 6) + datetime.timedelta(weeks=number),
            answers={"NM1": "yes"},
            outcomes={"feeling_safe": "achieved", "seeing_people": "not_achieved"},
        )
        if number % 2 == 0:
            conversation.framework_version = older
            conversation.save(update_fields=["framework_version"])
            choice = older.outcomes.get(code="choice")
            conversation.outcome_records.filter(outcome__code="seeing_people").update(
                outcome=older.outcomes.get(code="seeing_people")
            )
            conversation.outcome_records.create(outcome=choice, matters=True, status="achieved")


@pytest.mark.parametrize("who", ["practitioner", "partnership_lead"])
def test_person_page_queries_are_constant(
    client, request, team, other_team, who, django_assert_max_num_queries
):
    person = PersonFactory(partnership=team.partnership, ref="P-40", teams=[team, other_team])
    carer = PersonFactory(partnership=team.partnership, ref="C-40", is_carer=True, teams=[team])
    carer.cares_for.add(person)
    client.force_login(request.getfixturevalue(who))
    url = reverse("conversations:person-detail", args=[person.pk])

    add_conversations(person, team, 2, start=0)
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        few = queries_for(client, url)
    add_conversations(person, team, 10, start=2)
    add_conversations(person, other_team, 3, start=12)  # West's: only the lead reads them
    with django_assert_max_num_queries(few):
        response = client.get(url)
    expected = 15 if who == "partnership_lead" else 12
    assert len(response.context["conversations"]) == expected
    # The chart's table has a column per review the user may read, older versions included.
    histories = [chart["history"] for chart in response.context["outcome_charts"]]
    assert [len(history.reviews) for history in histories] == [expected]
    assert "having_a_say" in {line.outcome for line in histories[0].outcomes}
