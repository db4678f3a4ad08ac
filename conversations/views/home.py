from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conversations.access import staff_scope
from conversations.models import Partnership, Person, StaffRole, Team


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One home page that shows each of the user's roles its own section."""
    user = request.user
    scope = staff_scope(user)
    context: dict = {"scope": scope}
    if scope.team_ids:
        context["my_teams"] = (
            Team.objects.worked_in_by(user)
            .select_related("partnership")
            .annotate(people_count=Count("people", distinct=True))
        )
        context["recent_people"] = (
            Person.objects.editable_by(user)
            .select_related("client_group")
            .order_by("-updated_at")[:10]
        )
    if scope.is_team_leader:
        context["led_teams"] = (
            Team.objects.led_by(user)
            .select_related("partnership")
            .annotate(
                people_count=Count("people", distinct=True),
                practitioner_count=Count(
                    "memberships",
                    filter=Q(memberships__role=StaffRole.PRACTITIONER),
                    distinct=True,
                ),
            )
        )
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
