"""Every CSV the site writes, in one place: the columns of a measure's figures, how a cell is
written (blank for a suppressed or missing value, ``true``/``false``, and text a spreadsheet
would run as a formula made inert, CWE-1236), and the file or response itself.

Used by the dashboard downloads, the national return and the partnership's audit download.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd
from django.http import HttpResponse

# A measure, and its figures for one scope, period and cell, as every table of figures names
# them (spec §7 for the national return).
MEASURE_COLUMNS: list[str] = ["measure_code", "measure_title", "population"]
VALUE_COLUMNS: list[str] = [
    "numerator",
    "denominator",
    "percentage",
    "ci_low",
    "ci_high",
    "suppressed",
    "target",
    "target_status",
]
# ``reporting.figures.measure_figures`` returns these; the downloads and the return pick theirs.
FIGURE_COLUMNS: list[str] = [*MEASURE_COLUMNS, "period", "cell", *VALUE_COLUMNS]
# The dashboard's measures and trend downloads (a breakdown adds its cell after the measure).
MEASURE_HEADER: list[str] = ["scope", "period", *MEASURE_COLUMNS, *VALUE_COLUMNS]
# The national return, spec §7, in this order.
RETURN_COLUMNS: list[str] = [
    "partnership_code",
    "partnership_name",
    "period",
    *MEASURE_COLUMNS,
    *VALUE_COLUMNS,
]

# A spreadsheet treats a cell starting with one of these as a formula (CWE-1236).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """A leading apostrophe makes a spreadsheet show ``=cmd`` as text instead of running it."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def cell_text(value: Any) -> str:
    """A figure as a CSV or table cell: suppressed or missing values are blank."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_cell(value: Any) -> str:
    """A cell as text, with text that a spreadsheet would run as a formula made inert by a
    leading apostrophe. Numbers (including negative ones) are left as they are."""
    text = cell_text(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return text
    return escape_formula(text)


def write_csv(
    stream: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    lineterminator: str = "\r\n",
) -> None:
    """A header row, then ``rows``, every cell through ``csv_cell``."""
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A whole file: UTF-8 (no byte-order mark), comma separated, ``\\n`` line ends."""
    buffer = io.StringIO()
    write_csv(buffer, header, rows, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A download named ``filename``, written as ``rows`` are read (an iterator stays lazy
    until the response is built)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, header, rows)
    return response
