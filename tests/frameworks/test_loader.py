import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frameworks.loader import LoaderError, load_frameworks
from frameworks.models import (
    BarrierCode,
    ClientGroup,
    Domain,
    Framework,
    FrameworkVersion,
    Measure,
    Outcome,
    OutcomeEquivalence,
)

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    Framework,
    FrameworkVersion,
    Domain,
    Outcome,
    OutcomeEquivalence,
    Measure,
    BarrierCode,
    ClientGroup,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_loading_again_changes_nothing() -> None:
    before = _counts()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            result = load_frameworks()
        assert result.created == []
        assert result.updated == []
        assert not result.changed
        assert _writes(queries) == []
    assert _counts() == before
    assert "version users 2012" in result.unchanged
    assert "measure NM4" in result.unchanged


def test_loads_everything_into_an_empty_database(data_dir: Path) -> None:
    OutcomeEquivalence.objects.all().delete()
    # Queryset deletes skip the published-version guard, which is what an empty start needs.
    Outcome.objects.all().delete()
    Domain.objects.all().delete()
    FrameworkVersion.objects.filter(previous__isnull=False).delete()
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()
    Measure.objects.all().delete()
    BarrierCode.objects.all().delete()
    ClientGroup.objects.all().delete()

    result = load_frameworks(data_dir=data_dir)

    assert "version users 2007" in result.created
    assert "framework carers" in result.created
    assert _counts() == {
        "Framework": 2,
        "FrameworkVersion": 4,
        "Domain": 14,
        "Outcome": 56,
        "OutcomeEquivalence": 28,
        "Measure": 4,
        "BarrierCode": 7,
        "ClientGroup": 7,
    }
    assert FrameworkVersion.objects.published().count() == 4
    again = load_frameworks(data_dir=data_dir)
    assert not again.changed


def test_changed_file_for_a_published_version_is_refused_and_nothing_is_written(
    data_dir: Path,
) -> None:
    def reword(data: dict[str, Any]) -> None:
        data["outcomes"][0]["prompt"] = "A different question altogether?"

    _edit(data_dir / "users-2012.json", reword)
    # A reference change in the same load must be rolled back too.
    _edit(data_dir / "measures.json", lambda d: d["measures"][0].update(question="Changed?"))
    (data_dir / "users-2020.json").write_text(
        (data_dir / "users-2012.json")
        .read_text()
        .replace('"version": "2012"', '"version": "2020"')
        .replace('"previous": "2007"', '"previous": "2012"')
    )
    before = _counts()

    with pytest.raises(LoaderError) as error:
        load_frameworks(data_dir=data_dir)

    message = str(error.value)
    assert "users 2012 is published" in message
    assert "outcome feeling_safe (prompt)" in message
    assert "new version" in message
    assert _counts() == before
    assert Measure.objects.get(code="NM1").question != "Changed?"
    assert (
        Outcome.objects.in_version("users", "2012").get(code="feeling_safe").prompt
        != "A different question altogether?"
    )


def test_removing_an_outcome_from_a_published_file_is_refused(data_dir: Path) -> None:
    _edit(data_dir / "carers-2013.json", lambda d: d["outcomes"].pop())
    with pytest.raises(LoaderError, match="outcome accessible_and_available removed"):
        load_frameworks(data_dir=data_dir)
    assert Outcome.objects.in_version("carers", "2013").count() == 12


def test_new_version_file_creates_a_new_version(data_dir: Path) -> None:
    def next_edition(data: dict[str, Any]) -> None:
        data.update(version="2020", previous="2012", title="Next edition")
        data["outcomes"] = [o for o in data["outcomes"] if o["code"] != "reliability"]

    (data_dir / "users-2020.json").write_text((data_dir / "users-2012.json").read_text())
    _edit(data_dir / "users-2020.json", next_edition)

    result = load_frameworks(data_dir=data_dir)

    assert result.created == ["version users 2020"]
    assert result.updated == []
    new = FrameworkVersion.objects.get(framework__code="users", version="2020")
    assert new.published
    assert new.previous == FrameworkVersion.objects.get(framework__code="users", version="2012")
    assert new.outcomes.count() == 14
    assert new.domains.count() == 3
    assert FrameworkVersion.objects.count() == 5


def test_draft_version_follows_its_file_until_published(data_dir: Path) -> None:
    path = data_dir / "carers-2030.json"
    path.write_text((data_dir / "carers-2013.json").read_text())
    _edit(path, lambda d: d.update(version="2030", previous="2013", published=False))

    assert load_frameworks(data_dir=data_dir).created == ["version carers 2030"]
    draft = FrameworkVersion.objects.get(framework__code="carers", version="2030")
    assert not draft.published

    def revise(data: dict[str, Any]) -> None:
        data["title"] = "Revised draft"
        data["outcomes"] = data["outcomes"][1:]

    _edit(path, revise)
    assert load_frameworks(data_dir=data_dir).updated == ["version carers 2030"]
    draft.refresh_from_db()
    assert draft.title == "Revised draft"
    assert draft.outcomes.count() == 11

    _edit(path, lambda d: d.update(published=True))
    assert load_frameworks(data_dir=data_dir).updated == ["version carers 2030"]
    draft.refresh_from_db()
    assert draft.published
    assert not load_frameworks(data_dir=data_dir).changed


def test_reference_data_is_updated_from_its_files(data_dir: Path) -> None:
    _edit(data_dir / "barriers.json", lambda d: d["barriers"][0].update(label="Staff turnover"))
    _edit(
        data_dir / "client_groups.json",
        lambda d: d["client_groups"].append({"code": "sensory_impairment", "label": "Sensory"}),
    )

    result = load_frameworks(data_dir=data_dir)

    assert result.updated == ["barrier staffing"]
    assert result.created == ["client group sensory_impairment"]
    assert BarrierCode.objects.get(code="staffing").label == "Staff turnover"
    assert ClientGroup.objects.get(code="sensory_impairment").order == 8


@pytest.mark.parametrize(
    ("filename", "change", "problem"),
    [
        (
            "measures.json",
            lambda d: d["measures"][0].update(population="everyone"),
            "population 'everyone' must be one of",
        ),
        (
            "users-2012.json",
            lambda d: d["outcomes"][0].update(domain="nowhere"),
            "domain 'nowhere' is not one of this version's",
        ),
        (
            "users-2012.json",
            lambda d: d["outcomes"].append(dict(d["outcomes"][0])),
            "outcome code 'feeling_safe' appears more than once",
        ),
        (
            "users-2012.json",
            lambda d: d.update(version="2013"),
            "the file name says users 2012 but the file holds users 2013",
        ),
        (
            "equivalences.json",
            lambda d: d["mappings"][0]["pairs"].append(["choice", "no_such_outcome"]),
            "no outcome 'no_such_outcome'",
        ),
        (
            "carers-2013.json",
            lambda d: d.update(previous="1999"),
            "previous version carers 1999 is neither in the files nor in the database",
        ),
    ],
)
def test_invalid_files_are_refused_with_a_reason(
    data_dir: Path, filename: str, change: Any, problem: str
) -> None:
    _edit(data_dir / filename, change)
    before = _counts()
    with pytest.raises(LoaderError) as error:
        load_frameworks(data_dir=data_dir)
    assert any(problem in p for p in error.value.problems), error.value.problems
    assert _counts() == before


def test_unreadable_json_is_reported(data_dir: Path) -> None:
    (data_dir / "barriers.json").write_text("{not json")
    with pytest.raises(LoaderError, match="barriers.json: not readable JSON"):
        load_frameworks(data_dir=data_dir)
