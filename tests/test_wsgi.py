"""The WSGI module warms a worker up: after importing it, the heavy modules the pages need are
loaded, and no database connection is open (gunicorn ``--preload`` forks after the import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = [
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "openpyxl",
    "conversations.charts",
    "reporting.charts",
    "reporting.figures",
    "reporting.measures",
    "reporting.returns",
    "reporting.selectors",
    "reporting.views.dashboard",
    "conversations.views",
    "conversations.templatetags.conversation_tags",  # loaded by compiling the templates
    "conversations.context_processors",
]
REPORT = """
import json, sys
{before}
from django.db import connections
print(json.dumps({{
    "loaded": [name for name in {heavy!r} if name in sys.modules],
    "backend": sys.modules["matplotlib"].get_backend() if "matplotlib" in sys.modules else "",
    "connected": any(c.connection is not None for c in connections.all()),
}}))
"""


def _fresh_python(before: str, tmp_path: Path) -> dict:
    """Run ``before`` in a new interpreter and report what it loaded."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SETTINGS_MODULE", "MPLBACKEND")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'never-opened.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-c", REPORT.format(before=before, heavy=HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_wsgi_module_loads_what_pages_need_without_a_connection(tmp_path):
    report = _fresh_python("import outcomes_site.wsgi", tmp_path)

    assert report["loaded"] == HEAVY
    assert report["backend"].lower() == "agg"
    assert report["connected"] is False
    assert not (tmp_path / "never-opened.sqlite3").exists()


def test_setting_django_up_alone_leaves_them_for_the_first_request(tmp_path):
    # What the WSGI module saves a worker from: a plain setup loads none of the heavy ones.
    report = _fresh_python(
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'outcomes_site.settings')\n"
        "django.setup()",
        tmp_path,
    )

    assert "pandas" not in report["loaded"]
    assert "matplotlib" not in report["loaded"]
    assert "reporting.charts" not in report["loaded"]
