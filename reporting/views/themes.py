"""Themes in what people said: how often each theme of the codebook comes up for a scope and
period, by status at review, with a few of the people's words beside each count shown; and
the counts as CSV. Scope and period are read like the dashboard's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from conversations.audit import audit
from conversations.models import AuditAction
from frameworks.once import once_per_request
from frameworks.periods import PeriodError
from reporting.dashboard import table_csv
from reporting.figures import suppression_threshold
from reporting.themes import (
    BREAKDOWN_TITLES,
    STATUS_COLUMNS,
    STATUS_HEADINGS,
    WORDS_CSV_HEADER,
    coded_words,
    coded_words_rows,
    theme_rows,
    theme_table,
)
from reporting.views.dashboard import audit_scope, csv_download, dashboard_query, scope_context


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def themes(request: HttpRequest) -> HttpResponse:
    query, error = dashboard_query(request, lenient=True)
    days = {"first_day": query.period.first_day, "last_day": query.period.last_day}
    rows = theme_rows(scope=query.scope, **days)
    breakdowns = [
        (BREAKDOWN_TITLES[by], *theme_table(scope=query.scope, by=by, **days))
        for by in ("outcome", *(("team",) if query.multi_team else ()))
    ]
    audit(
        action=AuditAction.VIEWED_THEMES,
        request=request,
        detail={**audit_scope(query), "quotes": sum(len(row.quotes) for row in rows)},
    )
    return render(
        request,
        "reporting/themes.html",
        {
            **scope_context(query, error),
            "rows": rows,
            "breakdowns": breakdowns,
            "statuses": [(s, STATUS_HEADINGS[s]) for s in STATUS_COLUMNS],
            "threshold": suppression_threshold(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def themes_download(request: HttpRequest) -> HttpResponse:
    try:
        query, _ = dashboard_query(request)
    except PeriodError as problem:
        return HttpResponseBadRequest(str(problem))
    # The same file as the dashboard's themes download: the counts only, no quotes to look up.
    header, rows = table_csv(query, "themes")
    return csv_download(request, query, table="themes", header=header, rows=rows)


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def coded_words_download(request: HttpRequest) -> HttpResponse:
    """The coded words of the scope and period, one row per outcome record, for qualitative
    analysis elsewhere: no names, dates of birth or references; formula-escaped. Whose words
    were downloaded is written to the audit."""
    try:
        query, _ = dashboard_query(request)
    except PeriodError as problem:
        return HttpResponseBadRequest(str(problem))
    records = coded_words(
        scope=query.scope, first_day=query.period.first_day, last_day=query.period.last_day
    )
    return csv_download(
        request,
        query,
        table="coded_words",
        header=WORDS_CSV_HEADER,
        rows=coded_words_rows(records),
        detail={
            "records": len(records),
            "people": sorted({record.conversation.subject_id for record in records}),
        },
    )


urlpatterns: list[URLPattern] = [
    path("themes/", themes, name="themes"),
    path("themes/download.csv", themes_download, name="themes-download"),
    path("themes/words.csv", coded_words_download, name="themes-words-download"),
]
