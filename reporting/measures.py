"""Pure arithmetic of the national measures (spec §5) and targets (spec §6).

No database here: these functions take counts or small pandas frames and are tested with
hand-made known answers. Percentages are in percent (0–100) as ``Decimal`` with one decimal
place, rounded half away from zero.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

ONE_PLACE = Decimal("0.1")
# The conventional two-sided 95% normal quantile, as used in published Wilson intervals.
Z_95 = 1.96


def round_half_away(value: Decimal | float | int) -> Decimal:
    """Round to one decimal place, halves away from zero (Decimal's ROUND_HALF_UP)."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percentage(numerator: int, denominator: int) -> Decimal | None:
    """100 × n / d to one decimal place, computed exactly (no binary floating point)."""
    if denominator <= 0:
        return None
    return round_half_away(Decimal(100 * numerator) / Decimal(denominator))


def wilson_interval(
    numerator: int, denominator: int, *, z: float = Z_95
) -> tuple[Decimal, Decimal] | None:
    """The Wilson score interval for n successes out of d, in percent, one decimal place."""
    if denominator <= 0:
        return None
    n, d = numerator, denominator
    p = n / d
    z2 = z * z
    centre = p + z2 / (2 * d)
    margin = z * math.sqrt(p * (1 - p) / d + z2 / (4 * d * d))
    scale = 1 + z2 / d
    low = max(0.0, (centre - margin) / scale)
    high = min(1.0, (centre + margin) / scale)
    # Round from a 12-place decimal so that float noise cannot move a value across a half.
    return (
        round_half_away(Decimal(f"{100 * low:.12f}")),
        round_half_away(Decimal(f"{100 * high:.12f}")),
    )


def target_status(actual: Decimal | None, target: Decimal | None, *, suppressed: bool) -> str:
    """``met`` (actual ≥ target), ``not_met``, ``no_data`` (nothing counted or suppressed), or
    ``""`` when no target is set."""
    if target is None:
        return ""
    if suppressed or actual is None:
        return "no_data"
    return "met" if actual >= target else "not_met"


def add_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Given ``numerator`` and ``denominator`` columns, add ``percentage``, ``ci_low`` and
    ``ci_high`` (``Decimal`` or ``None``)."""
    frame = frame.copy()
    rows = list(zip(frame["numerator"], frame["denominator"], strict=True))
    frame["percentage"] = [percentage(int(n), int(d)) for n, d in rows]
    intervals = [wilson_interval(int(n), int(d)) for n, d in rows]
    frame["ci_low"] = [i[0] if i else None for i in intervals]
    frame["ci_high"] = [i[1] if i else None for i in intervals]
    return frame


SUPPRESSED_COLUMNS = ("numerator", "percentage", "ci_low", "ci_high")


def suppress(
    frame: pd.DataFrame, *, threshold: int, row_set: list[str] | None = None
) -> pd.DataFrame:
    """Disclosure control (spec §5.5).

    Primary: a row whose denominator is below ``threshold`` has its numerator, percentage and
    interval blanked; the denominator stays. Secondary, for breakdowns: within each row set
    (rows sharing the ``row_set`` columns, e.g. one measure across teams), where exactly one
    row is suppressed, the row with the next smallest denominator is suppressed too, so that
    the hidden value cannot be worked out by subtraction from a total. Rows with nothing
    counted (denominator 0) are marked suppressed but need no second cell hidden. Adds a
    ``suppressed`` boolean column.
    """
    frame = frame.copy()
    frame["suppressed"] = frame["denominator"].astype(int) < threshold
    if row_set is not None and len(frame):
        groups = frame.groupby(row_set, sort=False, dropna=False) if row_set else [(None, frame)]
        for _, group in groups:
            # A cell with nothing counted hides nothing (0 of 0 is known from the total),
            # so only cells with a small, non-zero denominator need a second cell hidden.
            hidden = group[group["suppressed"] & (group["denominator"].astype(int) > 0)]
            if len(hidden) != 1 or len(group) < 2:
                continue
            visible = group[~group["suppressed"]].sort_values("denominator", kind="stable")
            frame.loc[visible.index[0], "suppressed"] = True
    frame["numerator"] = frame["numerator"].astype(object)
    for column in SUPPRESSED_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype(object)
            frame.loc[frame["suppressed"], column] = None
    return frame
