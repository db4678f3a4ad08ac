import pytest
from django.test import Client
from django.urls import reverse

from frameworks.models import FrameworkVersion

pytestmark = pytest.mark.django_db
URL = reverse("frameworks:list")


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_lists_frameworks_versions_measures_and_codes(
    client: Client, practitioner, django_assert_max_num_queries
) -> None:
    client.force_login(practitioner)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Outcome frameworks</h1>" in html
    assert "People who use services" in html and "Unpaid carers" in html
    for framework, version in [
        ("users", "2007"),
        ("users", "2012"),
        ("carers", "2008"),
        ("carers", "2013"),
    ]:
        assert reverse("frameworks:version-detail", args=[framework, version]) in html
    assert "% users of community care services feeling safe" in html
    assert "users and carers" in html
    assert "<code>not_joined_up</code>" in html
    assert "<code>older_people</code>" in html
    assert "<caption>" in html and 'scope="col"' in html


def test_drafts_are_listed_for_staff_only(client: Client, practitioner, django_user_model) -> None:
    published = FrameworkVersion.objects.get(framework__code="users", version="2012")
    FrameworkVersion.objects.create(
        framework=published.framework, version="2099", title="Work in progress"
    )
    client.force_login(practitioner)
    assert "Work in progress" not in client.get(URL).content.decode()
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert "Work in progress" in client.get(URL).content.decode()


def test_post_is_not_allowed(client: Client, practitioner) -> None:
    client.force_login(practitioner)
    assert client.post(URL).status_code == 405
