"""Reporting at scale: the national return and the dashboard for one partnership-quarter, each
against a floor — the four measures' numerators and denominators computed by one hand-written
SQL query — on ``--conversations`` generated conversations (``bench/generate.py``).

The data set is generated here, into partnerships ``GEN-01`` … ``GEN-10``, unless the database
already holds it (an earlier benchmark's data, such as the import benchmark's ``BENCH``
partnership, is left alone and only makes the tables bigger). The partnership-quarter is
``GEN-01`` in the latest complete quarter: the dashboard's default period.

Each timing is a warm-up run, then ``--repeats`` runs; the table shows the median and the
fastest, and the median as a multiple of the floor's median. The floor's counts must equal the
ORM's (``measure_counts``), or the benchmark fails.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

from generate import PREFIX, generate, generated_partnerships
from run import peak_memory_mb

LATEST = """
    SELECT m.code,
           COUNT(*) FILTER (WHERE latest.answer = 'yes') AS numerator,
           COUNT(*) AS denominator
    FROM (
        SELECT DISTINCT ON (a.measure_id, c.subject_id, c.subject_role) a.measure_id, a.answer
        FROM conversations_measureanswer a
        JOIN conversations_conversation c ON c.id = a.conversation_id
        JOIN frameworks_measure m ON m.id = a.measure_id
        WHERE c.partnership_id = %(partnership)s
          AND c.status = 'completed'
          AND c.date_held BETWEEN %(first_day)s AND %(last_day)s
          AND a.answer IN ('yes', 'partly', 'no')
          AND (   (m.population = 'users' AND c.subject_role = 'user')
               OR (m.population = 'carers' AND c.subject_role = 'carer')
               OR (m.population = 'users and carers' AND c.subject_role IN ('user', 'carer')))
        ORDER BY a.measure_id, c.subject_id, c.subject_role,
                 c.date_held DESC, c.completed_at DESC, c.id DESC
    ) latest
    JOIN frameworks_measure m ON m.id = latest.measure_id
    GROUP BY m.code
"""

RANKED = """
    SELECT m.code,
           SUM(CASE WHEN ranked.answer = 'yes' THEN 1 ELSE 0 END) AS numerator,
           COUNT(*) AS denominator
    FROM (
        SELECT a.measure_id, a.answer,
               ROW_NUMBER() OVER (
                   PARTITION BY a.measure_id, c.subject_id, c.subject_role
                   ORDER BY c.date_held DESC, c.completed_at DESC, c.id DESC
               ) AS position
        FROM conversations_measureanswer a
        JOIN conversations_conversation c ON c.id = a.conversation_id
        JOIN frameworks_measure m ON m.id = a.measure_id
        WHERE c.partnership_id = %(partnership)s
          AND c.status = 'completed'
          AND c.date_held BETWEEN %(first_day)s AND %(last_day)s
          AND a.answer IN ('yes', 'partly', 'no')
          AND (   (m.population = 'users' AND c.subject_role = 'user')
               OR (m.population = 'carers' AND c.subject_role = 'carer')
               OR (m.population = 'users and carers' AND c.subject_role IN ('user', 'carer')))
    ) ranked
    JOIN frameworks_measure m ON m.id = ranked.measure_id
    WHERE ranked.position = 1
    GROUP BY m.code
"""

# Per dialect, the hand-written queries tried for the floor; the fastest is the floor.
FLOORS: dict[str, dict[str, str]] = {
    "postgresql": {"DISTINCT ON": LATEST, "ROW_NUMBER": RANKED},
    "sqlite": {"ROW_NUMBER": RANKED},
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="Timed runs of each reporting benchmark after one warm-up (default 5)",
    )


def timings(fn: Callable[[], Any], repeats: int) -> tuple[Any, list[float]]:
    """One warm-up call, then ``repeats`` timed calls: the last value and the times."""
    value = fn()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        seconds.append(time.perf_counter() - start)
    return value, seconds


def _floor_counts(sql: str, params: dict[str, Any]) -> dict[str, tuple[int, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {code: (int(n), int(d)) for code, n, d in cursor.fetchall()}


def _people(partnership, team):
    """A partnership lead for the partnership and a team leader for one of its teams."""
    from django.contrib.auth import get_user_model

    from conversations.models import Membership, StaffRole

    User = get_user_model()
    lead, _ = User.objects.get_or_create(username=f"{PREFIX.lower()}-bench-lead")
    leader, _ = User.objects.get_or_create(username=f"{PREFIX.lower()}-bench-team-leader")
    Membership.objects.get_or_create(
        user=lead, role=StaffRole.PARTNERSHIP_LEAD, partnership=partnership
    )
    Membership.objects.get_or_create(
        user=leader, role=StaffRole.TEAM_LEADER, partnership=partnership, team=team
    )
    return lead, leader


def _targets(partnership, period) -> None:
    """Partnership targets for the period, so the return's target columns are filled in."""
    from decimal import Decimal

    from conversations.models import Target
    from frameworks.models import Measure

    for measure in Measure.objects.all():
        Target.objects.get_or_create(
            partnership=partnership,
            team=None,
            measure=measure,
            period=str(period),
            defaults={"target": Decimal("70.0")},
        )


def run(args: argparse.Namespace) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from conversations.models import Conversation, MeasureAnswer, Partnership, Team
    from frameworks.periods import default_period
    from reporting.returns import national_return_frame, render_csv
    from reporting.selectors import Scope, measure_counts

    # Whitenoise warns that no collected static files exist: they are not what is timed.
    warnings.filterwarnings("ignore", message="No directory at")
    n = args.conversations
    repeats = args.repeats
    rows: list[dict] = []
    if not generated_partnerships():
        made = generate(n)
        rows.append(
            {
                "benchmark": "generate data set",
                "n": made.conversations,
                "seconds": round(made.seconds, 1),
                "per_second": round(made.conversations / made.seconds),
                "unit": "conversations",
                "peak_mb": peak_memory_mb(),
                "people": made.people,
                "records": made.outcome_records,
                "answers": made.answers,
            }
        )
    generated = Conversation.objects.filter(partnership__code__startswith=f"{PREFIX}-").count()

    partnership = Partnership.objects.get(code=f"{PREFIX}-01")
    team = Team.objects.filter(partnership=partnership).order_by("code").first()
    period = default_period(timezone.localdate())
    lead, leader = _people(partnership, team)
    _targets(partnership, period)
    in_scope = Conversation.objects.filter(
        partnership=partnership,
        status="completed",
        date_held__gte=period.first_day,
        date_held__lte=period.last_day,
    )
    answers = MeasureAnswer.objects.filter(conversation__in=in_scope).count()
    where = f"{partnership.code} {period}"

    def row(benchmark: str, seconds: list[float], floor: float, **extra: Any) -> dict:
        median = statistics.median(seconds)
        return {
            "benchmark": benchmark,
            "n": generated,
            "seconds": round(median, 4),
            "min_s": round(min(seconds), 4),
            "x_floor": round(median / floor, 1),
            **extra,
        }

    # The floor, and the ORM's counts it must agree with.
    expected = {
        code: (int(num), int(den))
        for code, num, den in measure_counts(scope=Scope(partnership), periods=[period])[
            ["measure_code", "numerator", "denominator"]
        ].itertuples(index=False)
    }
    params = {
        "partnership": partnership.pk,
        "first_day": period.first_day,
        "last_day": period.last_day,
    }
    floors: dict[str, list[float]] = {}
    for name, sql in FLOORS[connection.vendor].items():
        counts, floors[name] = timings(lambda sql=sql: _floor_counts(sql, params), repeats)
        assert counts == expected, f"floor {name} {counts} != ORM {expected}"
    floor = min(statistics.median(s) for s in floors.values())
    for name, seconds in floors.items():
        rows.append(
            row(
                f"floor: one SQL query, {name} ({where})",
                seconds,
                floor,
                queries=1,
                answers=answers,
            )
        )

    # (a) the national return: the table and its CSV.
    def national_return() -> bytes:
        return render_csv(national_return_frame(partnership=partnership, period=period))

    with CaptureQueriesContext(connection) as captured:
        national_return()
    csv_bytes, seconds = timings(national_return, repeats)
    assert csv_bytes.count(b"\n") == 5, csv_bytes
    rows.append(row(f"national return CSV ({where})", seconds, floor, queries=len(captured)))

    # (b) the dashboard page, rendered in full, as a partnership lead and as a team leader.
    url = reverse("reporting:dashboard")
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        for who, user, params in (
            ("partnership lead", lead, {"period": str(period)}),
            ("team leader", leader, {"period": str(period), "team": team.code}),
        ):
            client = Client()
            client.force_login(user)

            def page(client: Client = client, params: dict = params) -> bytes:
                response = client.get(url, params, secure=True)
                assert response.status_code == 200, response.status_code
                return response.content

            with CaptureQueriesContext(connection) as captured:
                page()
            # Read now: every request clears the connection's query log.
            queries = len(captured)
            content, seconds = timings(page, repeats)
            rows.append(
                row(
                    f"dashboard page, {who} ({where})",
                    seconds,
                    floor,
                    queries=queries,
                    kb=round(len(content) / 1024),
                )
            )
    for item in rows:
        item.setdefault("peak_mb", peak_memory_mb())
    return rows
