"""From a figure to the words behind it: the outcome records in completed conversations
that make up one dashboard figure, with what each person said, what helps, what gets in the
way and what was agreed.

Scope comes from ``resolve_scope`` (a team outside the user's reach is a 404), and the
records are also limited to conversations the user may read. Words are personal: no download.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from conversations.models import Action, Conversation
from frameworks.models import BarrierCode
from reporting.access import resolve_scope
from reporting.forms import DRILLDOWN_STATUSES, DrilldownForm
from reporting.selectors import records_behind_figure

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "HEAD"])
def drilldown(request: HttpRequest) -> HttpResponse:
    scope = resolve_scope(request)
    form = DrilldownForm(request.GET)
    if not form.is_valid():
        return render(
            request, "reporting/drilldown.html", {"form": form, "scope": scope}, status=400
        )
    data = form.cleaned_data
    barrier = data["barrier"]
    records = (
        records_behind_figure(
            scope=scope,
            period=data["period"],
            outcome_code=data["outcome"],
            status=data["status"],
            barrier_code=barrier.code if barrier else "",
        )
        .filter(conversation__in=Conversation.objects.visible_to(request.user))
        .select_related("outcome", "conversation__subject", "conversation__team")
        .prefetch_related(
            Prefetch("barriers", queryset=BarrierCode.objects.order_by("order", "code")),
            Prefetch("actions", queryset=Action.objects.order_by("order", "pk")),
        )
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/drilldown.html",
        {
            "form": form,
            "scope": scope,
            "page": page,
            "query": query.urlencode(),
            "period": data["period"],
            "outcome_label": getattr(form, "outcome_label", None),
            "status_label": DRILLDOWN_STATUSES.get(data["status"]),
            "barrier": barrier,
        },
    )


urlpatterns: list[URLPattern] = [
    path("drilldown/", drilldown, name="drilldown"),
]
