"""The national return (spec §7): one row per measure for one partnership and one period,
as CSV, or as XLSX with the same table plus definitions and metadata. Every return produced
is kept as a ``ReturnRecord`` with the exact bytes and their SHA-256."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from conversations.models import AnsweredBy, Partnership
from frameworks.models import Measure
from frameworks.periods import Period
from reporting.csv import RETURN_COLUMNS, csv_bytes
from reporting.figures import measure_figures, suppression_threshold
from reporting.models import ReturnFormat, ReturnRecord
from reporting.selectors import Scope, counted_answers, measure_counts

INTEGER_COLUMNS = frozenset({"numerator", "denominator"})
ONE_DECIMAL_COLUMNS = frozenset({"percentage", "ci_low", "ci_high", "target"})
SOFTWARE = "outcomes-conversations"


def national_return_frame(*, partnership: Partnership, period: Period) -> pd.DataFrame:
    """The return's table, columns in spec §7 order, one row per measure in measure order.

    Values stay typed: counts are ``int`` (``None`` when suppressed), percentages, interval
    and target are ``Decimal`` with one place (or ``None``), ``suppressed`` is ``bool``,
    ``target_status`` is ``met``/``not_met``/``no_data`` or ``""`` when no target is set.
    """
    figures = measure_figures(scope=Scope(partnership), periods=[period])
    frame = figures.drop(columns=["cell"]).copy()
    frame.insert(0, "partnership_code", partnership.code)
    frame.insert(1, "partnership_name", partnership.name)
    frame["period"] = str(period)
    frame["numerator"] = pd.Series(
        [None if pd.isna(n) else int(n) for n in frame["numerator"]],
        index=frame.index,
        dtype=object,
    )
    frame["denominator"] = frame["denominator"].astype(int)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    return frame[RETURN_COLUMNS].reset_index(drop=True)


def _one_place(value: Decimal | float | None) -> str:
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return ""
    return f"{Decimal(str(value)):.1f}"


def formatted_row(row: dict) -> dict[str, str]:
    """One row as the CSV writes it (before formula escaping): one decimal place, ``true``/
    ``false``, empty for suppressed values and missing targets."""
    cells: dict[str, str] = {}
    for column in RETURN_COLUMNS:
        value = row[column]
        if column in ONE_DECIMAL_COLUMNS:
            cells[column] = _one_place(value)
        elif column in INTEGER_COLUMNS:
            cells[column] = "" if value is None or pd.isna(value) else str(int(value))
        elif column == "suppressed":
            cells[column] = "true" if value else "false"
        else:
            cells[column] = "" if value is None else str(value)
    return cells


def formatted_rows(frame: pd.DataFrame) -> list[dict[str, str]]:
    return [formatted_row(row) for row in frame.to_dict("records")]


def _typed(column: str, text: str) -> Any:
    """A formatted cell back as the number it shows, so that the CSV leaves numbers alone and
    escapes only text against formulas."""
    if not text:
        return None
    if column in ONE_DECIMAL_COLUMNS:
        return Decimal(text)
    if column in INTEGER_COLUMNS:
        return int(text)
    return text


def render_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 (no byte-order mark), comma separated, header row, no index, ``\\n`` line ends.
    Text cells are escaped against formula injection; numbers never are."""
    return csv_bytes(
        RETURN_COLUMNS,
        (
            [_typed(column, cells[column]) for column in RETURN_COLUMNS]
            for cells in formatted_rows(frame)
        ),
    )


@dataclass(frozen=True)
class MeasureDefinition:
    code: str
    title: str
    population: str
    question: str
    definition: str


@dataclass(frozen=True)
class ReturnMetadata:
    """What the XLSX says about itself, besides the table."""

    partnership: Partnership
    period: Period
    generated_at: datetime
    generated_by: str
    data_as_at: datetime
    suppression_threshold: int
    software_version: str
    measures: tuple[MeasureDefinition, ...]
    period_incomplete: bool = False
    # Measure code -> how many of its counted answers someone else gave on the person's behalf.
    answered_by_someone_else: dict[str, int] = field(default_factory=dict)


def software_version() -> str:
    try:
        return version(SOFTWARE)
    except PackageNotFoundError:
        return "unknown"


def latest_sign_off(*, partnership: Partnership, period: Period) -> datetime | None:
    """The latest sign-off among the conversations whose answers may count in the period."""
    answers = counted_answers(
        scope=Scope(partnership), first_day=period.first_day, last_day=period.last_day
    )
    return answers.aggregate(latest=Max("conversation__completed_at"))["latest"]


def answered_by_someone_else(*, partnership: Partnership, period: Period) -> dict[str, int]:
    """Measure code -> counted answers given by someone else on the person's behalf (the
    return's answers, counted as the return counts them, by who answered)."""
    counts = measure_counts(scope=Scope(partnership), periods=[period], breakdown="answered_by")
    someone_else = counts[counts["cell"] == AnsweredBy.SOMEONE_ELSE]
    found = dict(zip(someone_else["measure_code"], someone_else["denominator"], strict=True))
    return {
        code: int(found.get(code, 0))
        for code in Measure.objects.order_by("order", "code").values_list("code", flat=True)
    }


def describe_user(user) -> str:
    if user is None:
        return "command line"
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


def return_metadata(
    *,
    partnership: Partnership,
    period: Period,
    generated_at: datetime,
    by,
    period_incomplete: bool = False,
) -> ReturnMetadata:
    measures = tuple(
        MeasureDefinition(
            code=m.code,
            title=m.title,
            population=m.population,
            question=m.question,
            definition=m.definition,
        )
        for m in Measure.objects.order_by("order", "code")
    )
    return ReturnMetadata(
        partnership=partnership,
        period=period,
        generated_at=generated_at,
        generated_by=describe_user(by),
        data_as_at=latest_sign_off(partnership=partnership, period=period) or generated_at,
        suppression_threshold=suppression_threshold(),
        software_version=software_version(),
        measures=measures,
        period_incomplete=period_incomplete,
        answered_by_someone_else=answered_by_someone_else(partnership=partnership, period=period),
    )


def counting_rules(threshold: int) -> list[str]:
    """The counting rules of spec §5, in plain words."""
    return [
        "Only completed (signed-off) conversations count; drafts never do.",
        "A conversation counts in the period in which it was held (the date held, not the "
        "date it was typed). Periods are UK financial years, 1 April to 31 March; Q1 is "
        "April to June.",
        "Only people in the measure's population count (people who use services, carers, or "
        "both), and only answers of yes, partly or no; unanswered questions are left out.",
        "Each person counts once per role: the answer from their latest conversation in the "
        "period (latest date held; ties broken by the latest sign-off).",
        "Numerator: answers of yes. Denominator: every counted answer. Percentage: 100 × "
        "numerator ÷ denominator, rounded half away from zero to one decimal place.",
        "The 95% confidence interval is the Wilson score interval, in percent, to one decimal "
        "place.",
        f"Disclosure control: where the denominator is below {threshold}, the numerator, "
        "percentage and interval are suppressed (left empty); the denominator is shown. In "
        "any breakdown or table of counts published beside a total, further cells are "
        "suppressed, the smallest that helps first, until no suppressed value can be worked "
        "out exactly from the total and the cells shown (unless the total itself, at 0% or "
        "100%, already fixes it). This return has one row per measure, each the "
        "partnership's own figure, so only the first rule applies to it.",
        "Target: the partnership's local improvement target for the measure and period (a "
        "quarter without its own target takes its financial year's). Status is met (percentage "
        "at or above the target), not_met, or no_data (nothing counted, or suppressed); "
        "empty where no target is set.",
    ]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _text_cell(sheet, row: int, column: int, text: str) -> None:
    """Write text as text: openpyxl would otherwise store ``=cmd`` as a formula."""
    cell = sheet.cell(row=row, column=column, value=text)
    if cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True


def _write_table(sheet, header: list[str], rows: list[list]) -> None:
    bold = Font(bold=True)
    for column, title in enumerate(header, start=1):
        sheet.cell(row=1, column=column, value=title).font = bold
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):
                _text_cell(sheet, row_number, column, value)
            else:
                sheet.cell(row=row_number, column=column, value=value)
    sheet.freeze_panes = "A2"


def _set_widths(sheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _return_sheet(sheet, frame: pd.DataFrame) -> None:
    rows = []
    for record in frame.to_dict("records"):
        values: list = []
        for column in RETURN_COLUMNS:
            value = record[column]
            if column in ONE_DECIMAL_COLUMNS:
                values.append(None if value is None or pd.isna(value) else float(value))
            elif column in INTEGER_COLUMNS:
                values.append(None if value is None or pd.isna(value) else int(value))
            elif column == "suppressed":
                values.append("true" if value else "false")
            else:
                values.append("" if value is None else str(value))
        rows.append(values)
    _write_table(sheet, RETURN_COLUMNS, rows)
    for index, column in enumerate(RETURN_COLUMNS, start=1):
        if column in ONE_DECIMAL_COLUMNS:
            for (cell,) in sheet.iter_rows(
                min_row=2, max_row=len(rows) + 1, min_col=index, max_col=index
            ):
                cell.number_format = "0.0"
        elif column in INTEGER_COLUMNS:
            for (cell,) in sheet.iter_rows(
                min_row=2, max_row=len(rows) + 1, min_col=index, max_col=index
            ):
                cell.number_format = "0"
    widths = {}
    for index, column in enumerate(RETURN_COLUMNS, start=1):
        longest = max([len(column), *(len(str(r[index - 1] or "")) for r in rows)])
        widths[index] = min(max(longest + 2, 10), 60)
    _set_widths(sheet, widths)


def _definitions_sheet(sheet, metadata: ReturnMetadata) -> None:
    header = ["measure_code", "measure_title", "population", "question", "what is counted"]
    rows = [[m.code, m.title, m.population, m.question, m.definition] for m in metadata.measures]
    _write_table(sheet, header, rows)
    first_rule_row = len(rows) + 3
    sheet.cell(row=first_rule_row, column=1, value="Counting rules").font = Font(bold=True)
    for offset, rule in enumerate(counting_rules(metadata.suppression_threshold), start=1):
        sheet.cell(row=first_rule_row + offset, column=1, value=offset)
        sheet.cell(row=first_rule_row + offset, column=2, value=rule)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    _set_widths(sheet, {1: 14, 2: 60, 3: 18, 4: 60, 5: 80})


def _metadata_sheet(sheet, metadata: ReturnMetadata) -> None:
    rows = [
        ["partnership", f"{metadata.partnership.name} ({metadata.partnership.code})"],
        ["period", str(metadata.period)],
        ["period complete", period_completeness(metadata.period, metadata.period_incomplete)],
        ["generated at", _local(metadata.generated_at)],
        ["generated by", metadata.generated_by],
        ["data as at", _local(metadata.data_as_at)],
        ["suppression threshold", metadata.suppression_threshold],
        ["software version", f"{SOFTWARE} {metadata.software_version}"],
        [
            "checksum",
            "The SHA-256 checksum of this file is recorded when it is produced and is shown "
            "with the return in the list of returns produced.",
        ],
        *(
            [f"{code}: answers from someone else", count]
            for code, count in metadata.answered_by_someone_else.items()
        ),
        [
            "answers from someone else",
            "Per measure: how many of the counted answers (the denominator) someone else gave "
            "on the person's behalf (a relative, a friend, a proxy), as recorded with each "
            "conversation. Answers the person gave with support are the person's own.",
        ],
    ]
    _write_table(sheet, ["item", "value"], rows)
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
    _set_widths(sheet, {1: 24, 2: 80})


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def incomplete_warning(period: Period) -> str:
    """What a return produced before its period ended must say, wherever it is produced."""
    return (
        f"{period} is still under way (it ends on {_day(period.last_day)}): its figures "
        "will change as conversations held in it are signed off."
    )


def period_completeness(period: Period, incomplete: bool) -> str:
    if incomplete:
        return f"No: produced before the period ended. {incomplete_warning(period)}"
    return f"Yes: produced after the period ended on {_day(period.last_day)}."


def render_xlsx(frame: pd.DataFrame, *, metadata: ReturnMetadata) -> bytes:
    """Sheets ``Return`` (the CSV's table, numbers as numbers), ``Definitions`` and
    ``Metadata``."""
    workbook = Workbook()
    _return_sheet(workbook.active, frame)
    workbook.active.title = "Return"
    _definitions_sheet(workbook.create_sheet("Definitions"), metadata)
    _metadata_sheet(workbook.create_sheet("Metadata"), metadata)
    workbook.properties.created = timezone.make_naive(metadata.generated_at, UTC)
    workbook.properties.creator = SOFTWARE
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def return_produce(
    *, partnership: Partnership, period: Period, format: str, by=None, today: date | None = None
) -> ReturnRecord:
    """Produce the return in ``format`` (``csv`` or ``xlsx``) and keep it with its checksum.

    A period not yet over (``Period.is_over``) is recorded as ``period_incomplete`` and says so
    in the XLSX metadata; the CSV's columns are the national ones and never change."""
    if format not in ReturnFormat.values:
        raise ValueError(f"Unknown return format {format!r}")
    generated_at = timezone.now()
    incomplete = not period.is_over(today or timezone.localdate())
    frame = national_return_frame(partnership=partnership, period=period)
    if format == ReturnFormat.CSV:
        content = render_csv(frame)
    else:
        metadata = return_metadata(
            partnership=partnership,
            period=period,
            generated_at=generated_at,
            by=by,
            period_incomplete=incomplete,
        )
        content = render_xlsx(frame, metadata=metadata)
    return ReturnRecord.objects.create(
        partnership=partnership,
        period=str(period),
        format=format,
        generated_at=generated_at,
        generated_by=by,
        period_incomplete=incomplete,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=len(frame),
        byte_size=len(content),
        content=content,
    )
