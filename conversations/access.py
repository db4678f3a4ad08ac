"""Who a signed-in user is in the organisation: their roles, teams and partnership.

Views use the QuerySet methods (``Person.objects.visible_to(user)`` and friends) to fetch
records; this module answers the coarser question of which role pages a user gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from conversations.models import Membership, Partnership, StaffRole, Team


@dataclass(frozen=True)
class StaffScope:
    roles: frozenset[str] = frozenset()
    team_ids: frozenset[int] = frozenset()
    led_team_ids: frozenset[int] = frozenset()
    lead_partnership_ids: frozenset[int] = frozenset()
    partnership_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_practitioner(self) -> bool:
        return StaffRole.PRACTITIONER in self.roles

    @property
    def is_team_leader(self) -> bool:
        return StaffRole.TEAM_LEADER in self.roles

    @property
    def is_partnership_lead(self) -> bool:
        return StaffRole.PARTNERSHIP_LEAD in self.roles

    @property
    def records_conversations(self) -> bool:
        return bool(self.team_ids)

    @property
    def has_any_role(self) -> bool:
        return bool(self.roles)


def staff_scope(user) -> StaffScope:
    """The user's memberships, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return StaffScope()
    cached = getattr(user, "_staff_scope", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.filter(user=user).values_list("role", "team_id", "partnership_id")
    )
    scope = StaffScope(
        roles=frozenset(role for role, _, _ in rows),
        team_ids=frozenset(team for role, team, _ in rows if team),
        led_team_ids=frozenset(team for role, team, _ in rows if role == StaffRole.TEAM_LEADER),
        lead_partnership_ids=frozenset(
            p for role, _, p in rows if role == StaffRole.PARTNERSHIP_LEAD
        ),
        partnership_ids=frozenset(p for _, _, p in rows),
    )
    user._staff_scope = scope
    return scope


def led_partnership(user) -> Partnership:
    """The partnership a partnership lead leads, or 404."""
    scope = staff_scope(user)
    partnership = Partnership.objects.filter(pk__in=scope.lead_partnership_ids).first()
    if partnership is None:
        raise Http404("Not a partnership lead")
    return partnership


def teams_visible_to(user):
    return Team.objects.visible_to(user).select_related("partnership")
