import pytest
from django.test import Client
from django.urls import reverse

from frameworks.models import ClientGroup, Domain, FrameworkVersion, Measure, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client, admin_user) -> Client:
    client.force_login(admin_user)
    return client


@pytest.fixture
def published() -> FrameworkVersion:
    return FrameworkVersion.objects.get(framework__code="users", version="2012")


@pytest.fixture
def draft(published: FrameworkVersion) -> FrameworkVersion:
    version = FrameworkVersion.objects.create(
        framework=published.framework, version="2099", title="Draft", previous=published
    )
    domain = Domain.objects.create(version=version, code="process", label="Process", order=1)
    Outcome.objects.create(
        version=version, domain=domain, code="listened_to", label="Listened to", prompt="Old?"
    )
    return version


def _outcome_form(outcome: Outcome, **changes: object) -> dict[str, object]:
    data = {
        "version": outcome.version_id,
        "domain": outcome.domain_id,
        "code": outcome.code,
        "label": outcome.label,
        "prompt": outcome.prompt,
        "order": outcome.order,
    }
    data.update(changes)
    return data


def test_changelists_load(admin: Client) -> None:
    for model in [
        "framework",
        "frameworkversion",
        "domain",
        "outcome",
        "outcomeequivalence",
        "measure",
        "barriercode",
        "clientgroup",
    ]:
        assert admin.get(reverse(f"admin:frameworks_{model}_changelist")).status_code == 200


def test_published_outcome_is_shown_read_only(admin: Client, published: FrameworkVersion) -> None:
    outcome = published.outcomes.get(code="having_a_say")
    response = admin.get(reverse("admin:frameworks_outcome_change", args=[outcome.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_posting_a_change_to_a_published_outcome_is_refused(
    admin: Client, published: FrameworkVersion
) -> None:
    outcome = published.outcomes.get(code="having_a_say")
    response = admin.post(
        reverse("admin:frameworks_outcome_change", args=[outcome.pk]),
        _outcome_form(outcome, prompt="Reworded?"),
    )
    assert response.status_code == 403
    outcome.refresh_from_db()
    assert outcome.prompt != "Reworded?"


def test_deleting_a_published_outcome_is_refused(
    admin: Client, published: FrameworkVersion
) -> None:
    outcome = published.outcomes.get(code="having_a_say")
    response = admin.post(
        reverse("admin:frameworks_outcome_delete", args=[outcome.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_published_version_and_domain_are_read_only(
    admin: Client, published: FrameworkVersion
) -> None:
    version_url = reverse("admin:frameworks_frameworkversion_change", args=[published.pk])
    response = admin.get(version_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin.post(version_url, {"title": "Changed"}).status_code == 403
    assert (
        admin.post(
            reverse("admin:frameworks_frameworkversion_delete", args=[published.pk]),
            {"post": "yes"},
        ).status_code
        == 403
    )
    domain = published.domains.get(code="process")
    assert (
        admin.post(
            reverse("admin:frameworks_domain_change", args=[domain.pk]),
            {"version": published.pk, "code": "process", "label": "Changed", "order": 2},
        ).status_code
        == 403
    )
    published.refresh_from_db()
    domain.refresh_from_db()
    assert published.title != "Changed" and domain.label == "Process"


def test_draft_outcome_can_be_edited(admin: Client, draft: FrameworkVersion) -> None:
    outcome = draft.outcomes.get()
    response = admin.post(
        reverse("admin:frameworks_outcome_change", args=[outcome.pk]),
        _outcome_form(outcome, prompt="Do people hear what you say?"),
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.prompt == "Do people hear what you say?"


def test_draft_version_page_has_editable_inlines(admin: Client, draft: FrameworkVersion) -> None:
    response = admin.get(reverse("admin:frameworks_frameworkversion_change", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' in html
    assert 'name="outcomes-0-prompt"' in html


def test_reference_data_is_editable(admin: Client) -> None:
    group = ClientGroup.objects.get(code="other")
    response = admin.post(
        reverse("admin:frameworks_clientgroup_change", args=[group.pk]),
        {"code": "other", "label": "Another group", "order": group.order},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.label == "Another group"
    measure = Measure.objects.get(code="NM1")
    assert (
        admin.get(reverse("admin:frameworks_measure_change", args=[measure.pk])).status_code == 200
    )
