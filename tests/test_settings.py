import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from outcomes_site.env import database_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent
_CLEARED = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _run_check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _run_check({"DEBUG": "false", "ALLOWED_HOSTS": "outcomes.example.org"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_deploy_check_reports_nothing():
    result = _run_check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-key-0123456789",
            "ALLOWED_HOSTS": "outcomes.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_database_url_parsing():
    pg = database_from_url("postgres://app:s%40cret@db.internal:5433/outcomes", base_dir=ROOT)
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "app",
        "s@cret",
        "db.internal",
        "5433",
        "outcomes",
    )
    sqlite = database_from_url("sqlite:///db.sqlite3", base_dir=ROOT)
    assert sqlite["NAME"] == str(ROOT / "db.sqlite3")
    assert database_from_url("sqlite:////tmp/x.db", base_dir=ROOT)["NAME"] == "/tmp/x.db"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y", base_dir=ROOT)


def test_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG", True)
