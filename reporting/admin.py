from django.contrib import admin
from django.http import HttpRequest

from reporting.models import ReturnRecord


@admin.register(ReturnRecord)
class ReturnRecordAdmin(admin.ModelAdmin):
    """National returns are a record of what was sent: readable, never changed here."""

    list_display = [
        "partnership",
        "period",
        "period_incomplete",
        "format",
        "generated_at",
        "generated_by",
        "sha256",
    ]
    list_filter = ["partnership", "format", "period", "period_incomplete"]
    list_select_related = ["partnership", "generated_by"]
    exclude = ["content"]
    date_hierarchy = "generated_at"

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
