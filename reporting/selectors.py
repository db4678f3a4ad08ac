"""Database questions for reporting. Each returns a small, already aggregated DataFrame.

The counting rules of spec §5 are applied here, in SQL: completed conversations held in the
period, subject role in the measure's population, an actual answer (yes/partly/no); then one
answer per subject and role — the latest by date held, ties broken by the latest sign-off —
chosen with a window function inside each cell of the breakdown; then counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from conversations.models import (
    Answer,
    Conversation,
    ConversationStatus,
    ConversationType,
    MeasureAnswer,
    OutcomeRecord,
    OutcomeStatus,
    Partnership,
    Person,
    Team,
)
from frameworks.equivalence import equivalence_graph
from frameworks.models import POPULATION_ROLES
from frameworks.periods import Period
from reporting.measures import mapping_frame

COUNTED_ANSWERS = (Answer.YES, Answer.PARTLY, Answer.NO)
MEASURE_COUNT_COLUMNS = ["measure_code", "period", "cell", "numerator", "denominator"]

# Breakdown name -> the expression (relative to MeasureAnswer) that names each cell.
BREAKDOWNS: dict[str, str] = {
    "team": "conversation__team__code",
    "client_group": "conversation__subject__client_group__code",
    "interviewer": "conversation__interviewer",
    "type": "conversation__type",
    "answered_by": "conversation__answered_by",
}
# Breakdowns by something about the counted answer itself (who gave it): each person's
# counted answer, their latest, goes in its cell, so the cells add up to the scope's figure.
# The others count each cell on its own (a person's latest answer among the cell's
# conversations: by conversation type, their latest assessment and their latest review).
ANSWER_BREAKDOWNS = frozenset({"answered_by"})


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


def _population_filter(measures: Sequence[dict] | None = None) -> Q:
    """Subject role within the measure's population, for every measure at once.

    With ``measures`` (dicts with ``pk`` and ``population``) the condition names measure ids
    instead of joining the measures table: PostgreSQL keeps no statistics for a table of four
    rows that autovacuum never analyses, and a join it cannot estimate turns the count into
    millions of index probes."""
    condition = Q(pk__in=[])
    for population, roles in POPULATION_ROLES.items():
        if measures is None:
            condition |= Q(measure__population=population, conversation__subject_role__in=roles)
            continue
        ids = [m["pk"] for m in measures if m["population"] == population]
        if ids:
            condition |= Q(measure_id__in=ids, conversation__subject_role__in=roles)
    return condition


def counted_answers(
    *, scope: Scope, first_day, last_day, measures: Sequence[dict] | None = None
) -> QuerySet:
    """Answers that may count (rule 1), before choosing one per subject. ``measures``: see
    ``_population_filter``."""
    answers = MeasureAnswer.objects.filter(
        _population_filter(measures),
        conversation__partnership=scope.partnership,
        conversation__status=ConversationStatus.COMPLETED,
        conversation__date_held__gte=first_day,
        conversation__date_held__lte=last_day,
        answer__in=COUNTED_ANSWERS,
    )
    if scope.teams:
        answers = answers.filter(conversation__team__in=scope.teams)
    return answers


def _quarter_case(quarters: Sequence[Period]) -> Case | Value:
    if len(quarters) == 1:
        # Callers keep only the period's days, so every row is in it: a constant, which the
        # database leaves out of the window's sort (a sixth faster counting a year at 1M).
        return Value(str(quarters[0]), output_field=CharField())
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


def _count_rows(latest: Sequence[QuerySet], *, measure: str) -> list[tuple]:
    """``index, <measure>, period_label, cell, numerator, denominator`` over the rows of each
    of ``latest`` (window-filtered ``values()`` queries; ``index`` says which), in one query.
    The ORM would group before the window is applied, and filtering answers by the ids it
    picks joins every picked answer and conversation a second time; so the GROUP BY wraps the
    compiled queries instead."""
    connection = connections[latest[0].db]
    qn = connection.ops.quote_name
    measure_column, period, cell, answer = map(qn, (measure, "period_label", "cell", "answer"))
    parts, params = [], []
    for index, query in enumerate(latest):
        sql, sql_params = query.query.sql_with_params()
        alias = qn(f"latest_{index}")
        parts.append(
            f"SELECT {index} AS {qn('part')}, {alias}.{measure_column} AS {measure_column}, "
            f"{alias}.{period} AS {period}, {alias}.{cell} AS {cell}, "
            f"{alias}.{answer} AS {answer} FROM ({sql}) {alias}"
        )
        params += sql_params
    columns = f"{qn('part')}, {measure_column}, {period}, {cell}"
    counting = (
        f"SELECT {columns}, SUM(CASE WHEN {answer} = %s THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM ({' UNION ALL '.join(parts)}) {qn('latest')} GROUP BY {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(counting, (Answer.YES, *params))
        return cursor.fetchall()


def runs_of_days(periods: Sequence[Period]) -> list[tuple[date, date]]:
    """The days of ``periods`` (sorted, not overlapping) as runs of consecutive days."""
    runs: list[tuple[date, date]] = []
    for period in periods:
        if runs and (period.first_day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], period.last_day)
        else:
            runs.append((period.first_day, period.last_day))
    return runs


def latest_answers(
    *,
    scope: Scope,
    periods: Sequence[Period],
    cell,
    measures: Sequence[dict] | None = None,
    by_team: bool = False,
    within_cell: bool = True,
) -> QuerySet:
    """The answers that count (rules 1 and 2) as rows ``measure_id`` (or ``measure__code``
    without ``measures``), ``period_label``, ``cell``, ``answer`` (and ``team``, the
    conversation's team id, with ``by_team``): one per subject and role in each period and
    cell (and team), the latest. Without ``within_cell``, the latest in each period (and
    team) whatever its cell, in its cell (``ANSWER_BREAKDOWNS``). ``periods`` must not
    overlap."""
    key = "measure__code" if measures is None else "measure_id"
    periods = sorted(periods, key=lambda p: p.first_day)
    answers = counted_answers(
        scope=scope,
        first_day=periods[0].first_day,
        last_day=periods[-1].last_day,
        measures=measures,
    ).annotate(period_label=_quarter_case(periods), cell=cell)
    runs = runs_of_days(periods)
    if len(runs) > 1:  # e.g. a stale quarter and the one under way: not the quarters between
        held = Q(pk__in=[])
        for first_day, last_day in runs:
            held |= Q(conversation__date_held__gte=first_day, conversation__date_held__lte=last_day)
        answers = answers.filter(held)
    partition = [F("measure_id"), F("period_label"), *([F("cell")] if within_cell else [])]
    columns = [key, "period_label", "cell", "answer"]
    if by_team:
        answers = answers.annotate(team=F("conversation__team_id"))
        partition.append(F("team"))
        columns.append("team")
    return (
        answers.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[
                    *partition,
                    F("conversation__subject_id"),
                    F("conversation__subject_role"),
                ],
                order_by=[
                    F("conversation__date_held").desc(),
                    F("conversation__completed_at").desc(nulls_last=True),
                    F("conversation_id").desc(),
                ],
            )
        )
        .filter(rank=1)
        .values(*columns)
        .order_by()
    )


def measure_counts(
    *,
    scope: Scope,
    periods: Sequence[Period],
    breakdown: str | None = None,
    measures: Sequence[dict] | None = None,
) -> pd.DataFrame:
    """Numerator and denominator per measure, period and (optionally) breakdown cell.

    ``periods`` must not overlap (e.g. one period, or consecutive quarters). Columns:
    ``measure_code, period, cell, numerator, denominator``; only cells with at least one
    counted answer appear (callers fill in zeros). ``measures``: every measure as a dict with
    ``pk``, ``code`` and ``population``, when the caller has them already (the count then
    needs no join to the measures table, see ``_population_filter``).

    Periods that are over are read from the count summaries (``reporting.summary``) where
    they are built; the others (under way, or stale after a write until the scheduled
    rebuild), and scopes of several teams, are counted live (``live_measure_counts``). One
    query for each, however many rows.
    """
    return breakdown_counts(
        scope=scope, periods=periods, breakdowns=[breakdown], measures=measures
    )[breakdown]


def breakdown_counts(
    *,
    scope: Scope,
    periods: Sequence[Period],
    breakdowns: Sequence[str | None],
    measures: Sequence[dict] | None = None,
) -> dict[str | None, pd.DataFrame]:
    """``measure_counts`` for several breakdowns (None: none) at once, by breakdown: still one
    query for what is kept and one for what is counted live."""
    from reporting import summary

    return summary.breakdown_counts(
        scope=scope, periods=periods, breakdowns=breakdowns, measures=measures
    )


def live_measure_counts(
    *,
    scope: Scope,
    periods: Sequence[Period],
    breakdown: str | None = None,
    measures: Sequence[dict] | None = None,
) -> pd.DataFrame:
    """``measure_counts`` counted from the conversations themselves. One query."""
    return live_breakdown_counts(
        scope=scope, periods=periods, breakdowns=[breakdown], measures=measures
    )[breakdown]


def live_breakdown_counts(
    *,
    scope: Scope,
    periods: Sequence[Period],
    breakdowns: Sequence[str | None],
    measures: Sequence[dict] | None = None,
) -> dict[str | None, pd.DataFrame]:
    """``breakdown_counts`` counted from the conversations themselves: one query, the
    breakdowns' window queries under one GROUP BY (``_count_rows``)."""
    key = "measure__code" if measures is None else "measure_id"
    code_of = None if measures is None else {m["pk"]: m["code"] for m in measures}
    latest = [
        latest_answers(
            scope=scope,
            periods=periods,
            cell=F(BREAKDOWNS[breakdown]) if breakdown else Value("", output_field=CharField()),
            measures=measures,
            within_cell=breakdown not in ANSWER_BREAKDOWNS,
        )
        for breakdown in breakdowns
    ]
    rows: dict[str | None, list[tuple]] = {breakdown: [] for breakdown in breakdowns}
    for index, measure, period, cell, yes, counted in _count_rows(latest, measure=key):
        rows[breakdowns[index]].append(
            (code_of[measure] if code_of else measure, period, cell, int(yes), int(counted))
        )
    return {
        breakdown: pd.DataFrame.from_records(found, columns=MEASURE_COUNT_COLUMNS)
        for breakdown, found in rows.items()
    }


# --- Outcomes at review: targets and the words behind a figure -------------------------------

RATED_STATUSES = ("achieved", "partly_achieved", "not_achieved")


def outcome_families(codes: Sequence[str]) -> dict[str, frozenset[int]]:
    """``code -> ids of every outcome counted as that code`` (``EquivalenceGraph.family``):
    so ``having_a_say`` also finds users 2007 ``choice``. An unknown code maps to an empty
    set. The graph is read once per request."""
    return equivalence_graph().families(codes)


def completed_reviews(*, scope: Scope, period: Period) -> QuerySet:
    """Signed-off reviews held in ``period`` within ``scope``."""
    from conversations.models import Conversation, ConversationType

    reviews = Conversation.objects.filter(
        partnership=scope.partnership,
        status=ConversationStatus.COMPLETED,
        type=ConversationType.REVIEW,
        date_held__gte=period.first_day,
        date_held__lte=period.last_day,
    )
    if scope.teams:
        reviews = reviews.filter(team__in=scope.teams)
    return reviews


def outcome_achieved_rate(
    *, scope: Scope, period: Period, outcome_codes: Sequence[str]
) -> pd.DataFrame:
    """Each outcome's ``achieved`` rate at review (spec §6): of the outcome records rated
    achieved, partly or not achieved in completed reviews held in the period within the
    scope, how many were achieved. Outcomes of earlier versions count through
    ``OutcomeEquivalence`` (users 2007 ``choice`` counts as ``having_a_say``), as on the
    dashboard. Columns ``outcome_code, numerator, denominator``, one row per code asked for
    (zeros when nothing counted). Unsuppressed: callers apply disclosure control. Three
    queries, however many codes.
    """
    from conversations.models import OutcomeRecord
    from reporting import summary

    families = outcome_families(outcome_codes)
    kept = summary.outcome_status_counts(
        scope=scope, first_day=period.first_day, last_day=period.last_day
    )
    if kept is not None:
        return _achieved_rates(families, kept)
    aggregates: dict[str, Count] = {}
    for index, code in enumerate(families):
        mine = Q(outcome_id__in=families[code])
        aggregates[f"denominator_{index}"] = Count("pk", filter=mine)
        aggregates[f"numerator_{index}"] = Count("pk", filter=mine & Q(status="achieved"))
    counts = (
        OutcomeRecord.objects.filter(
            conversation__in=completed_reviews(scope=scope, period=period),
            status__in=RATED_STATUSES,
        ).aggregate(**aggregates)
        if aggregates
        else {}
    )
    return pd.DataFrame(
        [
            {
                "outcome_code": code,
                "numerator": counts.get(f"numerator_{index}") or 0,
                "denominator": counts.get(f"denominator_{index}") or 0,
            }
            for index, code in enumerate(families)
        ],
        columns=["outcome_code", "numerator", "denominator"],
    )


def _achieved_rates(families: dict[str, frozenset[int]], counts: pd.DataFrame) -> pd.DataFrame:
    """``outcome_achieved_rate`` from ``outcome_id, status, count`` rows."""
    rows = []
    for code, ids in families.items():
        mine = counts[counts["outcome_id"].isin(ids)]
        rows.append(
            {
                "outcome_code": code,
                "numerator": int(mine.loc[mine["status"] == "achieved", "count"].sum()),
                "denominator": int(mine.loc[mine["status"].isin(RATED_STATUSES), "count"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=["outcome_code", "numerator", "denominator"])


def records_behind_figure(
    *,
    scope: Scope,
    period: Period,
    outcome_code: str = "",
    status: str = "",
    barrier_code: str = "",
    reader=None,
) -> QuerySet:
    """The outcome records in completed conversations held in ``period`` within ``scope``
    that make up a figure: an outcome's records with ``status`` at review (completed reviews
    only), and/or the records carrying a barrier code (any completed conversation). The
    outcome is mapped across versions through ``OutcomeEquivalence``. Newest first.

    ``reader``: a user; the records come only from conversations they may read.

    The conditions are on the joined conversation, so PostgreSQL walks the scope's
    conversations of the period newest first (the ``conv_scope_date`` index, or
    ``conv_team_date`` for teams) and stops at a page; a barrier is a semi-join on each
    record's barriers by the barrier's id. The query never starts from every record carrying
    the barrier in every partnership."""
    from conversations.models import OutcomeRecord
    from conversations.models.records import readable_by
    from frameworks.models import BarrierCode

    held = Q(
        conversation__status=ConversationStatus.COMPLETED,
        conversation__date_held__gte=period.first_day,
        conversation__date_held__lte=period.last_day,
    )
    # A scope's teams are its partnership's, so the partnership is not asked again: with
    # both, PostgreSQL takes them as independent, expects a handful of conversations, and
    # sorts them all instead of walking the team's newest first (120 ms against 7 at 1M).
    if scope.teams:
        held &= Q(conversation__team__in=scope.teams)
    else:
        held &= Q(conversation__partnership=scope.partnership)
    records = OutcomeRecord.objects.filter(held)
    if reader is not None:
        records = records.filter(readable_by(reader, via="conversation__"))
    if outcome_code:
        records = records.filter(outcome_id__in=outcome_families([outcome_code])[outcome_code])
    if status:
        records = records.filter(status=status, conversation__type="review")
    if barrier_code:
        carrying = OutcomeRecord.barriers.through.objects.filter(
            outcomerecord_id=OuterRef("pk"),
            barriercode_id=Subquery(BarrierCode.objects.filter(code=barrier_code).values("pk")),
        )
        records = records.filter(Exists(carrying))
    return records.order_by(
        "-conversation__date_held", "-conversation__completed_at", "-conversation_id", "pk"
    )


def figure_record_count(
    *,
    scope: Scope,
    period: Period,
    outcome_code: str = "",
    status: str = "",
    barrier_code: str = "",
    reader=None,
) -> int:
    """How many records ``records_behind_figure`` lists with the same arguments. For a
    period that is over, read from its count summary (``reporting.summary``) when that is
    built and fresh and the reader may read every conversation of the scope, since the kept
    counts know nothing of readers; otherwise, and for a figure the summaries do not keep,
    counted live."""
    from reporting import summary

    if _reads_all_of(scope, reader):
        kept = summary.figure_record_count(
            scope=scope,
            period=period,
            outcome_ids=outcome_families([outcome_code])[outcome_code] if outcome_code else None,
            status=status,
            barrier_code=barrier_code,
        )
        if kept is not None:
            return kept
    return records_behind_figure(
        scope=scope,
        period=period,
        outcome_code=outcome_code,
        status=status,
        barrier_code=barrier_code,
        reader=reader,
    ).count()


def _reads_all_of(scope: Scope, reader) -> bool:
    """Whether ``readable_by(reader)`` lets through every conversation of ``scope``: the
    reader leads its partnership, or works in each of its teams."""
    from conversations.models.organisation import scope_of

    if reader is None:
        return True
    if not reader.is_authenticated:
        return False
    mine = scope_of(reader)
    if scope.partnership.pk in mine.lead_partnership_ids:
        return True
    return bool(scope.teams) and all(team.pk in mine.team_ids for team in scope.teams)


# --- the dashboard: outcomes at review, barriers, coverage ----------------------------------


def signed_off_in_scope(scope: Scope, *, first_day: date, last_day: date, prefix: str) -> Q:
    """Completed conversations of the scope held between two days (inclusive), as a filter
    on a model that reaches the conversation through ``prefix`` (e.g. ``conversation__``).
    Partnership, status and date come first so the ``conv_scope_date`` index can answer."""
    condition = Q(
        **{
            f"{prefix}partnership": scope.partnership,
            f"{prefix}status": ConversationStatus.COMPLETED,
            f"{prefix}date_held__gte": first_day,
            f"{prefix}date_held__lte": last_day,
        }
    )
    if scope.teams:
        condition &= Q(**{f"{prefix}team__in": scope.teams})
    return condition


def outcome_mapping() -> pd.DataFrame:
    """Every published outcome and where it is counted in the newest version of its framework
    (``reporting.measures.MAPPING_COLUMNS``), from the equivalence graph (read once per
    request)."""
    return mapping_frame(equivalence_graph())


ACHIEVEMENT_STATUSES = (
    OutcomeStatus.ACHIEVED,
    OutcomeStatus.PARTLY_ACHIEVED,
    OutcomeStatus.NOT_ACHIEVED,
)


def outcome_achievement(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``live_outcome_achievement``, read from the count summaries (``reporting.summary``)
    when the days are a period that is over."""
    from reporting import summary

    kept = summary.outcome_status_counts(scope=scope, first_day=first_day, last_day=last_day)
    if kept is not None:
        return kept
    return live_outcome_achievement(scope=scope, first_day=first_day, last_day=last_day)


def live_outcome_achievement(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """Statuses at review in completed reviews held in the period: ``outcome_id, status,
    count`` (outcome records; "not applicable" and blank left out). One GROUP BY query; the
    outcomes are the recorded framework version's — map them with ``outcome_mapping``."""
    rows = (
        OutcomeRecord.objects.filter(
            signed_off_in_scope(
                scope, first_day=first_day, last_day=last_day, prefix="conversation__"
            ),
            conversation__type=ConversationType.REVIEW,
            status__in=ACHIEVEMENT_STATUSES,
        )
        .values("outcome_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return pd.DataFrame.from_records(list(rows), columns=["outcome_id", "status", "count"])


def barrier_counts(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``live_barrier_counts``, read from the count summaries (``reporting.summary``)
    when the days are a period that is over."""
    from reporting import summary

    kept = summary.barrier_code_counts(scope=scope, first_day=first_day, last_day=last_day)
    if kept is not None:
        return kept
    return live_barrier_counts(scope=scope, first_day=first_day, last_day=last_day)


def live_barrier_counts(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """How often each barrier was recorded against each outcome in completed conversations
    (any type) held in the period: ``outcome_id, barrier, count`` (outcome records). One
    GROUP BY query on the barriers table."""
    through = OutcomeRecord.barriers.through
    rows = (
        through.objects.filter(
            signed_off_in_scope(
                scope,
                first_day=first_day,
                last_day=last_day,
                prefix="outcomerecord__conversation__",
            )
        )
        .values("outcomerecord__outcome_id", "barriercode__code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return pd.DataFrame.from_records(
        list(rows), columns=["outcomerecord__outcome_id", "barriercode__code", "count"]
    ).rename(columns={"outcomerecord__outcome_id": "outcome_id", "barriercode__code": "barrier"})


def barrier_records(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``live_barrier_records``, read from the count summaries (``reporting.summary``)
    when the days are a period that is over."""
    from reporting import summary

    kept = summary.barrier_record_counts(scope=scope, first_day=first_day, last_day=last_day)
    if kept is not None:
        return kept
    return live_barrier_records(scope=scope, first_day=first_day, last_day=last_day)


def live_barrier_records(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """How many outcome records name at least one barrier, per outcome, in completed
    conversations (any type) held in the period: ``outcome_id, count``. The denominator of
    the barrier counts (a record naming two barriers counts once). One GROUP BY query."""
    through = OutcomeRecord.barriers.through
    with_barrier = through.objects.filter(outcomerecord=OuterRef("pk"))
    rows = (
        OutcomeRecord.objects.filter(
            signed_off_in_scope(
                scope, first_day=first_day, last_day=last_day, prefix="conversation__"
            ),
            Exists(with_barrier),
        )
        .values("outcome_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return pd.DataFrame.from_records(list(rows), columns=["outcome_id", "count"])


def people_without_review(*, scope: Scope, since: date, until: date) -> QuerySet[Person]:
    """People allocated to the scope's teams (or anyone in the partnership, for a partnership
    scope) with no completed review held from ``since`` to ``until`` (inclusive), in any team,
    ordered by reference. Annotates ``last_review``: the date of their latest completed review
    up to ``until``, or None.

    The "no review" test is an anti-join on the ``conv_subject_date`` index, and
    ``last_review`` is a correlated lookup on the same index that the database only evaluates
    for the rows actually fetched (a page), so neither scans every conversation.
    """
    reviews = Conversation.objects.filter(
        subject=OuterRef("pk"),
        status=ConversationStatus.COMPLETED,
        type=ConversationType.REVIEW,
    )
    people = Person.objects.filter(partnership=scope.partnership)
    if scope.teams:
        allocated = Person.teams.through.objects.filter(team__in=scope.teams)
        people = people.filter(pk__in=allocated.values("person_id"))
    return (
        people.filter(~Exists(reviews.filter(date_held__gte=since, date_held__lte=until)))
        .annotate(
            last_review=Subquery(
                reviews.filter(date_held__lte=until).order_by("-date_held").values("date_held")[:1]
            )
        )
        .order_by("ref", "pk")
    )


# --- targets: outcomes rated at review, per team and quarter ---------------------------------


def rated_outcome_counts(*, partnership: Partnership, quarters: Sequence[Period]) -> pd.DataFrame:
    """Outcome records rated achieved, partly or not achieved at review (spec §6), in
    completed reviews of the partnership held in ``quarters`` (which must not overlap): columns
    ``team, period, outcome_id, achieved, rated``, one row per team, quarter and outcome with
    any. Records are counted, not people, so a year or the whole partnership is the sum of its
    quarters or teams: every outcome target of a partnership is answered by this one query."""
    quarters = sorted(set(quarters), key=lambda q: q.first_day)
    if not quarters:
        return pd.DataFrame(columns=["team", "period", "outcome_id", "achieved", "rated"])
    rows = (
        OutcomeRecord.objects.filter(
            conversation__partnership=partnership,
            conversation__status=ConversationStatus.COMPLETED,
            conversation__type=ConversationType.REVIEW,
            conversation__date_held__gte=quarters[0].first_day,
            conversation__date_held__lte=quarters[-1].last_day,
            status__in=RATED_STATUSES,
        )
        .annotate(period=_quarter_case(quarters))
        .values("conversation__team__code", "period", "outcome_id")
        .annotate(achieved=Count("pk", filter=Q(status=OutcomeStatus.ACHIEVED)), rated=Count("pk"))
        .order_by()
    )
    return pd.DataFrame.from_records(
        [
            (r["conversation__team__code"], r["period"], r["outcome_id"], r["achieved"], r["rated"])
            for r in rows
            if r["period"] is not None
        ],
        columns=["team", "period", "outcome_id", "achieved", "rated"],
    )
