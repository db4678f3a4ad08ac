from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from conversations import selectors
from conversations.access import staff_scope
from conversations.models import Partnership, Team


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """One home page that shows each of the user's roles its own section: a practitioner's
    work queue, a team leader's view of their teams' waiting work, a partnership lead's
    teams, and an administrator's way into the admin."""
    user = request.user
    scope = staff_scope(user)
    today = timezone.localdate()
    context: dict = {
        "scope": scope,
        "today": today,
        "due_window_days": selectors.REVIEW_DUE_WINDOW_DAYS,
    }
    if scope.team_ids:
        context["my_teams"] = (
            Team.objects.worked_in_by(user)
            .select_related("partnership")
            .annotate(people_count=Count("people", distinct=True))
        )
        context["drafts"] = selectors.my_drafts(user, today=today)
        context["overdue"], context["due"] = selectors.my_reviews(user, today=today)
        context["seen_recently"] = selectors.people_seen_recently(user)
        context["recent_people"] = selectors.people_recently_active(user)
        context["has_own_work"] = bool(
            context["drafts"] or context["overdue"] or context["due"] or context["seen_recently"]
        )
    if scope.is_team_leader:
        old_draft_days = settings.CASELOAD_OLD_DRAFT_DAYS
        context["led_teams"] = selectors.teams_led_with_counts(user)
        context["team_queues"] = selectors.team_queues(
            user, today=today, old_draft_days=old_draft_days
        )
        context["old_draft_days"] = old_draft_days
    if scope.is_partnership_lead:
        context["led_partnerships"] = [
            {
                "partnership": partnership,
                "teams": partnership.teams.annotate(people_count=Count("people", distinct=True)),
            }
            for partnership in Partnership.objects.filter(
                pk__in=scope.lead_partnership_ids
            ).annotate(people_count=Count("people", distinct=True))
        ]
    return render(request, "home.html", context)
