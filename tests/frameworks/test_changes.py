import pytest

from frameworks.changes import ChangeKind, version_changes
from frameworks.models import Domain, FrameworkVersion, Outcome

pytestmark = pytest.mark.django_db


def _summary(framework: str, version: str) -> dict[tuple[tuple[str, ...], tuple[str, ...]], str]:
    return {
        (
            tuple(o.code for o in change.earlier),
            tuple(o.code for o in change.later),
        ): change.kind
        for change in version_changes(
            FrameworkVersion.objects.get(framework__code=framework, version=version)
        )
    }


def test_users_2012_against_2007() -> None:
    changes = _summary("users", "2012")
    assert changes[(("choice",), ("having_a_say",))] == ChangeKind.RENAMED
    assert changes[(("treated_as_individual",), ("treated_with_respect",))] == ChangeKind.RENAMED
    assert changes[(("responsiveness",), ("responded_to",))] == ChangeKind.RENAMED
    assert (
        changes[
            (("living_as_you_want", "living_where_you_want"), ("living_where_and_as_you_want",))
        ]
        == ChangeKind.MERGED
    )
    assert (
        changes[
            (
                ("improved_confidence_and_skills",),
                ("improved_confidence_and_morale", "improved_skills"),
            )
        ]
        == ChangeKind.SPLIT
    )
    assert changes[(("staying_well",), ("staying_well",))] == ChangeKind.RELABELLED
    assert changes[(("feeling_safe",), ("feeling_safe",))] == ChangeKind.UNCHANGED
    assert ChangeKind.ADDED not in changes.values()
    assert ChangeKind.REMOVED not in changes.values()


def test_carers_2013_against_2008() -> None:
    changes = _summary("carers", "2013")
    assert changes[(("freedom_from_financial_hardship",), ())] == ChangeKind.REMOVED
    assert changes[(("partnership_with_services",), ())] == ChangeKind.REMOVED
    assert (
        changes[(("relationship_with_practitioners",), ("relationship_with_practitioners",))]
        == ChangeKind.RELABELLED
    )
    assert list(changes.values()).count(ChangeKind.UNCHANGED) == 11


def test_first_versions_have_no_changes() -> None:
    assert _summary("users", "2007") == {}


def test_outcome_with_new_code_and_no_equivalence_is_added() -> None:
    previous = FrameworkVersion.objects.get(framework__code="carers", version="2013")
    draft = FrameworkVersion.objects.create(
        framework=previous.framework, version="2099", title="Draft", previous=previous
    )
    domain = Domain.objects.create(version=draft, code="process", label="Process")
    Outcome.objects.create(
        version=draft, domain=domain, code="listened_to", label="Listened to", prompt="?"
    )
    Outcome.objects.create(
        version=draft,
        domain=domain,
        code="accessible_and_available",
        label="Accessible",
        prompt="?",
    )
    changes = _summary("carers", "2099")
    assert changes[((), ("listened_to",))] == ChangeKind.ADDED
    assert changes[(("accessible_and_available",), ("accessible_and_available",))] == (
        ChangeKind.RELABELLED
    )
    assert list(changes.values()).count(ChangeKind.REMOVED) == 11
