"""The pages a practitioner opens most, at scale: the home page (their caseload and work queue)
as a practitioner and as a team leader, and the recording page of a draft, rendered in full
through Django's test client on the data set ``bench_reporting`` generated (``GEN-01``).

Each timing is a warm-up run, then ``--repeats`` runs; the table shows the median, the fastest
and the number of queries of one request (which must not grow with the data).
"""

from __future__ import annotations

import argparse
import statistics
import warnings

from bench_reporting import _people, timings
from generate import PREFIX, generate, generated_partnerships


def run(args: argparse.Namespace) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from conversations.models import Conversation, Partnership, Team

    warnings.filterwarnings("ignore", message="No directory at")
    if not generated_partnerships():
        generate(args.conversations)
    partnership = Partnership.objects.get(code=f"{PREFIX}-01")
    team = Team.objects.filter(partnership=partnership).order_by("code").first()
    _, leader = _people(partnership, team)
    practitioner = get_user_model().objects.get(username=f"gen-{team.code.lower()}-p1")
    draft = (
        Conversation.objects.filter(team=team, status="draft", practitioner=practitioner)
        .order_by("-date_held")
        .first()
        or Conversation.objects.filter(team=team, status="draft").order_by("-date_held").first()
    )
    generated = Conversation.objects.filter(partnership__code__startswith=f"{PREFIX}-").count()
    pages = [
        ("home page, practitioner", practitioner, reverse("home")),
        ("home page, team leader", leader, reverse("home")),
    ]
    if draft is not None:
        pages.append(
            (
                "recording page of a draft, practitioner",
                practitioner,
                reverse("conversations:conversation-record", args=[draft.pk]),
            )
        )
    rows: list[dict] = []
    with override_settings(
        ALLOWED_HOSTS=["testserver"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        for name, user, url in pages:
            client = Client()
            client.force_login(user)

            def page(client: Client = client, url: str = url) -> bytes:
                response = client.get(url, secure=True)
                assert response.status_code == 200, (url, response.status_code)
                return response.content

            page()  # the first opening of an imported draft adds its missing outcome records
            with CaptureQueriesContext(connection) as captured:
                page()
            queries = len(captured)
            content, seconds = timings(page, args.repeats)
            rows.append(
                {
                    "benchmark": f"{name} ({team.code})",
                    "n": generated,
                    "seconds": round(statistics.median(seconds), 4),
                    "min_s": round(min(seconds), 4),
                    "queries": queries,
                    "kb": round(len(content) / 1024),
                }
            )
    return rows
