"""National returns in the browser, for partnership leads only: preview the figures, produce
and download a return, and download again any return produced before. Everyone else gets a
404 (``led_partnership_or_404``); a return of another partnership is simply not found."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from conversations.audit import audit
from conversations.models import AuditAction, Partnership
from frameworks.once import once_per_request
from frameworks.periods import Period, PeriodError, default_period, period_choices
from reporting.access import led_partnership_or_404
from reporting.figures import suppression_threshold
from reporting.models import ReturnFormat, ReturnRecord
from reporting.returns import (
    formatted_rows,
    incomplete_warning,
    national_return_frame,
    return_produce,
)


def today() -> date:
    return timezone.localdate()


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="Period")

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["period"].choices = period_choices(today)
        self.fields["period"].error_messages["invalid_choice"] = (
            "Choose one of the periods in the list."
        )

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error


class ReturnForm(PeriodForm):
    format = forms.ChoiceField(
        label="Format",
        choices=[
            (ReturnFormat.CSV, "CSV (the national return file)"),
            (ReturnFormat.XLSX, "Excel workbook (the same table, with definitions)"),
        ],
        widget=forms.RadioSelect,
        initial=ReturnFormat.CSV,
    )
    produce_incomplete = forms.BooleanField(
        required=False,
        label="Produce it although the period is still under way",
        help_text="The figures will change as conversations held in the period are signed "
        "off; the return is recorded as produced before the period ended.",
    )

    def clean(self) -> dict:
        data = super().clean()
        period = data.get("period")
        if period and not period.is_over(self.today) and not data.get("produce_incomplete"):
            self.add_error(
                "produce_incomplete",
                f"{incomplete_warning(period)} Tick the box to produce it anyway, or choose a "
                "period that has ended.",
            )
        return data


def return_audit_detail(record: ReturnRecord) -> dict[str, object]:
    """What the audit keeps of a return produced or downloaded (browser or command line)."""
    return {
        "return": record.pk,
        "partnership": record.partnership.code,
        "period": record.period,
        "format": record.format,
    }


def _attachment(record: ReturnRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.content), content_type=record.content_type)
    response["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _render_list(
    request: HttpRequest,
    *,
    partnership: Partnership,
    form: ReturnForm,
    preview_form: PeriodForm,
    period: Period | None,
    status: int = 200,
) -> HttpResponse:
    rows = (
        formatted_rows(national_return_frame(partnership=partnership, period=period))
        if period is not None
        else []
    )
    records = (
        ReturnRecord.objects.for_partnership(partnership)
        .without_content()
        .select_related("generated_by")
    )
    return render(
        request,
        "reporting/return_list.html",
        {
            "partnership": partnership,
            "form": form,
            "preview_form": preview_form,
            "period": period,
            "incomplete_warning": (
                incomplete_warning(period)
                if period is not None and not period.is_over(preview_form.today)
                else ""
            ),
            "rows": rows,
            "records": records,
            "threshold": suppression_threshold(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
@once_per_request
def return_list(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    day = today()
    preview_form = PeriodForm(
        request.GET if "period" in request.GET else None, today=day, auto_id="id_preview_%s"
    )
    period: Period | None = default_period(day)
    if preview_form.is_bound:
        period = preview_form.cleaned_data["period"] if preview_form.is_valid() else None
    form = ReturnForm(
        today=day,
        initial={"period": str(period) if period else None, "format": ReturnFormat.CSV},
    )
    return _render_list(
        request, partnership=partnership, form=form, preview_form=preview_form, period=period
    )


@login_required
@require_POST
@once_per_request
def return_produce_view(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    day = today()
    form = ReturnForm(request.POST, today=day)
    if not form.is_valid():
        # Show the figures of the period asked for, with its warning, beside the problem.
        period = form.cleaned_data.get("period")
        return _render_list(
            request,
            partnership=partnership,
            form=form,
            preview_form=PeriodForm(
                {"period": str(period)} if period else None, today=day, auto_id="id_preview_%s"
            ),
            period=period,
            status=400,
        )
    record = return_produce(
        partnership=partnership,
        period=form.cleaned_data["period"],
        format=form.cleaned_data["format"],
        by=request.user,
        today=day,
    )
    audit(action=AuditAction.PRODUCED_RETURN, request=request, detail=return_audit_detail(record))
    return _attachment(record)


@login_required
@require_http_methods(["GET", "HEAD"])
def return_download(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    record = get_object_or_404(
        ReturnRecord.objects.for_partnership(partnership).select_related("partnership"), pk=pk
    )
    audit(action=AuditAction.DOWNLOADED_RETURN, request=request, detail=return_audit_detail(record))
    return _attachment(record)


urlpatterns: list[URLPattern] = [
    path("returns/", return_list, name="return-list"),
    path("returns/produce/", return_produce_view, name="return-produce"),
    path("returns/<int:pk>/download/", return_download, name="return-download"),
]
