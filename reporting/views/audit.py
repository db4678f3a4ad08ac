"""The partnership's audit for a period, as CSV, for its information governance lead (the
partnership lead): every row about its people or written by its staff. Text cells are
escaped against formulas like every other download; the download is itself audited."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conversations.audit import audit
from conversations.models import AuditAction, AuditEvent, Partnership
from frameworks.periods import Period, PeriodError
from reporting.access import led_partnership_or_404
from reporting.csv import csv_response

AUDIT_HEADER = [
    "at",
    "username",
    "action",
    "action_label",
    "person_ref",
    "conversation_id",
    "after_sign_off",
    "ip_address",
    "fields_changed",
    "detail",
    "reason",
]


def partnership_audit(*, partnership: Partnership, period: Period):
    """Rows about the partnership's people or by its staff, held within ``period``."""
    return (
        AuditEvent.objects.filter(
            Q(person__partnership=partnership) | Q(user__memberships__partnership=partnership),
            at__date__gte=period.first_day,
            at__date__lte=period.last_day,
        )
        .distinct()
        .select_related("user", "person", "conversation")
        .order_by("at", "pk")
    )


def _row(event: AuditEvent) -> list:
    return [
        event.at.isoformat(),
        event.user.get_username() if event.user else "",
        event.action,
        event.get_action_display(),
        event.person.ref if event.person else "",
        event.conversation.external_id if event.conversation else "",
        "yes" if event.after_sign_off else "no",
        event.ip_address or "",
        "; ".join(sorted(event.changes)),
        json.dumps(event.detail, sort_keys=True) if event.detail else "",
        event.reason,
    ]


@login_required
@require_http_methods(["GET", "HEAD"])
@never_cache
def audit_download(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    try:
        period = Period.parse(request.GET.get("period", ""))
    except PeriodError as problem:
        return HttpResponseBadRequest(f"Choose a period, e.g. 2026-27 Q1: {problem}")
    events = partnership_audit(partnership=partnership, period=period)
    audit(
        action=AuditAction.DOWNLOADED_AUDIT,
        request=request,
        detail={"partnership": partnership.code, "period": str(period)},
    )
    slug = str(period).replace(" ", "-")
    return csv_response(
        f"audit-{partnership.code}-{slug}.csv",
        AUDIT_HEADER,
        (_row(event) for event in events.iterator(chunk_size=2000)),
    )


urlpatterns: list[URLPattern] = [
    path("audit.csv", audit_download, name="audit-download"),
]
