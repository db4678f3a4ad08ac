import pytest

from frameworks.models import (
    Domain,
    Framework,
    FrameworkVersion,
    Outcome,
    PublishedVersionError,
)

pytestmark = pytest.mark.django_db


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
        version=version, domain=domain, code="listened_to", label="Listened to", prompt="?"
    )
    return version


def test_published_version_refuses_changes(published: FrameworkVersion) -> None:
    published.title = "Something else"
    with pytest.raises(PublishedVersionError, match="publish a new version instead"):
        published.save()
    published.refresh_from_db()
    published.published = False
    with pytest.raises(PublishedVersionError):
        published.save()
    published.refresh_from_db()
    assert published.title != "Something else" and published.published


def test_published_version_refuses_delete(published: FrameworkVersion) -> None:
    with pytest.raises(PublishedVersionError, match="cannot be deleted"):
        published.delete()
    assert FrameworkVersion.objects.filter(pk=published.pk).exists()


def test_published_domain_refuses_changes_additions_and_deletes(
    published: FrameworkVersion,
) -> None:
    domain = published.domains.get(code="process")
    domain.label = "How support is given"
    with pytest.raises(PublishedVersionError):
        domain.save()
    with pytest.raises(PublishedVersionError):
        domain.delete()
    with pytest.raises(PublishedVersionError):
        Domain.objects.create(version=published, code="extra", label="Extra")
    assert published.domains.get(code="process").label == "Process"
    assert published.domains.count() == 3


def test_published_outcome_refuses_changes_additions_and_deletes(
    published: FrameworkVersion,
) -> None:
    outcome = published.outcomes.get(code="having_a_say")
    outcome.prompt = "Reworded?"
    with pytest.raises(PublishedVersionError):
        outcome.save()
    with pytest.raises(PublishedVersionError):
        outcome.delete()
    with pytest.raises(PublishedVersionError):
        Outcome.objects.create(
            version=published, domain=outcome.domain, code="extra", label="Extra", prompt="?"
        )
    assert published.outcomes.get(code="having_a_say").prompt != "Reworded?"
    assert published.outcomes.count() == 15


def test_draft_version_and_its_parts_can_change_until_published(
    draft: FrameworkVersion,
) -> None:
    outcome = draft.outcomes.get()
    outcome.prompt = "Do people hear you?"
    outcome.save()
    draft.title = "Renamed draft"
    draft.save()

    draft.published = True
    draft.save()

    outcome.refresh_from_db()
    outcome.prompt = "Changed after publishing?"
    with pytest.raises(PublishedVersionError):
        outcome.save()


def test_visible_to_hides_drafts_from_non_staff(
    draft: FrameworkVersion, django_user_model: type
) -> None:
    reader = django_user_model.objects.create_user("reader")
    admin = django_user_model.objects.create_user("admin", is_staff=True)
    assert draft not in FrameworkVersion.objects.visible_to(reader)
    assert draft in FrameworkVersion.objects.visible_to(admin)
    assert FrameworkVersion.objects.visible_to(reader).count() == 4


def test_str_and_key() -> None:
    version = FrameworkVersion.objects.get(framework__code="carers", version="2008")
    assert str(version) == "carers 2008"
    assert version.key == "carers-2008"
    assert str(Framework.objects.get(code="carers")) == "Unpaid carers"
