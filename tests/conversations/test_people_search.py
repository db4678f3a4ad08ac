"""Finding people by a fragment of their reference or name, and the indexes behind it."""

import pytest
from django.db import connection
from django.urls import reverse

from conversations.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("conversations:person-list")


@pytest.fixture
def people(team, other_team):
    return {
        "flett": PersonFactory(
            partnership=team.partnership, ref="ORK-0001", name="Morag Flett", teams=[team]
        ),
        "rendall": PersonFactory(
            partnership=team.partnership, ref="ORK-0002", name="Isla Rendall", teams=[team]
        ),
        "linklater": PersonFactory(
            partnership=team.partnership, ref="ORK-1001", name="Sandy Linklater", teams=[team]
        ),
        "west": PersonFactory(
            partnership=team.partnership, ref="ORK-0003", name="Morag West", teams=[other_team]
        ),
    }


def refs(response) -> list[str]:
    return [person.ref for person in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ORK-000", ["ORK-0001", "ORK-0002"]),  # a reference's beginning
        ("ork-000", ["ORK-0001", "ORK-0002"]),  # in any case
        ("1001", ["ORK-1001"]),  # or any part of it
        ("  0002 ", ["ORK-0002"]),  # spaces around are ignored
        ("morag", ["ORK-0001"]),  # a part of a name; West's Morag is not this user's
        ("LINK", ["ORK-1001"]),
        ("nobody-like-this", []),
        ("", ["ORK-0001", "ORK-0002", "ORK-1001"]),
    ],
)
def test_search_by_reference_or_name_fragment(client, practitioner, people, text, expected):
    client.force_login(practitioner)
    assert refs(client.get(LIST_URL, {"q": text})) == expected


def test_lead_searches_the_whole_partnership(client, partnership_lead, people):
    client.force_login(partnership_lead)
    assert refs(client.get(LIST_URL, {"q": "morag"})) == ["ORK-0001", "ORK-0003"]


def test_search_and_team_filter_together(client, partnership_lead, people, other_team):
    client.force_login(partnership_lead)
    response = client.get(LIST_URL, {"q": "ORK-000", "team": other_team.pk})
    assert refs(response) == ["ORK-0003"]


def test_search_matches_like_the_queryset(practitioner, people):
    found = Person.objects.visible_to(practitioner).search("rend")
    assert list(found) == [people["rendall"]]


def _indexes_on_people() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "conversations_person")


@pytest.mark.parametrize("index", ["person_ref_search", "person_name_search"])
def test_search_indexes_exist_for_this_database(index):
    found = _indexes_on_people()
    assert index in found
    if connection.vendor == "postgresql":
        # A trigram index, usable by LIKE '%…%' on UPPER(column).
        assert found[index]["type"] == "gin"
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
            (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition and "upper" in definition.lower()
    else:
        assert found[index]["index"]


def test_scope_indexes_exist():
    with connection.cursor() as cursor:
        allocations = connection.introspection.get_constraints(cursor, "conversations_person_teams")
    assert allocations["person_teams_team_person"]["columns"] == ["team_id", "person_id"]
    assert _indexes_on_people()["person_partnership_id"]["columns"] == ["partnership_id", "id"]
