"""Each partnership's codebook of themes, for coding what people say (their words, what is
helping, what gets in the way).

A theme is retired, never deleted: words coded with it keep their coding, and figures for
earlier periods still count it. A retired theme is no longer offered for new coding.
"""

from __future__ import annotations

import re

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from conversations.models.organisation import Partnership, scope_of

# A theme's code: what names it in files and in coded words.
THEME_CODE = re.compile(r"^[a-z0-9_]+\Z")


class ThemeQuerySet(models.QuerySet):
    def visible_to(self, user) -> ThemeQuerySet:
        """The codebooks of the partnerships a user works in or leads."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(partnership_id__in=scope_of(user).partnership_ids)

    def managed_by(self, user) -> ThemeQuerySet:
        """A partnership lead keeps their partnership's codebook."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(partnership_id__in=scope_of(user).lead_partnership_ids)

    def in_use(self) -> ThemeQuerySet:
        return self.filter(retired_at__isnull=True)


class Theme(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="themes")
    code = models.CharField(
        max_length=40,
        validators=[
            RegexValidator(
                THEME_CODE.pattern, "Use lower-case letters, digits and underscores only."
            )
        ],
        help_text="Lower-case letters, digits and underscores; it names the theme in files and "
        "never changes.",
    )
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="unique_theme_code")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def retire(self) -> None:
        self.retired_at = timezone.now()
