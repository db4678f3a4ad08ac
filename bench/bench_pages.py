"""Every page that asks the database something, at scale: each rendered in full through
Django's test client (DEBUG off) on the data set ``bench/generate.py`` makes (partnership
``GEN-01``; generated here unless the database already holds it), as the person who opens it:

- the people list (a practitioner; the partnership lead), the people search by the start of a
  reference and by a fragment of a name (a practitioner), and the page of a person with many
  conversations;
- the drill-down behind a barrier figure (the lead, the latest complete quarter);
- the dashboard (the lead: the latest complete quarter and the last complete financial year;
  a team leader: the quarter) and every CSV download the lead's dashboard links to;
- the targets page (the lead, with ``TARGETS`` targets of the partnership, made here);
- the home page (a practitioner, a team leader) and the recording page of a draft;
- the returns page (the lead: its preview of the latest complete quarter, and of the year);
- the first request of a fresh worker: a new Python process imports
  ``outcomes_site.wsgi`` (timed as ``import_s``) and sends the lead's dashboard straight
  through the WSGI application (``seconds``, then ``second_s`` for its second request). One
  untimed worker first, then ``--fresh-workers`` timed; compiled bytecode is kept between them
  (in a folder of the system's temporary folder), as an installed site has it.

Each page is opened once to warm up, once more to count its queries, then ``--repeats`` times:
``seconds`` is the median, ``min_s`` the fastest, ``kb`` the size of the response. Queries must
not grow with the data (at most ``QUERY_LIMIT`` a page: over it, the row says so).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench_reporting import _people
from generate import PREFIX, generate, generated_partnerships, name_people

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TARGETS = 58
QUERY_LIMIT = 20
NAME_FRAGMENT = "kenz"  # Mackenzie: about one generated person in twenty
BARRIER = "transport"
OUTCOME = "feeling_safe"  # the drill-downs the dashboard links to: by outcome and status, and
# by barrier within an outcome
FRESH_WORKER_TIMEOUT = 600

# Run in a new interpreter: import the WSGI module, then two requests through it.
FRESH_WORKER = r"""
import io, json, sys, time
started = time.perf_counter()
from outcomes_site.wsgi import application
imported = time.perf_counter()
path, query, cookie = sys.argv[1:4]
def request():
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver", "HTTP_COOKIE": cookie, "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    start = time.perf_counter()
    body = b"".join(application(environ, start_response))
    return answer["status"], len(body), time.perf_counter() - start
first = request()
second = request()
print(json.dumps({"import_s": imported - started, "first": first, "second": second}))
"""


@dataclass(frozen=True)
class Page:
    name: str
    user: Any
    url: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # --repeats is bench_reporting's (the same meaning here).
    parser.add_argument(
        "--fresh-workers",
        type=int,
        default=5,
        help="Fresh worker processes timed for the first-request row, after one untimed "
        "(default 5)",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="ANALYZE the database before timing the pages (PostgreSQL; for a data set "
        "generated before the generator did)",
    )


def _bench_targets(partnership, teams, quarter, year) -> int:
    """``TARGETS`` targets for the partnership, as leads set them: each measure for the
    partnership (quarter and year) and for each team (quarter), then outcome targets for the
    partnership (quarter, then year) until there are ``TARGETS``. The number held."""
    from conversations.models import Target
    from frameworks.models import FrameworkVersion, Measure, Outcome

    measures = list(Measure.objects.order_by("code"))
    newest = [
        FrameworkVersion.objects.filter(framework__role=role, published=True)
        .order_by("-version")
        .first()
        for role in ("user", "carer")
    ]
    codes = list(
        dict.fromkeys(
            Outcome.objects.filter(version__in=[v for v in newest if v])
            .order_by("version_id", "order")
            .values_list("code", flat=True)
        )
    )
    wanted = [dict(team=None, measure=m, period=str(p)) for p in (quarter, year) for m in measures]
    wanted += [dict(team=t, measure=m, period=str(quarter)) for t in teams for m in measures]
    wanted += [
        dict(team=None, outcome_code=code, period=str(p)) for p in (quarter, year) for code in codes
    ]
    for index, key in enumerate(wanted[:TARGETS]):
        Target.objects.get_or_create(
            partnership=partnership,
            **key,
            defaults={"target": Decimal(60 + index % 30)},
        )
    return Target.objects.filter(partnership=partnership).count()


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _measure(open_page: Callable[[], bytes], repeats: int) -> tuple[list[float], int, int]:
    """Warm up, count one request's queries, then time ``repeats`` requests."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_page()
    with CaptureQueriesContext(connection) as captured:
        content = open_page()
    queries = len(captured)  # read now: the next request clears the connection's log
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        content = open_page()
        seconds.append(time.perf_counter() - start)
    return seconds, queries, len(content)


def _csv_links(content: bytes) -> list[str]:
    """The CSV downloads a dashboard page links to, in page order."""
    from django.urls import reverse

    prefix = reverse("reporting:dashboard-download", args=["measures"]).rsplit("/", 1)[0] + "/"
    found = re.findall(rf'href="({re.escape(prefix)}[^"]+)"', content.decode())
    return list(dict.fromkeys(html.unescape(link) for link in found))


def _fresh_worker(user, url: str) -> dict:
    """The lead's dashboard as the first request of a new process that imports the WSGI
    module: import seconds, first and second request seconds."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    path, _, query = url.partition("?")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "load_settings",  # static files without collectstatic
            "ALLOWED_HOSTS": "testserver",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH_DIR)]),
            # Compiled bytecode kept between workers, as an installed site has it, but
            # outside the source and the virtualenv.
            "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "outcomes-bench-pycache"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", FRESH_WORKER, path, query, cookie],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=FRESH_WORKER_TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"fresh worker failed:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for status, _, _ in (report["first"], report["second"]):
        assert status == 200, (url, status)
    return report


def run(args: argparse.Namespace) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from conversations.models import Conversation, Partnership, Person, Team
    from frameworks.models import BarrierCode
    from frameworks.periods import Period, default_period
    from reporting.summary import summaries_rebuild

    warnings.filterwarnings("ignore", message="No directory at")
    rows: list[dict] = []
    if not generated_partnerships():
        made = generate(args.conversations)
        rows.append(
            {
                "benchmark": "generate data set",
                "n": made.conversations,
                "seconds": round(made.seconds, 1),
                "per_second": round(made.conversations / made.seconds),
            }
        )
    if args.analyze and connection.vendor == "postgresql":
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rows.append({"benchmark": "ANALYZE", "seconds": round(time.perf_counter() - start, 1)})
    named = name_people()  # a data set generated before people had names
    if named:
        rows.append({"benchmark": "name the generated people (older data set)", "n": named})
    partnership = Partnership.objects.get(code=f"{PREFIX}-01")
    # What the scheduled `rebuild_summaries --stale` does on a site: a read never keeps counts
    # (a period without them is counted live), and the generator writes past the ORM.
    start = time.perf_counter()
    kept = summaries_rebuild(partnerships=[partnership], stale_only=True)[0]
    if kept.quarters or kept.years:
        seconds = round(time.perf_counter() - start, 1)
        rows.append({"benchmark": "rebuild_summaries --stale (GEN-01)", "seconds": seconds})
    teams = list(Team.objects.filter(partnership=partnership).order_by("code"))
    team = teams[0]
    lead, leader = _people(partnership, team)
    practitioner = get_user_model().objects.get(username=f"gen-{team.code.lower()}-p1")
    today = timezone.localdate()
    quarter = default_period(today)
    year = Period.year_containing(today).previous()
    targets = _bench_targets(partnership, teams, quarter, year)
    busiest = (
        Conversation.objects.filter(team=team)
        .values("subject_id")
        .annotate(held=Count("id"))
        .order_by("-held", "subject_id")
        .first()
    )
    person = Person.objects.get(pk=busiest["subject_id"])
    draft = (
        Conversation.objects.filter(team=team, status="draft", practitioner=practitioner)
        .order_by("-date_held")
        .first()
    )
    barrier = BarrierCode.objects.filter(code=BARRIER).first() or BarrierCode.objects.first()
    generated = Conversation.objects.filter(partnership__code__startswith=f"{PREFIX}-").count()

    def url(name: str, *args: Any, **params: Any) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return reverse(name, args=args) + query

    dashboard = url("reporting:dashboard", period=str(quarter))
    where = f"{partnership.code} {quarter}"
    pages = [
        Page("people list, practitioner", practitioner, url("conversations:person-list")),
        Page("people list, partnership lead", lead, url("conversations:person-list")),
        Page(
            f"people search by ref prefix {person.ref[:-2]!r}, practitioner",
            practitioner,
            url("conversations:person-list", q=person.ref[:-2]),
        ),
        Page(
            f"people search by name fragment {NAME_FRAGMENT!r}, practitioner",
            practitioner,
            url("conversations:person-list", q=NAME_FRAGMENT),
        ),
        Page(
            f"person detail ({person.conversations.count()} conversations), practitioner",
            practitioner,
            url("conversations:person-detail", person.pk),
        ),
        Page(
            f"drill-down by barrier {barrier.code!r}, lead ({where})",
            lead,
            url("reporting:drilldown", barrier=barrier.code, period=str(quarter)),
        ),
        Page(
            f"drill-down by barrier {barrier.code!r} and outcome {OUTCOME!r}, lead ({where})",
            lead,
            url("reporting:drilldown", barrier=barrier.code, outcome=OUTCOME, period=str(quarter)),
        ),
        Page(
            f"drill-down by outcome {OUTCOME!r} not achieved, lead ({where})",
            lead,
            url("reporting:drilldown", outcome=OUTCOME, status="not_achieved", period=str(quarter)),
        ),
        Page(
            f"drill-down by barrier {barrier.code!r}, team leader ({team.code} {quarter})",
            leader,
            url("reporting:drilldown", barrier=barrier.code, team=team.code, period=str(quarter)),
        ),
        Page(
            f"drill-down by outcome {OUTCOME!r} not achieved, team leader ({team.code} {quarter})",
            leader,
            url(
                "reporting:drilldown",
                outcome=OUTCOME,
                status="not_achieved",
                team=team.code,
                period=str(quarter),
            ),
        ),
        Page(f"dashboard, lead ({where})", lead, dashboard),
        Page(
            f"dashboard, lead ({partnership.code} {year})",
            lead,
            url("reporting:dashboard", period=str(year)),
        ),
        Page(
            f"dashboard, team leader ({team.code} {quarter})",
            leader,
            url("reporting:dashboard", period=str(quarter), team=team.code),
        ),
        Page(f"targets page ({targets} targets), lead", lead, url("reporting:targets")),
        Page("home page, practitioner", practitioner, url("home")),
        Page("home page, team leader", leader, url("home")),
        Page(f"returns page with preview, lead ({where})", lead, url("reporting:return-list")),
        Page(
            f"returns preview, lead ({partnership.code} {year})",
            lead,
            url("reporting:return-list", period=str(year)),
        ),
    ]
    if draft is not None:
        pages.append(
            Page(
                "recording page of a draft, practitioner",
                practitioner,
                url("conversations:conversation-record", draft.pk),
            )
        )
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        clients: dict[int, Client] = {}

        def get(user, address: str) -> bytes:
            if user.pk not in clients:
                clients[user.pk] = Client()
                clients[user.pk].force_login(user)
            response = clients[user.pk].get(address, secure=True)
            assert response.status_code == 200, (address, response.status_code)
            return _content(response)

        csvs = [
            Page(f"CSV {link.split('/')[-1].split('?')[0]}, lead ({where})", lead, link)
            for link in _csv_links(get(lead, dashboard))
        ]
        assert csvs, "the dashboard links to no CSV download"
        for page in pages + csvs:
            seconds, queries, size = _measure(
                lambda page=page: get(page.user, page.url), args.repeats
            )
            rows.append(
                {
                    "benchmark": page.name,
                    "n": generated,
                    "seconds": round(statistics.median(seconds), 4),
                    "min_s": round(min(seconds), 4),
                    "queries": queries,
                    "kb": round(size / 1024, 1),
                    "url": page.url,
                    **({"over_limit": f"> {QUERY_LIMIT}"} if queries > QUERY_LIMIT else {}),
                }
            )
            print(f"  {rows[-1]['seconds']:8.4f} s  {page.name}", file=sys.stderr, flush=True)
    _fresh_worker(lead, dashboard)  # warm-up: compiles the bytecode the others read
    workers = [_fresh_worker(lead, dashboard) for _ in range(args.fresh_workers)]
    rows.append(
        {
            "benchmark": f"first request of a fresh worker: dashboard, lead ({where})",
            "n": generated,
            "seconds": round(statistics.median(w["first"][2] for w in workers), 4),
            "min_s": round(min(w["first"][2] for w in workers), 4),
            "import_s": round(statistics.median(w["import_s"] for w in workers), 3),
            "second_s": round(statistics.median(w["second"][2] for w in workers), 4),
            "kb": round(workers[-1]["first"][1] / 1024, 1),
            "url": dashboard,
        }
    )
    return rows
