"""Pure arithmetic of the national measures (spec §5) and targets (spec §6).

No database here: these functions take counts or small pandas frames and are tested with
hand-made known answers. Percentages are in percent (0–100) as ``Decimal`` with one decimal
place, rounded half away from zero.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from frameworks.equivalence import EquivalenceGraph, OutcomeNode
from reporting import disclosure

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


def suppress(
    frame: pd.DataFrame, *, threshold: int, row_set: list[str] | None = None
) -> pd.DataFrame:
    """Disclosure control (spec §5.5) for measures: ``disclosure.protect_breakdown``. Adds a
    ``suppressed`` boolean column; hidden rows lose numerator, percentage and interval."""
    return disclosure.protect_breakdown(frame, threshold=threshold, row_set=row_set)


# --- outcomes at review and barriers (dashboard) -------------------------------------------

ACHIEVEMENT_COLUMNS = ("achieved", "partly_achieved", "not_achieved")
ROLE_ORDER = {"user": 0, "carer": 1}
MAPPING_COLUMNS = ["outcome_id", "framework", "role", "code", "label", "order", "current"]


def mapping_frame(graph: EquivalenceGraph) -> pd.DataFrame:
    """Where each published outcome is counted in the newest version of its framework
    (``EquivalenceGraph.latest``), one row per outcome and target (``MAPPING_COLUMNS``): an
    outcome of the newest version maps to itself, an older outcome to each current equivalent
    (a split outcome gives two rows), an older outcome with no equivalent to itself with
    ``current`` False."""
    rows = [
        {
            "outcome_id": node.id,
            "framework": end.framework,
            "role": end.role,
            "code": end.code,
            "label": end.label,
            "order": int(end.order),
            "current": end.current,
        }
        for node in graph.nodes.values()
        if node.published
        for end in graph.latest(node.id)
    ]
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def resolve_equivalents(outcomes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """``mapping_frame`` for hand-made frames: ``outcomes`` has one row per published outcome
    (``outcome_id, framework, role, code, label, order, superseded``), ``edges`` has
    ``earlier_id, later_id``."""
    nodes = [
        OutcomeNode(
            id=int(row.outcome_id),
            framework=row.framework,
            role=row.role,
            version_id=0,
            version="",
            code=row.code,
            label=row.label,
            order=int(row.order),
            published=True,
            superseded=bool(row.superseded),
        )
        for row in outcomes.itertuples(index=False)
    ]
    links = [(int(row.earlier_id), int(row.later_id)) for row in edges.itertuples(index=False)]
    return mapping_frame(EquivalenceGraph(nodes, links))


def map_to_current(counts: pd.DataFrame, mapping: pd.DataFrame, *, by: list[str]) -> pd.DataFrame:
    """Counts per ``outcome_id`` (and the ``by`` columns) re-counted under the newest version's
    outcomes: each older outcome's count goes to its equivalent(s). Columns: ``framework, role,
    code, label, order, current``, then ``by``, then ``count``."""
    keys = ["framework", "role", "code", "label", "order", "current"]
    if counts.empty:
        return pd.DataFrame(columns=[*keys, *by, "count"])
    merged = counts.merge(mapping, on="outcome_id", how="inner")
    grouped = merged.groupby([*keys, *by], as_index=False, sort=False)["count"].sum()
    grouped["count"] = grouped["count"].astype(int)
    return grouped


def pivot_counts(mapped: pd.DataFrame, *, column: str, values: list[str]) -> pd.DataFrame:
    """One row per outcome (framework, role, code…), one count column per ``values`` item of
    ``column`` (zeros filled in) and ``total``; ordered by role, current first, then order."""
    keys = ["framework", "role", "code", "label", "order", "current"]
    if mapped.empty:
        return pd.DataFrame(columns=[*keys, *values, "total"])
    table = mapped.pivot_table(
        index=keys, columns=column, values="count", aggfunc="sum", fill_value=0
    ).reset_index()
    table.columns.name = None
    for value in values:
        if value not in table:
            table[value] = 0
    table[values] = table[values].astype(int)
    table["total"] = table[values].sum(axis=1).astype(int)
    table["role_order"] = table["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER))
    table = table.sort_values(
        ["role_order", "current", "order", "code"], ascending=[True, False, True, True]
    )
    return table[[*keys, *values, "total"]].reset_index(drop=True)


def suppress_rows(
    frame: pd.DataFrame, *, threshold: int, count_columns: list[str], total_column: str = "total"
) -> pd.DataFrame:
    """Disclosure control for a table of counts whose row totals are shown and are the sum of
    the row's counts (outcomes at review by status): ``disclosure.protect_counts``."""
    return disclosure.protect_counts(
        frame,
        threshold=threshold,
        count_columns=count_columns,
        denominator=total_column,
        rows_add_up=True,
        column_totals=None,
    )


def suppress_counts_with_totals(
    frame: pd.DataFrame,
    *,
    threshold: int,
    count_columns: list[str],
    column_totals: dict[str, int] | None,
    denominator: str = "records",
    rows_add_up: bool = False,
) -> pd.DataFrame:
    """Disclosure control (spec §5.5) for a table of counts whose rows have a denominator
    (e.g. outcome records naming any barrier) and whose column totals may be shown elsewhere
    (``None`` when hidden): ``disclosure.protect_counts``."""
    return disclosure.protect_counts(
        frame,
        threshold=threshold,
        count_columns=count_columns,
        denominator=denominator,
        rows_add_up=rows_add_up,
        column_totals=column_totals,
    )
