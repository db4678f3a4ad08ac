"""The one place every CSV is written: cells, escaping, files and responses."""

from __future__ import annotations

from decimal import Decimal

from reporting.csv import (
    FIGURE_COLUMNS,
    MEASURE_HEADER,
    RETURN_COLUMNS,
    csv_bytes,
    csv_response,
)


def test_a_file_escapes_text_but_never_numbers():
    content = csv_bytes(
        ["name", "change", "share", "suppressed"],
        [["=cmd", -3, Decimal("-1.5"), True], ["+44", None, Decimal("80.0"), False]],
    )

    assert content == b"name,change,share,suppressed\n'=cmd,-3,-1.5,true\n'+44,,80.0,false\n"


def test_a_response_is_a_named_utf8_attachment():
    response = csv_response("measures-ORK-2026-27.csv", ["scope"], [["Örkney"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="measures-ORK-2026-27.csv"'
    assert response.content.decode("utf-8") == "scope\r\nÖrkney\r\n"


def test_every_table_of_figures_names_the_measure_columns_alike():
    values = RETURN_COLUMNS[RETURN_COLUMNS.index("numerator") :]

    assert MEASURE_HEADER[-len(values) :] == values
    assert FIGURE_COLUMNS[-len(values) :] == values
    assert (
        RETURN_COLUMNS[3:6]
        == MEASURE_HEADER[2:5]
        == ["measure_code", "measure_title", "population"]
    )
