"""Outcome frameworks, national measures and reference codes, held as versioned data.

A published ``FrameworkVersion`` is immutable: its domains and outcomes refuse to change.
A new edition of a framework is a new version record, never an edit of an old one.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    USER = "user", "Person who uses services"
    CARER = "carer", "Unpaid carer"


class PublishedVersionError(ValidationError):
    """Raised when code tries to change a published framework version in place."""


class Framework(models.Model):
    """A family of outcome sets, addressed as ``users`` or ``carers``."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class FrameworkVersionQuerySet(models.QuerySet):
    def published(self) -> "FrameworkVersionQuerySet":
        return self.filter(published=True)

    def visible_to(self, user: Any) -> "FrameworkVersionQuerySet":
        """Published versions for everyone; drafts too for staff, who edit them in the admin."""
        return self if getattr(user, "is_staff", False) else self.published()


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    published = models.BooleanField(default=False)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["framework__code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="unique_framework_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} {self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = (
                FrameworkVersion.objects.filter(pk=self.pk)
                .values(
                    "published",
                    "framework_id",
                    "version",
                    "title",
                    "summary",
                    "source",
                    "previous_id",
                )
                .first()
            )
            if stored and stored["published"]:
                changed = [
                    field for field, value in stored.items() if getattr(self, field) != value
                ]
                if changed:
                    raise PublishedVersionError(
                        f"{self} is published and cannot be changed ({', '.join(changed)}); "
                        "publish a new version instead."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.published:
            raise PublishedVersionError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def key(self) -> str:
        return f"{self.framework.code}-{self.version}"


class _PartOfVersion(models.Model):
    """Shared guard: parts of a published version cannot be added, changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._guard("added or changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard("deleted")
        return super().delete(*args, **kwargs)

    def _guard(self, action: str) -> None:
        version_id = self.version_id
        if version_id and FrameworkVersion.objects.filter(pk=version_id, published=True).exists():
            raise PublishedVersionError(
                f"{self.version} is published: its {self._meta.verbose_name} cannot be {action}."
            )


class Domain(_PartOfVersion):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="domains")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_domain_per_version")
        ]

    def __str__(self) -> str:
        return self.label


class OutcomeQuerySet(models.QuerySet):
    def in_version(self, framework: str, version: str) -> "OutcomeQuerySet":
        return self.filter(version__framework__code=framework, version__version=version)


class Outcome(_PartOfVersion):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="outcomes")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="outcomes")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    prompt = models.TextField(help_text="A plain-language way into this outcome in conversation.")
    order = models.PositiveSmallIntegerField(default=0)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_outcome_per_version")
        ]

    def __str__(self) -> str:
        return self.label


class OutcomeEquivalence(models.Model):
    """``earlier`` (in an older version) is counted as ``later`` when trends span versions."""

    earlier = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="equivalent_later")
    later = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="equivalent_earlier")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["earlier", "later"], name="unique_equivalence")
        ]

    def __str__(self) -> str:
        return f"{self.earlier.version} {self.earlier.code} → {self.later.code}"


class Population(models.TextChoices):
    USERS = "users", "users"
    CARERS = "carers", "carers"
    USERS_AND_CARERS = "users and carers", "users and carers"


POPULATION_ROLES: dict[str, tuple[str, ...]] = {
    Population.USERS: (Role.USER,),
    Population.CARERS: (Role.CARER,),
    Population.USERS_AND_CARERS: (Role.USER, Role.CARER),
}


class MeasureQuerySet(models.QuerySet):
    def for_role(self, role: str) -> "MeasureQuerySet":
        """Measures whose population includes subjects of ``role`` (``user`` or ``carer``)."""
        populations = [p for p, roles in POPULATION_ROLES.items() if role in roles]
        return self.filter(population__in=populations)


class Measure(models.Model):
    """A national measure (NM1–NM4), asked of its population as one question."""

    code = models.CharField(max_length=10, unique=True)
    title = models.CharField(max_length=300)
    population = models.CharField(max_length=20, choices=Population.choices)
    question = models.TextField()
    definition = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def roles(self) -> tuple[str, ...]:
        return POPULATION_ROLES[self.population]

    def applies_to(self, role: str) -> bool:
        return role in self.roles


class BarrierCode(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class ClientGroup(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label
