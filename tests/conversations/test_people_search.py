"""Finding people by the beginning of their reference or a fragment of their name, and the
indexes behind it."""

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
        ("ork-1", ["ORK-1001"]),
        ("1001", []),  # a reference is found by its beginning, not by any part of it
        ("  ork-0002 ", ["ORK-0002"]),  # spaces around are ignored
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


def _index_definition(index: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()
    return definition.lower()


def test_search_indexes_exist_for_this_database():
    found = _indexes_on_people()
    if connection.vendor == "postgresql":
        # A pattern index for LIKE 'X%' on UPPER(ref), a trigram index for LIKE '%x%' on
        # UPPER(name): the expressions Django's istartswith and icontains compare.
        assert found["person_ref_search"]["index"]
        assert "using btree" in _index_definition("person_ref_search")
        assert "upper" in _index_definition("person_ref_search")
        assert "text_pattern_ops" in _index_definition("person_ref_search")
        assert "using gin" in _index_definition("person_name_search")
        assert "gin_trgm_ops" in _index_definition("person_name_search")
        assert "upper" in _index_definition("person_name_search")
    else:
        assert found["person_ref_search"]["columns"] == ["ref"]
        assert found["person_name_search"]["columns"] == ["name"]


def test_scope_indexes_exist():
    with connection.cursor() as cursor:
        allocations = connection.introspection.get_constraints(cursor, "conversations_person_teams")
    assert allocations["person_teams_team_person"]["columns"] == ["team_id", "person_id"]
    assert _indexes_on_people()["person_partnership_id"]["columns"] == ["partnership_id", "id"]


def test_the_search_box_says_how_it_matches(client, practitioner):
    client.force_login(practitioner)

    content = client.get(reverse("conversations:person-list")).content.decode()

    assert 'aria-describedby="q-hint"' in content
    assert "A reference from its start" in content
