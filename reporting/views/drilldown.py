"""From a figure to the words behind it: the outcome records in completed conversations
that make up one dashboard figure, with what each person said, what helps, what gets in the
way and what was agreed.

Scope comes from ``resolve_scope`` (a team outside the user's reach is a 404), and the
records are also limited to conversations the user may read. Words are personal: no download,
and every page of words shown is audited, one entry per person on it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from conversations.audit import client_address
from conversations.models import Action, AuditAction, AuditEvent, Theme
from conversations.models.organisation import scope_of
from frameworks.models import BarrierCode
from frameworks.once import once_per_request
from frameworks.periods import Period, PeriodError, period_choices
from reporting.access import resolve_scope
from reporting.forms import DRILLDOWN_STATUSES, DrilldownForm
from reporting.selectors import Scope, figure_record_count, records_behind_figure

PAGE_SIZE = 25


def dashboard_url(request: HttpRequest, *, period: Period | None, section: str = "") -> str:
    """The dashboard for the scope and period the user came from (``?team`` and ``?period``
    as the drill-down link carried them)."""
    params = {}
    if period is not None:
        params["period"] = str(period)
    if team := request.GET.get("team", "").strip():
        params["team"] = team
    query = f"?{urlencode(params)}" if params else ""
    return f"{reverse('reporting:dashboard')}{query}{f'#{section}' if section else ''}"


def _period_asked(request: HttpRequest) -> Period | None:
    """The period of a link that is wrong in some other way, to keep on the way back."""
    try:
        return Period.parse(request.GET.get("period", "")) if request.GET.get("period") else None
    except PeriodError:
        return None


class CountedPaginator(Paginator):
    """Pages of records whose number is already known (``figure_record_count``: from the
    count summaries when it can), so paging does not count them again."""

    def __init__(self, object_list: QuerySet, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def figure_words(*, outcome_label: str | None, status: str, barrier: BarrierCode | None) -> str:
    """``“Feeling safe”: not achieved at review``, ``the barrier “Transport”``, or both."""
    parts = []
    if outcome_label:
        parts.append(f"“{outcome_label}”")
        if status:
            parts[-1] += f": {DRILLDOWN_STATUSES[status].lower()} at review"
    if barrier is not None:
        parts.append(f"the barrier “{barrier.label}”")
    return ", with ".join(parts)


def audit_drilldown(
    *, request: HttpRequest, page: Page, scope: Scope, period: Period, figure: str
) -> None:
    """One ``viewed_drilldown`` entry per person whose words are on the page (one query).
    The conversation is left empty: the entry belongs to the person's trail, not to the
    conversation's change history."""
    people = dict.fromkeys(record.conversation.subject for record in page)
    reason = f"{figure} — {scope.label}, {period}, page {page.number}"
    address = client_address(request)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=request.user,
            action=AuditAction.VIEWED_DRILLDOWN,
            person=person,
            reason=reason,
            ip_address=address,
        )
        for person in people
    )


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def drilldown(request: HttpRequest) -> HttpResponse:
    scope = resolve_scope(request)
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        context = {
            "form": form,
            "scope": scope,
            "dashboard_url": dashboard_url(request, period=_period_asked(request)),
        }
        return render(request, "reporting/drilldown.html", context, status=400)
    data = form.cleaned_data
    barrier, period = data["barrier"], data["period"]
    asked = {
        "scope": scope,
        "period": period,
        "outcome_code": data["outcome"],
        "status": data["status"],
        "barrier_code": barrier.code if barrier else "",
        "reader": request.user,
    }
    records = (
        records_behind_figure(**asked)
        .select_related("outcome", "conversation__subject", "conversation__team")
        .prefetch_related(
            Prefetch("barriers", queryset=BarrierCode.objects.order_by("order", "code")),
            Prefetch("actions", queryset=Action.objects.order_by("order", "pk")),
            "themes",
        )
    )
    count = figure_record_count(**asked)
    page = CountedPaginator(records, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    figure = figure_words(
        outcome_label=getattr(form, "outcome_label", None), status=data["status"], barrier=barrier
    )
    audit_drilldown(request=request, page=page, scope=scope, period=period, figure=figure)
    query = request.GET.copy()
    query.pop("page", None)
    hidden = {k: v for k, v in request.GET.items() if k in ("outcome", "status", "barrier", "team")}
    return render(
        request,
        "reporting/drilldown.html",
        {
            "form": form,
            "scope": scope,
            "page": page,
            "query": query.urlencode(),
            "period": period,
            "period_choices": period_choices(timezone.localdate(), chosen=period),
            "hidden": hidden,
            "figure": figure,
            "outcome_label": getattr(form, "outcome_label", None),
            "status_label": DRILLDOWN_STATUSES.get(data["status"]),
            "barrier": barrier,
            "dashboard_url": dashboard_url(
                request, period=period, section="barriers" if barrier else "achievement"
            ),
            **_coding(request, scope=scope),
        },
    )


def _coding(request: HttpRequest, *, scope) -> dict:
    """What a team leader needs to code the words listed in bulk: the partnership's themes in
    use, and the teams whose records they may code (their own). Nothing for anyone else."""
    led = scope_of(request.user).led_team_ids
    if not led:
        return {}
    themes = list(Theme.objects.in_use().filter(partnership=scope.partnership))
    return {"coding_themes": themes, "led_team_ids": led} if themes else {}


urlpatterns: list[URLPattern] = [
    path("drilldown/", drilldown, name="drilldown"),
]
