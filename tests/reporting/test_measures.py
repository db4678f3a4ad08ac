"""Known answers for the pure arithmetic of the measures: no database."""

from decimal import Decimal

import pandas as pd
import pytest

from reporting.measures import (
    add_figures,
    percentage,
    round_half_away,
    suppress,
    suppress_counts_with_totals,
    target_status,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("n", "d", "expected"),
    [
        (1, 16, "6.3"),  # 6.25 rounds away from zero
        (5, 16, "31.3"),  # 31.25
        (3, 16, "18.8"),  # 18.75
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (1, 8, "12.5"),
        (0, 7, "0.0"),
        (7, 7, "100.0"),
        (1, 40, "2.5"),
        (1, 80, "1.3"),  # 1.25
    ],
)
def test_percentage_rounds_half_away_from_zero(n, d, expected):
    assert percentage(n, d) == Decimal(expected)


def test_percentage_of_nothing_is_none():
    assert percentage(0, 0) is None


def test_round_half_away_for_negative_and_float_inputs():
    assert round_half_away(Decimal("-0.25")) == Decimal("-0.3")
    assert round_half_away(0.15) == Decimal("0.2")  # not the binary 0.1499999...


@pytest.mark.parametrize(
    ("n", "d", "low", "high"),
    [
        # Checked against the quadratic form (p̂ - p)² = z²p(1 - p)/d, z = 1.96.
        (8, 10, "49.0", "94.3"),
        (0, 10, "0.0", "27.8"),
        (10, 10, "72.2", "100.0"),
        (1, 16, "1.1", "28.3"),
        (5, 16, "14.2", "55.6"),
        (50, 100, "40.4", "59.6"),
        (81, 263, "25.5", "36.6"),
    ],
)
def test_wilson_interval_known_values(n, d, low, high):
    assert wilson_interval(n, d) == (Decimal(low), Decimal(high))


def test_wilson_of_nothing_is_none():
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(
    ("actual", "target", "suppressed", "expected"),
    [
        (Decimal("85.0"), Decimal("85.0"), False, "met"),
        (Decimal("84.9"), Decimal("85.0"), False, "not_met"),
        (Decimal("90.0"), Decimal("85.0"), True, "no_data"),
        (None, Decimal("85.0"), False, "no_data"),
        (Decimal("90.0"), None, False, ""),
    ],
)
def test_target_status(actual, target, suppressed, expected):
    assert target_status(actual, target, suppressed=suppressed) == expected


def frame(rows):
    return add_figures(
        pd.DataFrame(rows, columns=["measure_code", "cell", "numerator", "denominator"])
    )


def test_primary_suppression_blanks_everything_but_the_denominator():
    result = suppress(frame([("NM1", "", 3, 4), ("NM2", "", 4, 5)]), threshold=5)

    first, second = result.to_dict("records")
    assert first["suppressed"] and first["denominator"] == 4
    assert first["numerator"] is None and first["percentage"] is None and first["ci_low"] is None
    assert not second["suppressed"] and second["numerator"] == 4
    assert second["percentage"] == Decimal("80.0")


def test_secondary_suppression_hides_the_next_smallest_cell_of_the_row_set():
    rows = [
        ("NM1", "east", 2, 3),
        ("NM1", "west", 9, 12),
        ("NM1", "north", 5, 8),
        ("NM2", "east", 10, 20),
        ("NM2", "west", 3, 4),
        ("NM2", "north", 1, 2),
    ]

    result = suppress(frame(rows), threshold=5, row_set=["measure_code"])

    hidden = {(r["measure_code"], r["cell"]) for r in result.to_dict("records") if r["suppressed"]}
    # NM1: only east is small, so north (next smallest, 8) goes too. NM2: two already hidden.
    assert hidden == {("NM1", "east"), ("NM1", "north"), ("NM2", "west"), ("NM2", "north")}


def test_no_secondary_suppression_without_a_row_set():
    result = suppress(frame([("NM1", "", 2, 3), ("NM2", "", 9, 12)]), threshold=5)

    assert list(result["suppressed"]) == [True, False]


def test_threshold_is_a_setting():
    result = suppress(frame([("NM1", "", 8, 9)]), threshold=10)

    assert bool(result.loc[0, "suppressed"]) and result.loc[0, "numerator"] is None


def test_a_cell_with_nothing_counted_does_not_trigger_secondary_suppression():
    rows = [("NM4", "east", 0, 0), ("NM4", "west", 9, 12), ("NM4", "north", 5, 8)]

    result = suppress(frame(rows), threshold=5, row_set=["measure_code"])

    assert list(result["suppressed"]) == [True, False, False]
    assert result.loc[1, "numerator"] == 9


def test_secondary_suppression_with_nothing_else_to_hide():
    # One small cell beside cells that counted nothing: nothing else can be hidden, and
    # nothing needs to be (the total is just as small).
    frame = pd.DataFrame(
        {"cell": ["a", "b"], "numerator": [2, 0], "denominator": [3, 0], "period": ["p", "p"]}
    )

    result = suppress(frame, threshold=5, row_set=["period"])

    assert result["suppressed"].tolist() == [True, True]


# --- tables of counts whose column totals are shown (barriers) ------------------------------


def barrier_frame(rows: list[tuple[int, int, int]]) -> pd.DataFrame:
    """``(transport, staffing, records)`` per outcome."""
    return pd.DataFrame(rows, columns=["transport", "staffing", "records"])


def column_totals(frame: pd.DataFrame) -> dict[str, int]:
    return {c: int(frame[c].sum()) for c in ("transport", "staffing")}


def hidden(result: pd.DataFrame) -> list[bool]:
    return result["suppressed"].tolist()


def test_small_counts_show_where_enough_records_are_counted_like_a_numerator():
    frame = barrier_frame([(2, 1, 8), (3, 4, 6), (1, 1, 2), (1, 0, 1)])

    result = suppress_counts_with_totals(
        frame, threshold=5, count_columns=["transport", "staffing"], column_totals=None
    )

    assert hidden(result) == [False, False, True, True]
    assert result.loc[0, "staffing"] == 1  # a count of 1 out of 8 records is shown
    assert result.loc[2, "transport"] is None and result.loc[2, "records"] == 2


def test_one_hidden_count_is_protected_from_the_column_total():
    frame = barrier_frame([(2, 1, 8), (5, 5, 6), (1, 1, 3)])

    result = suppress_counts_with_totals(
        frame,
        threshold=5,
        count_columns=["transport", "staffing"],
        column_totals=column_totals(frame),
    )

    # Alone, row 2's counts would be the total minus the rest: in each column the count with
    # the next smallest denominator (row 1, 6 records) is hidden too.
    assert hidden(result) == [False, False, True]
    assert [result.loc[1, "transport"], result.loc[1, "staffing"]] == [None, None]
    assert [result.loc[0, "transport"], result.loc[0, "staffing"]] == [2, 1]
    assert result.loc[1, "records"] == 6


def test_hidden_counts_whose_sum_is_zero_or_all_their_records_are_protected():
    # Rows 2 and 3 are hidden; their transport counts sum to 0 (known by subtraction), so
    # both would be known to be 0: the smallest visible transport count above 0 is hidden.
    zero = barrier_frame([(6, 1, 9), (0, 2, 7), (0, 1, 3), (0, 1, 2)])
    result = suppress_counts_with_totals(
        zero,
        threshold=5,
        count_columns=["transport", "staffing"],
        column_totals=column_totals(zero),
    )
    assert hidden(result) == [False, False, True, True]
    assert result["transport"].tolist() == [None, 0, None, None]
    assert result["staffing"].tolist() == [1, 2, None, None]  # sum 2 of 5 records: uncertain

    # Every hidden record names staffing: each hidden count would be its row's records, so
    # the smallest visible staffing count below its records is hidden.
    full = barrier_frame([(2, 0, 9), (3, 1, 8), (1, 3, 3), (1, 2, 2)])
    result = suppress_counts_with_totals(
        full,
        threshold=5,
        count_columns=["transport", "staffing"],
        column_totals=column_totals(full),
    )
    assert result["staffing"].tolist() == [0, None, None, None]
    assert result["transport"].tolist() == [2, 3, None, None]


def test_columns_fixed_by_their_total_need_no_protection():
    # Nobody names staffing (total 0): knowing the hidden rows have none gives nothing away.
    frame = barrier_frame([(4, 0, 9), (3, 0, 8), (1, 0, 3), (2, 0, 2)])

    result = suppress_counts_with_totals(
        frame,
        threshold=5,
        count_columns=["transport", "staffing"],
        column_totals=column_totals(frame),
    )

    assert hidden(result) == [False, False, True, True]
    assert result["staffing"].tolist() == [0, 0, None, None]
    assert result["transport"].tolist() == [4, 3, None, None]


def test_without_shown_totals_only_small_rows_are_hidden_and_records_stay():
    frame = barrier_frame([(1, 0, 5), (1, 0, 2)])

    result = suppress_counts_with_totals(
        frame, threshold=5, count_columns=["transport", "staffing"], column_totals=None
    )

    assert hidden(result) == [False, True]
    assert result["transport"].tolist() == [1, None]
    assert result["records"].tolist() == [5, 2]
