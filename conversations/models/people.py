"""People who use services and unpaid carers, held by a partnership and allocated to teams."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from conversations.models.organisation import Partnership, Team, scope_of

if TYPE_CHECKING:
    from conversations.access import StaffScope


def _allocated_to(scope: StaffScope) -> Q:
    """People allocated to one of the user's teams: a semi-join on the allocation table.

    A team's people are held by the team's partnership, so the condition names the
    partnerships of the user's memberships too. That changes no answer; it lets PostgreSQL
    read a team's people in reference order from the partnership's index, and count them
    from two indexes, instead of sorting or scanning everyone allocated anywhere."""
    if not scope.team_ids:
        return Q(pk__in=[])
    allocations = Person.teams.through.objects.filter(team_id__in=scope.team_ids)
    return Q(partnership_id__in=scope.partnership_ids, pk__in=allocations.values("person_id"))


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        """People a user may read: allocated to one of their teams, or anyone in a
        partnership they lead. Everything else is simply not found.

        Filters on the user's team and partnership ids (``scope_of``): the people of a led
        partnership by their own column, the people of a team through the allocation table
        alone. Each person appears once, without DISTINCT."""
        if not user.is_authenticated:
            return self.none()
        scope = scope_of(user)
        return self.filter(_allocated_to(scope) | Q(partnership_id__in=scope.lead_partnership_ids))

    def editable_by(self, user) -> PersonQuerySet:
        """People a user may change: allocated to a team they work in. Leads only read."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_allocated_to(scope_of(user)))

    def search(self, text: str) -> PersonQuerySet:
        """People whose reference begins with ``text`` or whose name contains it, in any
        case. Both are answered from indexes (migration 0011)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(ref__istartswith=text) | Q(name__icontains=text))


class Person(models.Model):
    """A person who uses services, an unpaid carer, or both.

    ``ref`` is pseudonymous and unique within the partnership; ``name`` and
    ``date_of_birth`` are optional and never leave the site in returns or extracts.
    Searching by the beginning of ``ref`` or a fragment of ``name`` uses the indexes of
    migration 0011 (a pattern index and a trigram index on PostgreSQL), which are not
    declared here because they differ by database; so does finding a team's people
    (``person_teams_team_person``).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="people")
    ref = models.CharField("reference", max_length=40)
    name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    client_group = models.ForeignKey(
        "frameworks.ClientGroup", on_delete=models.PROTECT, related_name="people"
    )
    is_carer = models.BooleanField(
        "is an unpaid carer",
        default=False,
        help_text="Carers are offered the carers' outcomes; a person can be both.",
    )
    teams = models.ManyToManyField(Team, related_name="people", blank=True)
    cares_for = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="carers",
        blank=True,
        help_text="People this carer looks after.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "ref"], name="unique_ref_in_partnership")
        ]
        indexes = [
            # Counting a partnership's people, or a team's within it, from indexes alone.
            models.Index(fields=["partnership", "id"], name="person_partnership_id"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} ({self.name})" if self.name else self.ref
