"""The shipped frameworks, as loaded into every database by the first migrate."""

import json

import pytest

from frameworks.loader import DATA_DIR
from frameworks.models import (
    BarrierCode,
    ClientGroup,
    FrameworkVersion,
    Measure,
    Outcome,
    OutcomeEquivalence,
)

pytestmark = pytest.mark.django_db

SPEC_CODES = {
    ("users", "2007"): (
        "feeling_safe having_things_to_do seeing_people staying_well living_as_you_want "
        "living_where_you_want dealing_with_stigma listened_to choice treated_as_individual "
        "reliability responsiveness improved_confidence_and_skills improved_mobility "
        "reduced_symptoms"
    ).split(),
    ("users", "2012"): (
        "feeling_safe having_things_to_do seeing_people staying_well "
        "living_where_and_as_you_want dealing_with_stigma listened_to having_a_say "
        "treated_with_respect responded_to reliability improved_confidence_and_morale "
        "improved_skills improved_mobility reduced_symptoms"
    ).split(),
    ("carers", "2008"): (
        "cared_for_quality_of_life carer_health_and_wellbeing life_of_their_own "
        "positive_relationship_with_cared_for freedom_from_financial_hardship choices_in_caring "
        "informed_skilled_equipped satisfaction_in_caring partnership_with_services "
        "valued_and_respected having_a_say_in_services flexible_and_responsive "
        "relationship_with_practitioners accessible_and_available"
    ).split(),
}
SPEC_CODES[("carers", "2013")] = [
    code
    for code in SPEC_CODES[("carers", "2008")]
    if code not in {"freedom_from_financial_hardship", "partnership_with_services"}
]


@pytest.mark.parametrize(("framework", "version"), sorted(SPEC_CODES))
def test_outcome_codes_in_order_match_the_spec(framework: str, version: str) -> None:
    codes = list(
        Outcome.objects.in_version(framework, version)
        .order_by("order")
        .values_list("code", flat=True)
    )
    assert codes == SPEC_CODES[(framework, version)]


@pytest.mark.parametrize(("framework", "version"), sorted(SPEC_CODES))
def test_every_outcome_has_a_label_prompt_and_domain_of_its_version(
    framework: str, version: str
) -> None:
    for outcome in Outcome.objects.in_version(framework, version).select_related("domain"):
        assert outcome.label.strip()
        assert outcome.prompt.strip().endswith("?")
        assert outcome.domain.version_id == outcome.version_id


def test_all_shipped_versions_are_published_and_chained() -> None:
    versions = {str(v): v for v in FrameworkVersion.objects.select_related("previous")}
    assert set(versions) == {"users 2007", "users 2012", "carers 2008", "carers 2013"}
    assert all(v.published for v in versions.values())
    assert versions["users 2012"].previous == versions["users 2007"]
    assert versions["carers 2013"].previous == versions["carers 2008"]
    assert versions["users 2007"].previous is None
    assert versions["users 2012"].framework.role == "user"
    assert versions["carers 2013"].framework.role == "carer"


def test_domains_per_framework() -> None:
    users = FrameworkVersion.objects.get(framework__code="users", version="2012")
    carers = FrameworkVersion.objects.get(framework__code="carers", version="2013")
    assert list(users.domains.values_list("code", flat=True)) == [
        "quality_of_life",
        "process",
        "change",
    ]
    assert list(carers.domains.values_list("code", flat=True)) == [
        "cared_for_quality_of_life",
        "carer_quality_of_life",
        "managing_caring_role",
        "process",
    ]
    assert carers.outcomes.filter(domain__code="cared_for_quality_of_life").count() == 1


def test_measures_titles_and_populations() -> None:
    measures = {m.code: m for m in Measure.objects.all()}
    assert list(measures) == ["NM1", "NM2", "NM3", "NM4"]
    assert {code: m.population for code, m in measures.items()} == {
        "NM1": "users",
        "NM2": "users and carers",
        "NM3": "users",
        "NM4": "carers",
    }
    assert measures["NM1"].title == "% users of community care services feeling safe"
    assert measures["NM2"].title == (
        "% users and carers satisfied with involvement in their health and social care packages"
    )
    assert measures["NM3"].title == (
        "% users reporting satisfaction with opportunities for meaningful interaction"
    )
    assert measures["NM4"].title == (
        "% carers who feel supported and capable of continuing in their role as carer"
    )
    assert measures["NM2"].roles == ("user", "carer")
    assert measures["NM4"].applies_to("carer") and not measures["NM4"].applies_to("user")
    assert all(m.question.strip() and m.definition.strip() for m in measures.values())
    assert list(Measure.objects.for_role("carer").values_list("code", flat=True)) == [
        "NM2",
        "NM4",
    ]


def test_barrier_codes_and_client_groups() -> None:
    assert list(BarrierCode.objects.values_list("code", flat=True)) == [
        "staffing",
        "resources",
        "transport",
        "time_limited",
        "information",
        "not_joined_up",
        "other",
    ]
    assert list(ClientGroup.objects.values_list("code", flat=True)) == [
        "older_people",
        "mental_health",
        "learning_disability",
        "physical_disability",
        "substance_use",
        "carer_support",
        "other",
    ]
    assert ClientGroup.objects.get(code="older_people").label == "Older people"
    assert BarrierCode.objects.get(code="information").label == "Not knowing what is available"


def _later_codes(framework: str, earlier_version: str, code: str) -> set[str]:
    return set(
        OutcomeEquivalence.objects.filter(
            earlier__version__framework__code=framework,
            earlier__version__version=earlier_version,
            earlier__code=code,
        ).values_list("later__code", flat=True)
    )


def test_spec_equivalences_users_2007_to_2012() -> None:
    assert _later_codes("users", "2007", "choice") == {"having_a_say"}
    assert _later_codes("users", "2007", "treated_as_individual") == {"treated_with_respect"}
    assert _later_codes("users", "2007", "responsiveness") == {"responded_to"}
    assert _later_codes("users", "2007", "living_as_you_want") == {"living_where_and_as_you_want"}
    assert _later_codes("users", "2007", "living_where_you_want") == {
        "living_where_and_as_you_want"
    }
    assert _later_codes("users", "2007", "improved_confidence_and_skills") == {
        "improved_confidence_and_morale",
        "improved_skills",
    }


def test_every_earlier_outcome_maps_forward_except_those_dropped() -> None:
    for code in SPEC_CODES[("users", "2007")]:
        assert _later_codes("users", "2007", code), code
    for code in ("feeling_safe", "staying_well", "reliability", "reduced_symptoms"):
        assert _later_codes("users", "2007", code) == {code}
    for code in SPEC_CODES[("carers", "2013")]:
        assert _later_codes("carers", "2008", code) == {code}
    assert not _later_codes("carers", "2008", "freedom_from_financial_hardship")
    assert not _later_codes("carers", "2008", "partnership_with_services")


def test_equivalences_only_point_forward_one_version() -> None:
    for equivalence in OutcomeEquivalence.objects.select_related("earlier", "later__version"):
        assert equivalence.later.version.previous_id == equivalence.earlier.version_id


def test_data_files_name_their_source_and_previous_version() -> None:
    for name, previous in [
        ("users-2007", None),
        ("users-2012", "2007"),
        ("carers-2008", None),
        ("carers-2013", "2008"),
    ]:
        data = json.loads((DATA_DIR / f"{name}.json").read_text())
        assert data["previous"] == previous
        assert data["source"]
        assert data["published"] is True
