"""Disclosure control (spec §5.5): what every released table hides, decided in one place.

A figure about fewer than ``SUPPRESSION_THRESHOLD`` people (or outcome records) is hidden: its
count (numerator, percentage, interval), never its denominator. That is not enough on its own:
hidden counts of a row set add up to what subtraction from a total shown beside them gives, and
whenever one hidden count alone, or hidden counts whose sum is 0 or all of their denominators,
can then be worked out exactly, the figure is out. So:

- a table is a set of **cells**, each a count between 0 and its **cap** (its denominator, or the
  most it could be), and a list of **totals** shown with it: cells whose counts add up to a
  number a reader can see (a row set's total, a table's column total);
- the cells below the threshold are hidden (primary suppression);
- then, while any hidden count can be pinned to one value by interval reasoning from the shown
  totals and the other cells' bounds (repeated until nothing changes: it covers a row set's
  total and, in two-way tables, both margins), a further cell sharing a total with a pinned one
  is hidden: the smallest that leaves it uncertain (secondary suppression);
- a total whose value is 0 or the sum of its cells' caps (a 0 % or 100 % figure shown as it is)
  already fixes its cells: they need no protection, and a scope's own figure is never hidden
  because of a breakdown. A cell with nothing counted (cap 0) needs none either.

The functions at the bottom apply this to the shapes the product releases: measures by a
breakdown (``protect_breakdown``) and tables of counts with row and column totals
(``protect_counts``). ``tests/reporting/disclosure_checker.py`` checks released tables with code
written separately from this.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

Key = Hashable
# Passes of interval reasoning over a table's totals: enough for any table the product shows
# to settle (two margins settle in a few), a bound for totals that contradict each other.
MAX_PASSES = 50


@dataclass(frozen=True)
class Total:
    """Cells whose counts add up to ``value``, a number shown with the table."""

    cells: tuple[Key, ...]
    value: int


def _bounds(
    counts: Mapping[Key, int],
    caps: Mapping[Key, int],
    totals: Sequence[Total],
    hidden: set[Key],
) -> dict[Key, tuple[int, int]]:
    """The least and most each hidden count can be, given every shown count and total:
    interval reasoning over the totals, repeated until no bound moves. Totals that cannot all
    hold (a table whose rows count a record twice, e.g. an outcome split in two) would push
    bounds past each other: a count whose bounds cross is taken as pinned, and the passes
    stop after a bounded number."""
    low = {key: 0 for key in hidden}
    high = {key: caps[key] for key in hidden}
    changed, passes = True, 0
    while changed and passes < MAX_PASSES:
        changed, passes = False, passes + 1
        for total in totals:
            unknown = [key for key in total.cells if key in hidden]
            if not unknown:
                continue
            rest = total.value - sum(counts[key] for key in total.cells if key not in hidden)
            lows, highs = sum(low[key] for key in unknown), sum(high[key] for key in unknown)
            for key in unknown:
                least = max(low[key], rest - (highs - high[key]))
                most = min(high[key], rest - (lows - low[key]))
                if least > most:  # the totals contradict each other here
                    least = most = min(max(least, 0), caps[key])
                if (least, most) != (low[key], high[key]):
                    low[key], high[key] = least, most
                    changed = True
    return {key: (low[key], high[key]) for key in hidden}


def _fixed_by_totals(caps: Mapping[Key, int], totals: Sequence[Total]) -> set[Key]:
    """Cells a total shown at 0 or at all of its cells' caps (0 % or 100 %) already fixes."""
    return {
        key
        for total in totals
        if total.value == 0 or total.value == sum(caps[k] for k in total.cells)
        for key in total.cells
    }


def _exposed(
    counts: Mapping[Key, int],
    caps: Mapping[Key, int],
    totals: Sequence[Total],
    hidden: set[Key],
    fixed: set[Key],
) -> list[Key]:
    bounds = _bounds(counts, caps, totals, hidden)
    return [
        key
        for key in counts
        if key in hidden and caps[key] > 0 and key not in fixed and bounds[key][0] == bounds[key][1]
    ]


def protect(
    counts: Mapping[Key, int],
    caps: Mapping[Key, int],
    totals: Iterable[Total],
    *,
    threshold: int,
) -> set[Key]:
    """The cells to hide: those whose cap is below ``threshold`` (and above 0), then as many
    more as it takes for no hidden count to be worked out exactly (module docstring). Cells
    are tried in the order ``counts`` gives them when caps tie."""
    totals = [total for total in totals if len(total.cells) > 0]
    fixed = _fixed_by_totals(caps, totals)
    hidden = {key for key in counts if 0 < caps[key] < threshold}
    order = {key: index for index, key in enumerate(counts)}
    while exposed := _exposed(counts, caps, totals, hidden, fixed):
        pinned = set(exposed)
        sharing = {
            key
            for total in totals
            if pinned.intersection(total.cells)
            for key in total.cells
            if key not in hidden and caps[key] > 0
        }
        if not sharing:
            break  # every total beside them is hidden already: nothing left to hide
        candidates = sorted(sharing, key=lambda key: (caps[key], order[key]))
        # The smallest that frees the first pinned count, else the smallest that frees any.
        chosen = fallback = None
        for key in candidates:
            after = _exposed(counts, caps, totals, hidden | {key}, fixed)
            if exposed[0] not in after:
                chosen = key
                break
            if fallback is None and len(after) < len(exposed):
                fallback = key
        if chosen is None:
            chosen = fallback if fallback is not None else candidates[0]
        hidden.add(chosen)
    return hidden


# --- the shapes the product releases ------------------------------------------------------

MEASURE_HIDDEN_COLUMNS = ("numerator", "percentage", "ci_low", "ci_high")


def protect_breakdown(
    frame: pd.DataFrame, *, threshold: int, row_set: list[str] | None
) -> pd.DataFrame:
    """Measures (``numerator``, ``denominator``, percentage and interval columns), one row per
    cell. Each row set (rows sharing the ``row_set`` columns, e.g. one measure and period
    across teams) adds up to the scope's own figure, shown beside it; with ``row_set`` None
    every row is a figure of its own (a scope's measures, a trend), hidden only when small.
    Adds ``suppressed`` and blanks the hidden rows' numerator, percentage and interval."""
    frame = frame.copy()
    counts = {index: int(value) for index, value in frame["numerator"].items()}
    caps = {index: int(value) for index, value in frame["denominator"].items()}
    totals = []
    if row_set is not None and len(frame):
        groups = frame.groupby(row_set, sort=False, dropna=False) if row_set else [(None, frame)]
        totals = [
            Total(tuple(group.index), sum(counts[index] for index in group.index))
            for _, group in groups
        ]
    hidden = protect(counts, caps, totals, threshold=threshold)
    # A cell with nothing counted shows no figure either.
    frame["suppressed"] = [index in hidden or caps[index] == 0 for index in frame.index]
    for column in MEASURE_HIDDEN_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(object)
            frame.loc[frame["suppressed"], column] = None
    return frame


def protect_counts(
    frame: pd.DataFrame,
    *,
    threshold: int,
    count_columns: list[str],
    denominator: str,
    rows_add_up: bool,
    column_totals: Mapping[str, int] | None,
) -> pd.DataFrame:
    """A table of counts, one row per outcome (or theme…), one count column each for a status,
    a barrier…, and a ``denominator`` column shown for every row (the records counted in the
    row). A row whose denominator is below ``threshold`` shows only its denominator
    (``suppressed``). Totals a reader can use: with ``rows_add_up``, a row's counts add up to
    its denominator (each record counted in one column: statuses); with ``column_totals`` (a
    column's total shown elsewhere on the page, None when not shown), a column's counts add up
    to it. Each count is at most its row's denominator. Hidden counts become None; a row with
    a hidden count beyond its own suppression keeps its other counts."""
    frame = frame.copy()
    denominators = {index: int(value) for index, value in frame[denominator].items()}
    counts: dict[Key, int] = {}
    caps: dict[Key, int] = {}
    for index in frame.index:
        for column in count_columns:
            counts[(index, column)] = int(frame.at[index, column])
            caps[(index, column)] = denominators[index]
    totals = []
    if rows_add_up:
        totals += [
            Total(tuple((index, column) for column in count_columns), denominators[index])
            for index in frame.index
        ]
    if column_totals is not None:
        totals += [
            Total(tuple((index, column) for index in frame.index), int(column_totals[column]))
            for column in count_columns
        ]
    small = {index for index, value in denominators.items() if value < threshold}
    hidden = protect(counts, caps, totals, threshold=threshold)
    # A small row hides all of its counts, even those a 0 % or 100 % total fixes.
    hidden |= {(index, column) for index in small for column in count_columns}
    frame["suppressed"] = [index in small for index in frame.index]
    for column in count_columns:
        frame[column] = frame[column].astype(object)
        for index in frame.index:
            if (index, column) in hidden:
                frame.at[index, column] = None
    return frame
