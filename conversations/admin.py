from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from conversations.audit import audit, ids_of
from conversations.models import (
    AuditAction,
    AuditEvent,
    Conversation,
    Goal,
    Membership,
    OutcomeRecord,
    Partnership,
    Person,
    Target,
    Team,
    Theme,
)
from conversations.services import themes as theme_service
from conversations.services.data_protection import person_anonymise
from frameworks.dates import validate_date_of_birth
from frameworks.periods import Period, PeriodError

User = get_user_model()


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ["code", "name"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "partnership"]
    list_filter = ["partnership"]
    search_fields = ["code", "name"]
    list_select_related = ["partnership"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """Partnership leads keep their codebook at /themes/; the admin lists every codebook and
    never deletes a theme (retire it instead: coded words keep it)."""

    list_display = ["label", "code", "partnership", "retired_at"]
    list_filter = ["partnership", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "label"]
    list_select_related = ["partnership"]
    fields = ["partnership", "code", "label", "description", "retired_at"]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["partnership", "code", "retired_at"] if obj else ["retired_at"]

    def save_model(self, request: HttpRequest, obj: Theme, form, change: bool) -> None:
        """Through the codebook service, so that the change is audited like one made at
        /themes/."""
        if change:
            theme_service.theme_change(
                theme=obj, request=request, label=obj.label, description=obj.description
            )
        else:
            created = theme_service.theme_create(
                partnership=obj.partnership,
                code=obj.code,
                label=obj.label,
                description=obj.description,
                request=request,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "partnership", "team"]
    list_filter = ["role", "partnership"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "partnership", "team"]
    autocomplete_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "partnership", "team"]


admin.site.unregister(User)


@admin.register(User)
class UserWithMembershipsAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]

    def get_deleted_objects(self, objs, request: HttpRequest):
        """A user named in the audit cannot be deleted (the audit must say who did what):
        say so, and how to stop them signing in instead."""
        found = super().get_deleted_objects(objs, request)
        protected = found[3]
        if protected:
            self.message_user(
                request,
                "A user who appears in the audit cannot be deleted: the audit must keep who "
                "did what. Deactivate them instead: open the user, untick “Active” and save. "
                "They can then no longer sign in.",
                messages.ERROR,
            )
        return found


class TargetAdminForm(forms.ModelForm):
    def clean_period(self) -> str:
        try:
            return str(Period.parse(self.cleaned_data["period"]))
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    form = TargetAdminForm
    list_display = ["__str__", "partnership", "team", "measure", "outcome_code", "period", "target"]
    list_filter = ["partnership", "period", "measure"]
    list_select_related = ["partnership", "team", "measure"]
    readonly_fields = ["set_by", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: Target, form: forms.ModelForm, change: bool
    ) -> None:
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


class PersonAdminForm(forms.ModelForm):
    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born:
            validate_date_of_birth(born)
        return born


class AuditedAdminMixin:
    """Reading personal data in the admin is recorded like reading it anywhere else: the list
    (with the ids of the rows shown) and each record opened."""

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}) or {}
        shown = changelist.get("cl")
        if shown is not None:
            audit(
                action=AuditAction.ADMIN_VIEWED,
                request=request,
                detail={"model": self.model._meta.label_lower, "ids": ids_of(shown.result_list)},
            )
        return response

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", {}) or {}).get("original")
        if obj is not None and request.method in ("GET", "HEAD"):
            audit(
                action=AuditAction.ADMIN_VIEWED,
                request=request,
                person=obj if isinstance(obj, Person) else None,
                conversation=obj if isinstance(obj, Conversation) else None,
                detail={"model": self.model._meta.label_lower, "ids": [obj.pk]},
            )
        return response


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = PersonAdminForm
    list_display = ["ref", "name", "partnership", "client_group", "is_carer"]
    list_filter = ["partnership", "client_group", "is_carer"]
    search_fields = ["ref", "name"]
    list_select_related = ["partnership", "client_group"]
    filter_horizontal = ["teams", "cares_for"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["anonymise"]

    @admin.action(
        description="Anonymise the selected people (remove names, dates of birth and words)",
        permissions=["change"],
    )
    def anonymise(self, request: HttpRequest, queryset) -> TemplateResponse | None:
        """Asks first, with a reason for the audit; counted answers and statuses are kept."""
        error = ""
        if request.POST.get("confirmed") == "yes":
            reason = request.POST.get("reason", "").strip()
            if reason:
                results = [
                    person_anonymise(person=person, by=request.user, reason=reason)
                    for person in queryset
                ]
                done = sum(result.changed for result in results)
                self.message_user(
                    request,
                    f"{done} anonymised; {len(results) - done} had nothing left to remove.",
                    messages.SUCCESS,
                )
                return None
            error = "Say why these people are being anonymised: the reason is kept in the audit."
        return TemplateResponse(
            request,
            "admin/conversations/person/anonymise_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Anonymise people",
                "opts": self.model._meta,
                "people": queryset.select_related("partnership"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "error": error,
                "reason": request.POST.get("reason", ""),
            },
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Administrators can read these records but never add, change or delete them here:
    conversations change only through the recording pages (which audit every change), and
    the audit trail is append-only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "person", "conversation", "after_sign_off"]
    list_filter = ["action", "after_sign_off", ("at", admin.DateFieldListFilter)]
    search_fields = ["user__username", "person__ref", "conversation__external_id", "reason"]
    list_select_related = ["user", "person", "conversation__subject"]
    date_hierarchy = "at"


def _goals_list(record: OutcomeRecord) -> str:
    """The record's goals, each with its status, as a list (from prefetched goals)."""
    goals = list(record.goals.all())
    if not goals:
        return "-"
    items = format_html_join(
        "",
        "<li>{} ({})</li>",
        ((goal.words, goal.get_status_display() or "no status yet") for goal in goals),
    )
    return format_html("<ul>{}</ul>", items)


class OutcomeRecordInline(admin.TabularInline):
    model = OutcomeRecord
    fields = [
        "outcome",
        "matters",
        "words",
        "status",
        "practitioner_status",
        "carer_status",
        "goals",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutcomeRecord]:
        return super().get_queryset(request).select_related("outcome").prefetch_related("goals")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="goals under this outcome")
    def goals(self, record: OutcomeRecord) -> str:
        return _goals_list(record)


class GoalInline(admin.TabularInline):
    model = Goal
    fields = ["order", "words", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutcomeRecord)
class OutcomeRecordAdmin(ReadOnlyAdmin):
    """One outcome of one conversation with its separate goals; read-only like the
    conversation it belongs to."""

    list_display = ["outcome", "conversation", "matters", "status"]
    list_filter = ["matters", "status"]
    search_fields = ["conversation__external_id", "conversation__subject__ref"]
    list_select_related = ["outcome", "conversation__subject"]
    inlines = [GoalInline]


@admin.register(Conversation)
class ConversationAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    list_display = [
        "external_id",
        "subject",
        "subject_role",
        "type",
        "team",
        "date_held",
        "status",
        "review_due",
    ]
    list_filter = ["status", "type", "subject_role", "partnership", "team"]
    search_fields = ["external_id", "subject__ref"]
    list_select_related = ["subject", "team"]
    date_hierarchy = "date_held"
    inlines = [OutcomeRecordInline]
