"""Administration of frameworks and reference codes.

Published framework versions, with their domains and outcomes, are shown read-only: a change
to a published framework is a new version, never an edit (the models refuse it as well).
"""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from frameworks.models import (
    BarrierCode,
    ClientGroup,
    Domain,
    Framework,
    FrameworkVersion,
    Measure,
    Outcome,
    OutcomeEquivalence,
)


def _is_published(version: FrameworkVersion | None) -> bool:
    return version is not None and version.published


class _PartOfDraftOnlyInline(admin.TabularInline):
    """Inline rows that can be edited only while their version is a draft."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: FrameworkVersion | None = None) -> bool:
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(
        self, request: HttpRequest, obj: FrameworkVersion | None = None
    ) -> bool:
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: FrameworkVersion | None = None
    ) -> bool:
        return not _is_published(obj) and super().has_delete_permission(request, obj)


class DomainInline(_PartOfDraftOnlyInline):
    model = Domain
    fields = ["order", "code", "label", "description"]


class OutcomeInline(_PartOfDraftOnlyInline):
    model = Outcome
    fields = ["order", "code", "label", "domain", "prompt"]


class _PartOfVersionAdmin(admin.ModelAdmin):
    """Domains and outcomes: editable in draft versions, read-only once published."""

    list_select_related = ["version__framework"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and _is_published(obj.version)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and _is_published(obj.version)) and super().has_delete_permission(
            request, obj
        )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        # New parts can only go into draft versions.
        if db_field.name == "version":
            kwargs["queryset"] = FrameworkVersion.objects.filter(published=False)
        if db_field.name == "domain":
            kwargs["queryset"] = Domain.objects.filter(version__published=False).select_related(
                "version__framework"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "role"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "published", "previous"]
    list_filter = ["framework", "published"]
    list_select_related = ["framework", "previous__framework"]
    inlines = [DomainInline, OutcomeInline]

    def has_change_permission(
        self, request: HttpRequest, obj: FrameworkVersion | None = None
    ) -> bool:
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: FrameworkVersion | None = None
    ) -> bool:
        return not _is_published(obj) and super().has_delete_permission(request, obj)


@admin.register(Domain)
class DomainAdmin(_PartOfVersionAdmin):
    list_display = ["label", "code", "version", "order"]
    list_filter = ["version"]


@admin.register(Outcome)
class OutcomeAdmin(_PartOfVersionAdmin):
    list_display = ["label", "code", "version", "domain", "order"]
    list_filter = ["version"]
    list_select_related = ["version__framework", "domain"]
    search_fields = ["code", "label"]


@admin.register(OutcomeEquivalence)
class OutcomeEquivalenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "earlier", "later"]
    list_select_related = ["earlier__version__framework", "later__version__framework"]
    autocomplete_fields = ["earlier", "later"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "population", "order"]


@admin.register(BarrierCode)
class BarrierCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order"]


@admin.register(ClientGroup)
class ClientGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "order"]
