import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conversations.models import Partnership, Target, Team

GOOD = {
    "partnerships": [
        {
            "code": "ORK",
            "name": "Orkney",
            "teams": [{"code": "ORK-E", "name": "East"}, {"code": "ORK-W", "name": "West"}],
            "targets": [
                {"measure": "NM1", "period": "2026-27 Q1", "target": 85.0, "team": None},
                {"measure": "NM1", "period": "2026-27 Q1", "target": 80, "team": "ORK-E"},
                {"measure": "NM4", "period": "2026-27", "target": 70.5, "team": None},
            ],
        },
        {"code": "SHE", "name": "Shetland", "teams": [{"code": "SHE-N", "name": "North"}]},
    ]
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "organisation.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_organisation", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_organisation", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def counts() -> tuple[int, int, int]:
    return Partnership.objects.count(), Team.objects.count(), Target.objects.count()


@pytest.mark.django_db
def test_good_file_creates_partnerships_teams_and_targets(tmp_path):
    out, _ = run(write(tmp_path, GOOD))

    assert counts() == (2, 3, 3)
    orkney = Partnership.objects.get(code="ORK")
    assert orkney.name == "Orkney"
    assert set(orkney.teams.values_list("code", flat=True)) == {"ORK-E", "ORK-W"}
    partnership_target = Target.objects.get(partnership=orkney, team=None, period="2026-27 Q1")
    assert partnership_target.measure.code == "NM1"
    assert partnership_target.target == Decimal("85.0")
    team_target = Target.objects.get(team__code="ORK-E")
    assert team_target.target == Decimal("80.0")
    assert "partnerships: 2 created, 0 updated, 0 unchanged" in out
    assert "targets: 3 created" in out


@pytest.mark.django_db
def test_rerunning_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    before = list(Target.objects.values("pk", "target", "updated_at"))

    out, _ = run(path)

    assert counts() == (2, 3, 3)
    assert list(Target.objects.values("pk", "target", "updated_at")) == before
    assert "partnerships: 0 created, 0 updated, 2 unchanged" in out
    assert "teams: 0 created, 0 updated, 3 unchanged" in out
    assert "targets: 0 created, 0 updated, 3 unchanged" in out
    assert "Nothing changed" in out


@pytest.mark.django_db
def test_changed_file_updates_in_place(tmp_path):
    run(write(tmp_path, GOOD))
    changed = json.loads(json.dumps(GOOD))
    changed["partnerships"][0]["name"] = "Orkney Health and Care"
    changed["partnerships"][0]["targets"][0]["target"] = 90

    out, _ = run(write(tmp_path, changed))

    assert counts() == (2, 3, 3)
    assert Partnership.objects.get(code="ORK").name == "Orkney Health and Care"
    assert Target.objects.get(team=None, period="2026-27 Q1").target == Decimal("90.0")
    assert "partnerships: 0 created, 1 updated, 1 unchanged" in out
    assert "targets: 0 created, 1 updated, 2 unchanged" in out


@pytest.mark.django_db
def test_target_may_name_a_team_already_held(tmp_path, team):
    data = {
        "partnerships": [
            {
                "code": "ORK",
                "name": "Orkney",
                "targets": [{"measure": "NM2", "period": "2026-27", "target": 60, "team": "ORK-E"}],
            }
        ]
    }
    run(write(tmp_path, data))
    assert Target.objects.get().team == team


@pytest.mark.django_db
def test_bad_json_reports_line_and_column(tmp_path):
    err = run_failing(write(tmp_path, '{"partnerships": [\n  {"code": "ORK",}\n]}'))
    assert "line 2, column" in err
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_organisation", str(tmp_path / "missing.json"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["partnerships"][1].update(code="ORK"), "duplicate partnership code 'ORK'"),
        (
            lambda d: d["partnerships"][0]["teams"].append({"code": "ORK-E", "name": "Again"}),
            "duplicate team code 'ORK-E'",
        ),
        (lambda d: d["partnerships"][0]["targets"][0].update(measure="NM9"), "unknown measure"),
        (lambda d: d["partnerships"][0]["targets"][0].update(period="2026-28"), "bad period"),
        (lambda d: d["partnerships"][0]["targets"][0].update(period="2026 Q1"), "bad period"),
        (lambda d: d["partnerships"][0]["targets"][0].update(target=101), "from 0 to 100"),
        (lambda d: d["partnerships"][0]["targets"][0].update(target=-1), "from 0 to 100"),
        (lambda d: d["partnerships"][0]["targets"][0].update(target="85"), "must be a number"),
        (lambda d: d["partnerships"][0]["targets"][0].update(target=True), "must be a number"),
        (lambda d: d["partnerships"][0]["targets"][0].update(team="SHE-N"), "not a team of"),
        (
            lambda d: d["partnerships"][0]["targets"].append(
                {"measure": "NM1", "period": "2026-27 Q1", "target": 50, "team": None}
            ),
            "duplicate target for NM1 2026-27 Q1 the partnership",
        ),
        (lambda d: d["partnerships"][0].update(name="  "), "'name' must be a non-blank string"),
        (lambda d: d["partnerships"][0]["teams"][0].pop("code"), "'code' is missing"),
        (lambda d: d.pop("partnerships"), '"partnerships" list'),
    ],
)
def test_bad_file_writes_nothing(tmp_path, change, message):
    data = json.loads(json.dumps(GOOD))
    change(data)

    err = run_failing(write(tmp_path, data))

    assert message in err
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_every_problem_is_reported_and_existing_rows_untouched(tmp_path, partnership):
    data = json.loads(json.dumps(GOOD))
    data["partnerships"][0]["name"] = "Renamed"  # valid, but must not be applied
    data["partnerships"][0]["teams"].append({"code": "ORK-E", "name": "Again"})
    data["partnerships"][0]["targets"][0]["measure"] = "NM9"
    data["partnerships"][0]["targets"][1]["period"] = "2026-27 Q5"
    data["partnerships"][0]["targets"][2]["target"] = 150
    data["partnerships"][1]["code"] = "ORK"

    err = run_failing(write(tmp_path, data))

    problems = [line for line in err.splitlines() if line.strip()]
    assert len(problems) == 5
    for message in ["duplicate team code", "unknown measure", "bad period", "0 to 100"]:
        assert message in err
    assert "duplicate partnership code" in err
    assert counts() == (1, 0, 0)
    assert Partnership.objects.get().name == "Orkney"


@pytest.mark.django_db
def test_outcome_targets_are_accepted(tmp_path):
    from frameworks.models import Domain, Framework, FrameworkVersion, Outcome

    framework, _ = Framework.objects.get_or_create(
        code="users", defaults={"name": "Users", "role": "user"}
    )
    version = FrameworkVersion.objects.create(framework=framework, version="test", title="Test")
    domain = Domain.objects.create(version=version, code="qol", label="Quality of life")
    Outcome.objects.create(
        version=version, domain=domain, code="test_outcome", label="Test", prompt="?"
    )
    data = {
        "partnerships": [
            {
                "code": "ORK",
                "name": "Orkney",
                "targets": [{"outcome": "test_outcome", "period": "2026-27", "target": 50}],
            }
        ]
    }
    run(write(tmp_path, data))
    target = Target.objects.get()
    assert target.measure is None
    assert target.outcome_code == "test_outcome"
