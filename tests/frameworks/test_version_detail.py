import re

import pytest
from django.test import Client
from django.urls import reverse

from frameworks.models import FrameworkVersion, Outcome

pytestmark = pytest.mark.django_db


def _url(framework: str, version: str) -> str:
    return reverse("frameworks:version-detail", args=[framework, version])


def _changes_section(html: str) -> str:
    match = re.search(r'<section[^>]*id="changes">(.*?)</section>', html, re.S)
    assert match, "no what-changed section"
    return match.group(1)


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(_url("users", "2012"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("framework", "version"),
    [("users", "2007"), ("users", "2012"), ("carers", "2008"), ("carers", "2013")],
)
def test_shows_domains_outcomes_and_prompts(
    client: Client, practitioner, framework: str, version: str, django_assert_max_num_queries
) -> None:
    client.force_login(practitioner)
    with django_assert_max_num_queries(12):
        response = client.get(_url(framework, version))
    assert response.status_code == 200
    html = response.content.decode()
    framework_version = FrameworkVersion.objects.get(framework__code=framework, version=version)
    assert framework_version.title in html
    for domain in framework_version.domains.all():
        assert f'<h2 id="domain-{domain.code}">{domain.label}</h2>' in html
    for outcome in Outcome.objects.in_version(framework, version):
        assert f"<code>{outcome.code}</code>" in html
        assert outcome.prompt.replace("'", "&#x27;") in html


def test_users_2012_says_what_changed_from_2007(client: Client, practitioner) -> None:
    client.force_login(practitioner)
    html = client.get(_url("users", "2012")).content.decode()
    assert "What changed from users 2007" in html
    section = _changes_section(html)
    replaced = re.search(
        r'<tr class="change-renamed">.*?<code>choice</code>.*?</tr>', section, re.S
    )
    assert replaced and "<code>having_a_say</code>" in replaced.group(0)
    assert '<tr class="change-merged">' in section and "living_where_you_want" in section
    assert '<tr class="change-split">' in section and "improved_skills" in section
    assert "feeling_safe" not in section  # unchanged outcomes are only counted
    assert reverse("frameworks:version-detail", args=["users", "2007"]) in html


def test_carers_2013_lists_removed_outcomes(client: Client, practitioner) -> None:
    client.force_login(practitioner)
    section = _changes_section(client.get(_url("carers", "2013")).content.decode())
    removed = re.findall(r'<tr class="change-removed">.*?</tr>', section, re.S)
    assert len(removed) == 2
    assert "freedom_from_financial_hardship" in removed[0] + removed[1]
    assert "partnership_with_services" in removed[0] + removed[1]


def test_first_version_has_no_what_changed_section(client: Client, practitioner) -> None:
    client.force_login(practitioner)
    assert 'id="changes"' not in client.get(_url("users", "2007")).content.decode()


@pytest.mark.parametrize(
    ("framework", "version"), [("users", "1999"), ("carers", "2012"), ("nobody", "2007")]
)
def test_unknown_version_is_404(client: Client, practitioner, framework: str, version: str) -> None:
    client.force_login(practitioner)
    assert client.get(_url(framework, version)).status_code == 404


def test_draft_is_404_for_non_staff(client: Client, practitioner, django_user_model) -> None:
    published = FrameworkVersion.objects.get(framework__code="users", version="2012")
    FrameworkVersion.objects.create(framework=published.framework, version="2099", title="Draft")
    client.force_login(practitioner)
    assert client.get(_url("users", "2099")).status_code == 404
    client.force_login(django_user_model.objects.create_user("staff", is_staff=True))
    assert client.get(_url("users", "2099")).status_code == 200


def test_post_is_not_allowed(client: Client, practitioner) -> None:
    client.force_login(practitioner)
    assert client.post(_url("users", "2012")).status_code == 405
