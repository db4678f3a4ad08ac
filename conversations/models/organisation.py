"""Partnerships, their teams, staff memberships (roles) and local improvement targets."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from conversations.access import StaffScope


class Partnership(models.Model):
    code = models.SlugField(max_length=20, unique=True, allow_unicode=False)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def scope_of(user) -> StaffScope:
    """The user's team ids, led team ids and led partnership ids, read once per request from
    their memberships (``conversations.access.staff_scope``, cached on the user object).
    Scoped querysets filter on these ids directly: no join through memberships, so no
    DISTINCT over its fan-out."""
    # access.py reads Membership from this module: import it when first asked, not at load.
    from conversations.access import staff_scope

    return staff_scope(user)


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user) -> TeamQuerySet:
        """Teams a user may see: their own, or every team of a partnership they lead."""
        if not user.is_authenticated:
            return self.none()
        scope = scope_of(user)
        return self.filter(
            Q(pk__in=scope.team_ids) | Q(partnership_id__in=scope.lead_partnership_ids)
        )

    def worked_in_by(self, user) -> TeamQuerySet:
        """Teams in which the user records conversations (practitioner or team leader)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=scope_of(user).team_ids)

    def led_by(self, user) -> TeamQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=scope_of(user).led_team_ids)


class Team(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="teams")
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=200)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="unique_team_code")
        ]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_LEADER = "team_leader", "Team leader"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"

    @classmethod
    def team_roles(cls) -> list[str]:
        return [cls.PRACTITIONER, cls.TEAM_LEADER]


class Membership(models.Model):
    """A user's role in a team (practitioner, team leader) or in a partnership (lead).

    ``partnership`` is always set (for a team role it is the team's partnership), so that
    scoping queries can join on it without going through the team.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="partnership_lead", team__isnull=True)
                    | (~Q(role="partnership_lead") & Q(team__isnull=False))
                ),
                name="membership_team_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "team"],
                condition=Q(team__isnull=False),
                name="unique_team_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "partnership"],
                condition=Q(role="partnership_lead"),
                name="unique_partnership_lead",
            ),
        ]

    def __str__(self) -> str:
        where = self.team or self.partnership
        return f"{self.user} — {self.get_role_display()}, {where}"

    def save(self, *args, **kwargs) -> None:
        if self.team_id and not self.partnership_id:
            self.partnership_id = self.team.partnership_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.role == StaffRole.PARTNERSHIP_LEAD:
            if self.team_id:
                raise ValidationError(
                    {"team": "A partnership lead belongs to the partnership, not a team."}
                )
        else:
            if not self.team_id:
                raise ValidationError({"team": "Practitioners and team leaders belong to a team."})
            if self.partnership_id and self.team.partnership_id != self.partnership_id:
                raise ValidationError({"team": "The team must belong to the chosen partnership."})


class TargetQuerySet(models.QuerySet):
    def for_partnership_level(self) -> TargetQuerySet:
        return self.filter(team__isnull=True)


class Target(models.Model):
    """A local improvement target (spec §6): a percentage for a measure, or for one outcome's
    ``achieved`` rate at review, for a partnership (``team`` empty) or a team, for a period."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="targets")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.ForeignKey(
        "frameworks.Measure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    outcome_code = models.SlugField(
        max_length=60,
        blank=True,
        help_text="For an outcome target: the outcome code whose 'achieved' rate at review counts.",
    )
    period = models.CharField(max_length=12, help_text="e.g. 2026-27 or 2026-27 Q1")
    target = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "period", "measure", "outcome_code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(measure__isnull=False, outcome_code="")
                    | Q(measure__isnull=True) & ~Q(outcome_code="")
                ),
                name="target_is_for_measure_or_outcome",
            ),
            models.UniqueConstraint(
                fields=["partnership", "measure", "period"],
                condition=Q(team__isnull=True, measure__isnull=False),
                name="unique_partnership_measure_target",
            ),
            models.UniqueConstraint(
                fields=["team", "measure", "period"],
                condition=Q(team__isnull=False, measure__isnull=False),
                name="unique_team_measure_target",
            ),
            models.UniqueConstraint(
                fields=["partnership", "outcome_code", "period"],
                condition=Q(team__isnull=True, measure__isnull=True),
                name="unique_partnership_outcome_target",
            ),
            models.UniqueConstraint(
                fields=["team", "outcome_code", "period"],
                condition=Q(team__isnull=False, measure__isnull=True),
                name="unique_team_outcome_target",
            ),
        ]

    def __str__(self) -> str:
        what = self.measure.code if self.measure_id else self.outcome_code
        where = self.team or self.partnership
        return f"{what} {self.period} {where}: {self.target}%"
