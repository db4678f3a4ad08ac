"""Local improvement targets in the browser: list, set, change and remove.

Every target comes through ``targets_visible_to`` or ``targets_editable_by``: a target
outside the user's scope is simply not found (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from conversations.access import staff_scope
from conversations.audit import audit
from conversations.models import AuditAction, Target
from frameworks.once import once_per_request
from reporting.access import reporting_reach
from reporting.forms import TargetForm
from reporting.targets import (
    can_edit,
    can_set_targets,
    outcome_labels,
    target_progress,
    targets_editable_by,
    targets_visible_to,
)


def _described(target: Target, labels: dict[str, str]) -> str:
    if target.measure_id:
        return f"{target.measure.code} {target.measure.title}"
    return f"{labels.get(target.outcome_code, target.outcome_code)} (achieved at review)"


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def target_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not reporting_reach(user).any:
        raise Http404("No reports for this account")
    targets = list(
        targets_visible_to(user)
        .select_related("partnership", "team", "measure", "set_by")
        .order_by("-period", "partnership__name", "team__name", "measure__order", "outcome_code")
    )
    labels = outcome_labels(t.outcome_code for t in targets if t.outcome_code)
    progress = target_progress(targets, today=timezone.localdate())
    scope = staff_scope(user)
    rows = [
        {
            "target": target,
            "what": _described(target, labels),
            "progress": progress[target.pk],
            "can_edit": can_edit(scope, target),
        }
        for target in targets
    ]
    return render(
        request,
        "reporting/targets.html",
        {"rows": rows, "can_set": can_set_targets(user)},
    )


def _save(form: TargetForm, target: Target, *, by) -> bool:
    """Write the target; a clash with a target saved meanwhile becomes a form error."""
    try:
        with transaction.atomic():
            form.apply_to(target, by=by).save()
    except IntegrityError:
        form.add_error(
            None, "There is already a target for this in that period. Change it instead."
        )
        return False
    return True


def _audit_target(request: HttpRequest, action: AuditAction, target: Target) -> None:
    audit(
        action=action,
        request=request,
        detail={
            "target": target.pk,
            "partnership": target.partnership_id,
            "team": target.team_id,
            "period": target.period,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_request
def target_create(request: HttpRequest) -> HttpResponse:
    if not can_set_targets(request.user):
        raise PermissionDenied("Only team leaders and partnership leads set targets.")
    form = TargetForm(request.POST or None, user=request.user)
    target = Target()
    if request.method == "POST" and form.is_valid() and _save(form, target, by=request.user):
        _audit_target(request, AuditAction.TARGET_CREATED, target)
        messages.success(request, "Target saved.")
        return redirect("reporting:targets")
    return render(request, "reporting/target_form.html", {"form": form, "target": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_request
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(targets_editable_by(request.user), pk=pk)
    form = TargetForm(request.POST or None, user=request.user, instance=target)
    if request.method == "POST" and form.is_valid() and _save(form, target, by=request.user):
        _audit_target(request, AuditAction.TARGET_CHANGED, target)
        messages.success(request, "Target changed.")
        return redirect("reporting:targets")
    return render(request, "reporting/target_form.html", {"form": form, "target": target})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@once_per_request
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        targets_editable_by(request.user).select_related("partnership", "team", "measure"),
        pk=pk,
    )
    if request.method == "POST":
        _audit_target(request, AuditAction.TARGET_DELETED, target)
        target.delete()
        messages.success(request, "Target removed.")
        return redirect("reporting:targets")
    labels = outcome_labels([target.outcome_code]) if target.outcome_code else {}
    return render(
        request,
        "reporting/target_confirm_delete.html",
        {"target": target, "what": _described(target, labels)},
    )


urlpatterns: list[URLPattern] = [
    path("targets/", target_list, name="targets"),
    path("targets/new/", target_create, name="target-create"),
    path("targets/<int:pk>/edit/", target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", target_delete, name="target-delete"),
]
