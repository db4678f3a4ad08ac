"""People who use services and unpaid carers, held by a partnership and allocated to teams."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from conversations.models.organisation import Partnership, StaffRole, Team


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        """People a user may read: allocated to one of their teams, or anyone in a
        partnership they lead. Everything else is simply not found."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(teams__memberships__user=user, teams__memberships__role__in=StaffRole.team_roles())
            | Q(
                partnership__memberships__user=user,
                partnership__memberships__role=StaffRole.PARTNERSHIP_LEAD,
            )
        ).distinct()

    def editable_by(self, user) -> PersonQuerySet:
        """People a user may change: allocated to a team they work in. Leads only read."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            teams__memberships__user=user, teams__memberships__role__in=StaffRole.team_roles()
        ).distinct()

    def search(self, text: str) -> PersonQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(ref__icontains=text) | Q(name__icontains=text))


class Person(models.Model):
    """A person who uses services, an unpaid carer, or both.

    ``ref`` is pseudonymous and unique within the partnership; ``name`` and
    ``date_of_birth`` are optional and never leave the site in returns or extracts.
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

    def __str__(self) -> str:
        return f"{self.ref} ({self.name})" if self.name else self.ref
