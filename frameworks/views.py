from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from frameworks.changes import ChangeKind, version_changes
from frameworks.models import (
    BarrierCode,
    ClientGroup,
    Framework,
    FrameworkVersion,
    Measure,
    Outcome,
)


@login_required
@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    versions = (
        FrameworkVersion.objects.visible_to(request.user)
        .select_related("previous")
        .annotate(outcome_count=Count("outcomes"))
        .order_by("version")
    )
    frameworks = (
        Framework.objects.filter(versions__in=FrameworkVersion.objects.visible_to(request.user))
        .distinct()
        .prefetch_related(Prefetch("versions", queryset=versions))
    )
    return render(
        request,
        "frameworks/list.html",
        {
            "frameworks": frameworks,
            "measures": Measure.objects.all(),
            "barriers": BarrierCode.objects.all(),
            "client_groups": ClientGroup.objects.all(),
        },
    )


@login_required
@require_safe
def version_detail(request: HttpRequest, framework: str, version: str) -> HttpResponse:
    framework_version = get_object_or_404(
        FrameworkVersion.objects.visible_to(request.user).select_related(
            "framework", "previous__framework"
        ),
        framework__code=framework,
        version=version,
    )
    domains = framework_version.domains.order_by("order").prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.order_by("order"))
    )
    changes = version_changes(framework_version)
    return render(
        request,
        "frameworks/version_detail.html",
        {
            "version": framework_version,
            "domains": domains,
            "changes": [change for change in changes if change.kind != ChangeKind.UNCHANGED],
            "unchanged_count": sum(change.kind == ChangeKind.UNCHANGED for change in changes),
        },
    )
