import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from frameworks.models import Outcome

pytestmark = pytest.mark.django_db


def test_reports_everything_unchanged_on_a_loaded_database() -> None:
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert "0 created, 0 updated, 50 unchanged." in out.getvalue()


def test_lists_what_it_created(data_dir: Path) -> None:
    data = json.loads((data_dir / "users-2012.json").read_text())
    data.update(version="2020", previous="2012")
    (data_dir / "users-2020.json").write_text(json.dumps(data))
    out = StringIO()
    call_command("load_frameworks", "--data-dir", str(data_dir), stdout=out)
    assert "Created version users 2020" in out.getvalue()
    assert "1 created, 0 updated" in out.getvalue()


def test_fails_with_the_reasons_and_writes_nothing(data_dir: Path) -> None:
    data = json.loads((data_dir / "users-2007.json").read_text())
    data["outcomes"][0]["label"] = "Safe"
    (data_dir / "users-2007.json").write_text(json.dumps(data))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was loaded: 1 problem"):
        call_command("load_frameworks", "--data-dir", str(data_dir), stderr=err)
    assert "users 2007 is published" in err.getvalue()
    assert Outcome.objects.in_version("users", "2007").get(code="feeling_safe").label != "Safe"
