"""An independent check of released tables (spec §5.5), written without the hider's code
(``reporting.disclosure``): for every hidden count, the values consistent with what is shown.
A hidden count is given away when that range holds a single value, unless a shown total of
0 % or 100 % fixes it anyway, or nothing was counted (its cap is 0).

Two shapes:
- a row set of measures: cells ``(numerator or None when hidden, denominator)`` whose
  numerators add up to the scope's own numerator (``None`` when the scope's figure is not
  shown, so nothing can be subtracted);
- a two-way table of counts: a grid of counts (None when hidden), each at most its row's cap,
  with row totals (each row's counts add up to them) and/or column totals, where shown. Each
  hidden count gets the interval its row allows and the interval its column allows; its range
  is where they meet.
"""

from __future__ import annotations

from collections.abc import Sequence


def _interval(hidden_caps: Sequence[int], known_sum: int, own_cap: int, own_index: int):
    """Where one of several hidden counts can lie when they add up to ``known_sum``."""
    others = sum(cap for index, cap in enumerate(hidden_caps) if index != own_index)
    return max(0, known_sum - others), min(own_cap, known_sum)


def row_set_given_away(cells: Sequence[tuple[int | None, int]], total: int | None) -> list[int]:
    """Positions of hidden numerators a reader can work out exactly."""
    if total is None:
        return []
    denominators = [denominator for _, denominator in cells]
    if total in (0, sum(denominators)):
        return []  # the scope's own 0 % or 100 % says it already
    hidden = [index for index, (numerator, _) in enumerate(cells) if numerator is None]
    known_sum = total - sum(numerator for numerator, _ in cells if numerator is not None)
    hidden_caps = [denominators[index] for index in hidden]
    found = []
    for position, index in enumerate(hidden):
        if denominators[index] == 0:
            continue
        low, high = _interval(hidden_caps, known_sum, denominators[index], position)
        if low >= high:
            found.append(index)
    return found


def table_given_away(
    grid: Sequence[Sequence[int | None]],
    caps: Sequence[int],
    row_totals: Sequence[int | None] | None = None,
    column_totals: Sequence[int | None] | None = None,
) -> list[tuple[int, int]]:
    """``(row, column)`` of hidden counts a reader can work out exactly from the margins."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    found = []
    for r in range(rows):
        for c in range(columns):
            if grid[r][c] is not None or caps[r] == 0:
                continue
            low, high = 0, caps[r]
            fixed = False
            if row_totals is not None and row_totals[r] is not None:
                line = [grid[r][k] for k in range(columns)]
                line_caps = [caps[r]] * columns
                if row_totals[r] in (0, sum(line_caps)):
                    fixed = True
                low, high = _narrow(line, line_caps, row_totals[r], c, low, high)
            if column_totals is not None and column_totals[c] is not None:
                line = [grid[k][c] for k in range(rows)]
                if column_totals[c] in (0, sum(caps)):
                    fixed = True
                low, high = _narrow(line, list(caps), column_totals[c], r, low, high)
            if low >= high and not fixed:
                found.append((r, c))
    return found


def _narrow(line, line_caps, total, own, low, high):
    hidden = [index for index, value in enumerate(line) if value is None]
    known_sum = total - sum(value for value in line if value is not None)
    hidden_caps = [line_caps[index] for index in hidden]
    least, most = _interval(hidden_caps, known_sum, line_caps[own], hidden.index(own))
    return max(low, least), min(high, most)


def small_figures_shown(cells: Sequence[tuple[int | None, int]], threshold: int) -> list[int]:
    """Positions of numerators shown although their denominator is below the threshold (and
    something was counted)."""
    return [
        index
        for index, (numerator, denominator) in enumerate(cells)
        if numerator is not None and 0 < denominator < threshold
    ]


def small_rows_shown(
    grid: Sequence[Sequence[int | None]], caps: Sequence[int], threshold: int
) -> list[tuple[int, int]]:
    """``(row, column)`` of counts shown in a row of fewer records than the threshold (and
    more than none): such a row shows only its number of records."""
    return [
        (r, c)
        for r, line in enumerate(grid)
        for c, value in enumerate(line)
        if value is not None and 0 < caps[r] < threshold
    ]
