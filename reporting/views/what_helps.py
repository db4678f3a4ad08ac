"""What helps and what gets in the way: the page and its CSV, scoped and audited like the
dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from conversations.audit import audit
from conversations.models import AuditAction
from frameworks.once import once_per_request
from frameworks.periods import PeriodError, default_period, period_choices
from reporting.csv import csv_response
from reporting.dashboard import Choice, team_choices
from reporting.figures import suppression_threshold
from reporting.views.dashboard import audit_scope, dashboard_query
from reporting.what_helps import CSV_HEADER, csv_rows, what_helps


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def what_helps_page(request: HttpRequest) -> HttpResponse:
    query, error = dashboard_query(request, lenient=True)
    return render(
        request,
        "reporting/what_helps.html",
        {
            "query": query,
            "error": error,
            "is_default_period": query.period == default_period(query.today),
            "period_choices": [
                Choice(value, label)
                for value, label in period_choices(query.today, chosen=query.period)
            ],
            "team_choices": team_choices(query),
            "rows": what_helps(query),
            "threshold": suppression_threshold(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def what_helps_download(request: HttpRequest) -> HttpResponse:
    try:
        query, _ = dashboard_query(request)
    except PeriodError as problem:
        return HttpResponseBadRequest(str(problem))
    rows = csv_rows(what_helps(query))
    audit(
        action=AuditAction.DOWNLOADED_CSV,
        request=request,
        detail={**audit_scope(query), "table": "what_helps"},
    )
    where = query.team_code or query.scope.partnership.code
    period = str(query.period).replace(" ", "-")
    return csv_response(f"what-helps-{where}-{period}.csv", CSV_HEADER, rows)


urlpatterns: list[URLPattern] = [
    path("what-helps/", what_helps_page, name="what-helps"),
    path("what-helps/download.csv", what_helps_download, name="what-helps-download"),
]
