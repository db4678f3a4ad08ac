"""The dashboard page and its CSV downloads: read the request (scope and period), ask
``reporting.dashboard`` for the figures, render or write them, and audit the reading.

Scope comes from ``resolve_scope`` (``?team=<code>``; anything outside the user's reach is a
404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from conversations.audit import audit, ids_of
from conversations.models import AuditAction
from frameworks.once import once_per_request
from frameworks.periods import (
    PeriodError,
    default_period,
    period_choices,
    reportable_period,
)
from reporting.access import reporting_reach, resolve_scope
from reporting.csv import csv_response
from reporting.dashboard import (
    TABLES,
    Choice,
    DashboardQuery,
    coverage_page,
    page_figures,
    table_csv,
    team_choices,
)


def dashboard_query(request: HttpRequest, *, lenient: bool = False) -> tuple[DashboardQuery, str]:
    """Scope and period from the query string, and any problem with the period. Raises
    Http404 outside the user's reach; a period that cannot be read raises PeriodError, or with
    ``lenient`` gives the default period and the problem in words."""
    scope = resolve_scope(request)
    reach = reporting_reach(request.user)
    today = timezone.localdate()
    problem = ""
    try:
        period = reportable_period(request.GET.get("period"), today=today)
    except PeriodError as error:
        if not lenient:
            raise
        problem, period = str(error), default_period(today)
    query = DashboardQuery(
        scope=scope,
        reach=reach,
        team_code=request.GET.get("team", "").strip(),
        period=period,
        today=today,
    )
    return query, problem


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def dashboard(request: HttpRequest) -> HttpResponse:
    query, error = dashboard_query(request, lenient=True)
    context = {
        **scope_context(query, error),
        **page_figures(query),
        "coverage": coverage_page(query, request.GET.get("coverage_page")),
    }
    audit(
        action=AuditAction.VIEWED_COVERAGE_LIST,
        request=request,
        detail={**audit_scope(query), "people": ids_of(context["coverage"])},
    )
    return render(request, "reporting/dashboard.html", context)


def scope_context(query: DashboardQuery, error: str) -> dict:
    """What every reporting page's scope and period chooser shows
    (``reporting/_scope_form.html``)."""
    return {
        "query": query,
        "error": error,
        "is_default_period": query.period == default_period(query.today),
        "period_choices": [
            Choice(value, label)
            for value, label in period_choices(query.today, chosen=query.period)
        ],
        "team_choices": team_choices(query),
    }


def audit_scope(query: DashboardQuery) -> dict[str, str]:
    """Which figures were read, for the audit: the partnership, the team if one, the period."""
    return {
        "partnership": query.scope.partnership.code,
        "team": query.team_code or "",
        "period": str(query.period),
    }


# --- CSV downloads --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def dashboard_download(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404("No such table")
    try:
        query, _ = dashboard_query(request)
    except PeriodError as problem:
        return HttpResponseBadRequest(str(problem))
    header, rows = table_csv(query, table)
    return csv_download(request, query, table=table, header=header, rows=rows)


def csv_download(
    request: HttpRequest,
    query: DashboardQuery,
    *,
    table: str,
    header: list[str],
    rows,
    detail: dict | None = None,
) -> HttpResponse:
    """A reporting table as a CSV named after the table, scope and period; the download is
    written to the audit (with ``detail`` added)."""
    audit(
        action=AuditAction.DOWNLOADED_CSV,
        request=request,
        detail={**audit_scope(query), "table": table, **(detail or {})},
    )
    where = query.team_code or query.scope.partnership.code
    period = str(query.period).replace(" ", "-")
    stem = table.replace("_", "-")
    return csv_response(f"{stem}-{where}-{period}.csv", header, rows)


urlpatterns: list[URLPattern] = [
    path("", dashboard, name="dashboard"),
    path("download/<slug:table>.csv", dashboard_download, name="dashboard-download"),
]
