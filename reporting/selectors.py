"""Database questions for reporting. Each returns a small, already aggregated DataFrame.

The counting rules of spec §5 are applied here, in SQL: completed conversations held in the
period, subject role in the measure's population, an actual answer (yes/partly/no); then one
answer per subject and role — the latest by date held, ties broken by the latest sign-off —
chosen with a window function inside each cell of the breakdown; then counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from conversations.models import Answer, ConversationStatus, MeasureAnswer, Partnership, Team
from frameworks.models import POPULATION_ROLES
from frameworks.periods import Period

COUNTED_ANSWERS = (Answer.YES, Answer.PARTLY, Answer.NO)

# Breakdown name -> the expression (relative to MeasureAnswer) that names each cell.
BREAKDOWNS: dict[str, str] = {
    "team": "conversation__team__code",
    "client_group": "conversation__subject__client_group__code",
    "interviewer": "conversation__interviewer",
    "type": "conversation__type",
}


@dataclass(frozen=True)
class Scope:
    """What a figure covers: a partnership, optionally narrowed to some of its teams."""

    partnership: Partnership
    teams: tuple[Team, ...] = ()

    @property
    def label(self) -> str:
        if not self.teams:
            return self.partnership.name
        return ", ".join(team.name for team in self.teams)


def _population_filter() -> Q:
    """Subject role within the measure's population, for every measure at once."""
    condition = Q(pk__in=[])
    for population, roles in POPULATION_ROLES.items():
        condition |= Q(measure__population=population, conversation__subject_role__in=roles)
    return condition


def counted_answers(*, scope: Scope, first_day, last_day) -> QuerySet:
    """Answers that may count (rule 1), before choosing one per subject."""
    answers = MeasureAnswer.objects.filter(
        _population_filter(),
        conversation__partnership=scope.partnership,
        conversation__status=ConversationStatus.COMPLETED,
        conversation__date_held__gte=first_day,
        conversation__date_held__lte=last_day,
        answer__in=COUNTED_ANSWERS,
    )
    if scope.teams:
        answers = answers.filter(conversation__team__in=scope.teams)
    return answers


def _quarter_case(quarters: Sequence[Period]) -> Case:
    return Case(
        *[
            When(
                conversation__date_held__gte=q.first_day,
                conversation__date_held__lte=q.last_day,
                then=Value(str(q)),
            )
            for q in quarters
        ],
        output_field=CharField(),
    )


def measure_counts(
    *,
    scope: Scope,
    periods: Sequence[Period],
    breakdown: str | None = None,
) -> pd.DataFrame:
    """Numerator and denominator per measure, period and (optionally) breakdown cell.

    ``periods`` must not overlap (e.g. one period, or consecutive quarters). Columns:
    ``measure_code, period, cell, numerator, denominator``; only cells with at least one
    counted answer appear (callers fill in zeros). One query, however many rows.
    """
    periods = sorted(periods, key=lambda p: p.first_day)
    cell = F(BREAKDOWNS[breakdown]) if breakdown else Value("", output_field=CharField())
    answers = counted_answers(
        scope=scope, first_day=periods[0].first_day, last_day=periods[-1].last_day
    ).annotate(period_label=_quarter_case(periods), cell=cell)
    latest = answers.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[
                F("measure_id"),
                F("period_label"),
                F("cell"),
                F("conversation__subject_id"),
                F("conversation__subject_role"),
            ],
            order_by=[
                F("conversation__date_held").desc(),
                F("conversation__completed_at").desc(nulls_last=True),
                F("conversation_id").desc(),
            ],
        )
    ).filter(rank=1)
    # Count in an outer query: aggregating the windowed query directly would group before the
    # window is applied.
    rows = (
        MeasureAnswer.objects.filter(pk__in=latest.values("pk"))
        .annotate(period_label=_quarter_case(periods), cell=cell)
        .values("measure__code", "period_label", "cell")
        .annotate(
            numerator=Count("pk", filter=Q(answer=Answer.YES)),
            denominator=Count("pk"),
        )
        .order_by()
    )
    frame = pd.DataFrame.from_records(
        list(rows),
        columns=["measure__code", "period_label", "cell", "numerator", "denominator"],
    )
    return frame.rename(columns={"measure__code": "measure_code", "period_label": "period"})
