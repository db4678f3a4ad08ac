"""``seed_demo`` refreshes PostgreSQL's planner statistics after loading the demo."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import Conversation, Team


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
def test_seeding_analyses_big_and_small_tables_on_postgresql(db) -> None:
    out = StringIO()

    call_command("seed_demo", conversations=30, allow_production=True, stdout=out)

    assert "Planner statistics refreshed (ANALYZE)." in out.getvalue()
    # The planner's row estimates are the counts just loaded, small lookup tables included.
    assert _estimated_rows("conversations_conversation") == Conversation.objects.count() > 0
    assert _estimated_rows("conversations_team") == Team.objects.count() > 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite demo is left as it is")
def test_seeding_on_sqlite_runs_no_analyze(db) -> None:
    out = StringIO()

    with CaptureQueriesContext(connection) as captured:
        call_command("seed_demo", conversations=30, allow_production=True, stdout=out)

    assert Conversation.objects.count() == 30
    assert not [q for q in captured if q["sql"].strip().upper().startswith("ANALYZE")]
    assert "ANALYZE" not in out.getvalue()
