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

from conversations.models import Partnership
from frameworks.periods import Period, PeriodError
from reporting.access import led_partnership_or_404
from reporting.figures import suppression_threshold
from reporting.models import ReturnFormat, ReturnRecord
from reporting.returns import formatted_rows, national_return_frame, return_produce


def today() -> date:
    return timezone.localdate()


def offered_periods(today: date) -> list[Period]:
    """The current and previous financial years and their quarters that have begun, newest
    first, each year before its quarters."""
    current = Period.year_containing(today)
    periods: list[Period] = []
    for year in (current, current.previous()):
        periods.append(year)
        quarters = [Period(year.start_year, q) for q in (4, 3, 2, 1)]
        periods.extend(q for q in quarters if q.first_day <= today)
    return periods


def default_period(today: date) -> Period:
    """The last quarter that has ended: the one a return is usually for."""
    return Period.quarter_containing(today).previous()


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="Period")

    def __init__(self, *args, periods: list[Period], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(p), _period_label(p)) for p in periods]
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


def _period_label(period: Period) -> str:
    if period.is_quarter:
        return f"{period} ({period.first_day:%B} to {period.last_day:%B %Y})"
    return f"{period} (financial year, April {period.start_year} to March {period.start_year + 1})"


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
            "rows": rows,
            "records": records,
            "threshold": suppression_threshold(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def return_list(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    day = today()
    periods = offered_periods(day)
    preview_form = PeriodForm(
        request.GET if "period" in request.GET else None,
        periods=periods,
        auto_id="id_preview_%s",
    )
    period: Period | None = default_period(day)
    if preview_form.is_bound:
        period = preview_form.cleaned_data["period"] if preview_form.is_valid() else None
    form = ReturnForm(
        periods=periods,
        initial={"period": str(period) if period else None, "format": ReturnFormat.CSV},
    )
    return _render_list(
        request, partnership=partnership, form=form, preview_form=preview_form, period=period
    )


@login_required
@require_POST
def return_produce_view(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    periods = offered_periods(today())
    form = ReturnForm(request.POST, periods=periods)
    if not form.is_valid():
        return _render_list(
            request,
            partnership=partnership,
            form=form,
            preview_form=PeriodForm(periods=periods, auto_id="id_preview_%s"),
            period=None,
            status=400,
        )
    record = return_produce(
        partnership=partnership,
        period=form.cleaned_data["period"],
        format=form.cleaned_data["format"],
        by=request.user,
    )
    return _attachment(record)


@login_required
@require_http_methods(["GET", "HEAD"])
def return_download(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = led_partnership_or_404(request.user)
    record = get_object_or_404(
        ReturnRecord.objects.for_partnership(partnership).select_related("partnership"), pk=pk
    )
    return _attachment(record)


urlpatterns: list[URLPattern] = [
    path("returns/", return_list, name="return-list"),
    path("returns/produce/", return_produce_view, name="return-produce"),
    path("returns/<int:pk>/download/", return_download, name="return-download"),
]
