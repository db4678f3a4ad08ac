"""What helps and what gets in the way: the page and its CSV, scoped and audited like the
dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from frameworks.once import once_per_request
from frameworks.periods import PeriodError
from reporting.figures import suppression_threshold
from reporting.views.dashboard import csv_download, dashboard_query, scope_context
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
            **scope_context(query, error),
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
    return csv_download(request, query, table="what_helps", header=CSV_HEADER, rows=rows)


urlpatterns: list[URLPattern] = [
    path("what-helps/", what_helps_page, name="what-helps"),
    path("what-helps/download.csv", what_helps_download, name="what-helps-download"),
]
