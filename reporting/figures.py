"""Figures as people see them: counts from the database, completed with every measure,
percentages, intervals, suppression and targets. Everything shown or downloaded goes through
here, so disclosure control cannot be forgotten by a page."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd
from django.conf import settings

from frameworks.periods import Period
from reporting import reference
from reporting.csv import FIGURE_COLUMNS
from reporting.measures import add_figures, suppress, target_status
from reporting.selectors import Scope, measure_counts


def suppression_threshold() -> int:
    return int(getattr(settings, "SUPPRESSION_THRESHOLD", 5))


def _target_for(targets: dict, code: str, period: Period, team: str) -> Decimal | None:
    exact = targets.get((code, str(period), team))
    if exact is not None:
        return exact
    return targets.get((code, str(Period(period.start_year)), team))


def measure_figures(
    *,
    scope: Scope,
    periods: Sequence[Period],
    breakdown: str | None = None,
    cells: Sequence[str] | None = None,
    threshold: int | None = None,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per measure × period (× breakdown cell), with every figure a person may see.

    ``cells`` lists the breakdown cells to show even when nothing was counted (e.g. every
    team in scope). Suppression uses the measure and period as the row set of a breakdown.
    Targets: the scope's own (a partnership's, or a single team's; a team breakdown uses
    each team's). ``counts``: the breakdown's ``measure_counts`` when the caller has them
    (``breakdown_counts`` counts several breakdowns at once).
    """
    threshold = suppression_threshold() if threshold is None else threshold
    measures = reference.measures()
    if counts is None:
        counts = measure_counts(
            scope=scope, periods=periods, breakdown=breakdown, measures=measures
        )
    cell_values = list(cells) if cells is not None else []
    for value in counts["cell"].unique() if len(counts) else []:
        if value not in cell_values:
            cell_values.append(value)
    if not breakdown:
        cell_values = [""]
    grid = pd.DataFrame(
        [
            {
                "measure_code": m["code"],
                "measure_title": m["title"],
                "population": m["population"],
                "order": m["order"],
                "period": str(p),
                "cell": cell,
            }
            for m in measures
            for p in periods
            for cell in cell_values
        ],
        columns=["measure_code", "measure_title", "population", "order", "period", "cell"],
    )
    frame = grid.merge(counts, on=["measure_code", "period", "cell"], how="left")
    frame[["numerator", "denominator"]] = frame[["numerator", "denominator"]].fillna(0).astype(int)
    frame = add_figures(frame)
    frame = suppress(
        frame, threshold=threshold, row_set=["measure_code", "period"] if breakdown else None
    )
    targets = reference.partnership_targets(scope.partnership.pk)
    period_by_label = {str(p): p for p in periods}
    single_team = scope.teams[0].code if len(scope.teams) == 1 else None
    target_values, statuses = [], []
    for row in frame.itertuples():
        if breakdown == "team":
            team = row.cell
        elif breakdown is None and single_team:
            team = single_team
        elif breakdown is None and not scope.teams:
            team = ""
        else:
            team = None
        target = (
            _target_for(targets, row.measure_code, period_by_label[row.period], team)
            if team is not None
            else None
        )
        target_values.append(target)
        statuses.append(target_status(row.percentage, target, suppressed=bool(row.suppressed)))
    frame["target"] = target_values
    frame["target_status"] = statuses
    frame = frame.sort_values(["order", "period", "cell"], kind="stable").reset_index(drop=True)
    return frame[FIGURE_COLUMNS]
