"""Disclosure control that subtraction cannot undo (spec §5.5, issue 11): the hider
(``reporting.disclosure``) against the independent checker (``disclosure_checker``), on the
case the old rule got wrong and on hundreds of generated tables."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.disclosure import protect_breakdown, protect_counts
from tests.reporting.disclosure_checker import row_set_given_away, table_given_away

THRESHOLD = 5


def breakdown(cells: list[tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_code": "NM1",
            "period": "2026-27 Q1",
            "cell": [f"team-{index}" for index in range(len(cells))],
            "numerator": [numerator for numerator, _ in cells],
            "denominator": [denominator for _, denominator in cells],
            "percentage": [None] * len(cells),
        }
    )


def released(frame: pd.DataFrame) -> list[tuple[int | None, int]]:
    """The row set as a reader sees it."""
    return [
        (None if numerator is None else int(numerator), int(denominator))
        for numerator, denominator in zip(frame["numerator"], frame["denominator"], strict=True)
    ]


def old_rule(cells: list[tuple[int, int]]) -> list[tuple[int | None, int]]:
    """Spec §5.5 as first written: hide cells below the threshold, and where exactly one is
    hidden (with something counted), the next smallest as well."""
    hidden = {index for index, (_, d) in enumerate(cells) if d < THRESHOLD}
    small = [index for index in hidden if cells[index][1] > 0]
    visible = sorted((d, index) for index, (_, d) in enumerate(cells) if index not in hidden)
    if len(small) == 1 and visible:
        hidden.add(visible[0][1])
    return [(None if index in hidden else n, d) for index, (n, d) in enumerate(cells)]


# A small cell of 3 (all yes), the next smallest of 6 (all yes), and larger teams.
THREE_AND_SIX = [(3, 3), (6, 6), (20, 30), (10, 12)]


def test_the_old_rule_gives_the_small_cell_away_and_the_new_one_does_not():
    total = sum(numerator for numerator, _ in THREE_AND_SIX)

    old = old_rule(THREE_AND_SIX)
    assert [n for n, _ in old] == [None, None, 20, 10]
    # The hidden sum is 29 - 30 = 9 = 3 + 6: every one of the three said yes.
    assert row_set_given_away(old, total) == [0, 1]

    new = released(
        protect_breakdown(breakdown(THREE_AND_SIX), threshold=5, row_set=["measure_code"])
    )
    assert row_set_given_away(new, total) == []
    # Hiding the 6 as well would leave a hidden sum of 9 = 3 + 6 again: the smallest cell that
    # leaves the 3 uncertain is the 12.
    assert [n for n, _ in new] == [None, 6, 20, None]


def test_a_scope_figure_of_100_percent_fixes_its_cells_and_hides_nothing_more():
    cells = [(3, 3), (30, 30), (12, 12)]

    new = protect_breakdown(breakdown(cells), threshold=5, row_set=["measure_code"])

    assert new["suppressed"].tolist() == [True, False, False]
    assert row_set_given_away(released(new), 45) == []


def test_without_a_row_set_each_figure_stands_alone():
    new = protect_breakdown(breakdown([(3, 3), (6, 6)]), threshold=5, row_set=None)

    assert new["suppressed"].tolist() == [True, False]


cells_strategy = st.lists(
    st.integers(0, 40).flatmap(lambda d: st.tuples(st.integers(0, d), st.just(d))),
    min_size=1,
    max_size=9,
)


@settings(max_examples=400, deadline=None)
@given(cells=cells_strategy)
def test_no_breakdown_gives_a_hidden_figure_away(cells):
    total = sum(numerator for numerator, _ in cells)
    denominator = sum(d for _, d in cells)

    new = released(protect_breakdown(breakdown(cells), threshold=5, row_set=["measure_code"]))

    # The scope's own figure is shown when it is not small itself.
    shown_total = total if denominator >= THRESHOLD else None
    assert row_set_given_away(new, shown_total) == []
    assert all(n is None for (n, d) in new if 0 < d < THRESHOLD)
    assert all(n == c[0] for (n, d), c in zip(new, cells, strict=True) if n is not None)


@st.composite
def count_tables(draw):
    """Rows of counts, each at most its row's denominator; with ``partition`` each row's
    counts add up to its denominator (statuses), otherwise not (barriers)."""
    partition = draw(st.booleans())
    columns = draw(st.integers(1, 5))
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        if partition:
            counts = draw(st.lists(st.integers(0, 15), min_size=columns, max_size=columns))
            rows.append((counts, sum(counts)))
        else:
            denominator = draw(st.integers(0, 25))
            counts = draw(st.lists(st.integers(0, denominator), min_size=columns, max_size=columns))
            rows.append((counts, denominator))
    return partition, columns, rows, draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(table=count_tables())
def test_no_table_of_counts_gives_a_hidden_count_away(table):
    partition, columns, rows, column_totals_shown = table
    names = [f"c{index}" for index in range(columns)]
    frame = pd.DataFrame(
        [{**dict(zip(names, counts, strict=True)), "total": total} for counts, total in rows]
    )
    column_totals = {name: int(frame[name].sum()) for name in names}
    # As on the dashboard: a table's column totals are not shown when its records are few.
    column_totals_shown = column_totals_shown and int(frame["total"].sum()) >= THRESHOLD

    protected = protect_counts(
        frame,
        threshold=THRESHOLD,
        count_columns=names,
        denominator="total",
        rows_add_up=partition,
        column_totals=column_totals if column_totals_shown else None,
    )

    grid = [[protected.at[r, name] for name in names] for r in protected.index]
    caps = [int(total) for total in protected["total"]]
    given_away = table_given_away(
        grid,
        caps,
        row_totals=caps if partition else None,
        column_totals=[column_totals[name] for name in names] if column_totals_shown else None,
    )
    assert given_away == []
    for r, (_, total) in enumerate(rows):
        if 0 < total < THRESHOLD:
            assert all(value is None for value in grid[r])


# The demo's barriers for 2024-25, as the lead's dashboard counts them: outcomes split in two
# count under both parts, so some columns' cells add up to more than the totals shown.
BARRIER_COLUMNS = [
    "staffing",
    "resources",
    "transport",
    "time_limited",
    "information",
    "nj",
    "other",
]
BARRIER_ROWS = [
    [7, 8, 0, 5, 6, 7, 2, 33], [7, 7, 4, 0, 10, 3, 0, 28], [2, 14, 22, 0, 10, 3, 0, 47],
    [11, 6, 0, 3, 9, 8, 3, 38], [11, 10, 0, 8, 7, 8, 9, 49], [9, 7, 0, 1, 3, 6, 1, 22],
    [1, 4, 0, 2, 2, 1, 1, 10], [4, 4, 0, 0, 6, 5, 1, 19], [6, 1, 0, 4, 6, 6, 4, 25],
    [17, 0, 0, 0, 0, 8, 0, 23], [19, 0, 0, 0, 0, 4, 0, 23], [9, 10, 0, 2, 10, 1, 4, 32],
    [5, 1, 0, 1, 4, 2, 1, 13], [6, 8, 0, 6, 5, 6, 2, 31], [3, 9, 0, 9, 3, 8, 6, 33],
    [1, 1, 0, 3, 1, 2, 5, 11], [2, 4, 0, 4, 0, 0, 0, 8], [7, 9, 0, 8, 0, 0, 0, 21],
    [1, 0, 0, 0, 1, 1, 2, 5], [0, 1, 0, 4, 1, 3, 0, 8], [3, 2, 0, 1, 0, 2, 1, 9],
    [0, 0, 0, 1, 0, 0, 1, 2], [0, 0, 0, 1, 0, 0, 0, 1], [0, 1, 0, 0, 0, 0, 1, 2],
    [4, 0, 0, 0, 0, 5, 0, 9], [0, 1, 0, 0, 0, 0, 0, 1], [0, 1, 0, 1, 0, 2, 0, 3],
    [1, 0, 0, 0, 0, 0, 0, 1],
]  # fmt: skip
BARRIER_TOTALS = [134, 109, 26, 63, 82, 91, 43]


def test_totals_that_contradict_the_cells_still_give_an_answer_quickly():
    """The reasoning must end (it looped for ever on this table) and hide the small rows."""
    import threading

    frame = pd.DataFrame(BARRIER_ROWS, columns=[*BARRIER_COLUMNS, "total"])
    done = {}

    def run():
        done["frame"] = protect_counts(
            frame,
            threshold=THRESHOLD,
            count_columns=BARRIER_COLUMNS,
            denominator="total",
            rows_add_up=False,
            column_totals=dict(zip(BARRIER_COLUMNS, BARRIER_TOTALS, strict=True)),
        )

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=20)

    assert "frame" in done, "the disclosure control did not finish"
    small = frame.index[frame["total"] < THRESHOLD].tolist()
    assert done["frame"]["suppressed"].tolist() == [i in small for i in frame.index]
    assert all(done["frame"].loc[i, c] is None for i in small for c in BARRIER_COLUMNS)
