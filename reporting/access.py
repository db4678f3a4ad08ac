"""Who may see which reports. Scope is resolved here, once, and every reporting view asks
for it: a team or partnership outside the user's reach is a 404, never an empty page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404, HttpRequest

from conversations.access import staff_scope
from conversations.models import Partnership, Team
from reporting.selectors import Scope


@dataclass(frozen=True)
class ReportingReach:
    """The teams whose dashboards a user may read, and the partnerships they may read whole."""

    partnerships: tuple[Partnership, ...]
    teams: tuple[Team, ...]

    @property
    def any(self) -> bool:
        return bool(self.partnerships or self.teams)


def reporting_reach(user) -> ReportingReach:
    """Practitioners and team leaders: their own teams. Partnership leads: every team of their
    partnership, and the partnership as a whole. Read once per request (cached on the user
    object, like ``staff_scope``): a page resolving its scope and listing teams asks once."""
    cached = getattr(user, "_reporting_reach", None)
    if cached is not None:
        return cached
    scope = staff_scope(user)
    # One filter, not a UNION: SQLite refuses ORDER BY (Team's default ordering) inside one.
    # The led partnerships come with their teams; only one with no team yet needs a query.
    teams = tuple(
        Team.objects.filter(
            Q(pk__in=scope.team_ids) | Q(partnership_id__in=scope.lead_partnership_ids)
        )
        .select_related("partnership")
        .order_by("name")
    )
    led = {t.partnership_id: t.partnership for t in teams}
    if set(scope.lead_partnership_ids) - set(led):
        led |= {p.pk: p for p in Partnership.objects.filter(pk__in=scope.lead_partnership_ids)}
    partnerships = tuple(
        sorted(
            (led[pk] for pk in scope.lead_partnership_ids),
            key=lambda p: (p.name, p.pk),
        )
    )
    reach = ReportingReach(partnerships=partnerships, teams=teams)
    user._reporting_reach = reach
    return reach


def resolve_scope(request: HttpRequest) -> Scope:
    """The scope a reporting page asks for with ``?team=<code>`` (one team) or nothing (the
    user's whole reach: a lead's partnership, or all of a practitioner's teams).
    Raises Http404 for anything outside the user's reach."""
    reach = reporting_reach(request.user)
    if not reach.any:
        raise Http404("No reports for this account")
    team_code = request.GET.get("team", "").strip()
    if team_code:
        team = next((t for t in reach.teams if t.code == team_code), None)
        if team is None:
            raise Http404("Team not found")
        return Scope(partnership=team.partnership, teams=(team,))
    if reach.partnerships:
        return Scope(partnership=reach.partnerships[0])
    # Teams of two partnerships never mix in one figure: take the first partnership's teams.
    first = min(reach.teams, key=lambda t: (t.partnership_id, t.name))
    teams = tuple(t for t in reach.teams if t.partnership_id == first.partnership_id)
    return Scope(partnership=first.partnership, teams=teams)


def led_partnership_or_404(user) -> Partnership:
    reach = reporting_reach(user)
    if not reach.partnerships:
        raise Http404("Only partnership leads can do this")
    return reach.partnerships[0]
