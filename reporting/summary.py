"""Count summaries: what periods that are over already know (issue 9).

A period that is over (its last day before today) changes only when a conversation held in it
is signed off, reopened, edited after sign-off, imported or deleted. Its counts are kept per
partnership, team, period, breakdown and measure or outcome (``reporting.models``) and read
instead of counting again. Counts only: percentages, intervals, suppression and targets are
worked out from them by ``reporting.measures`` exactly as from live counts.

Never served stale:

- every write that changes a period's figures marks its ``CountSummary`` stale in the writing
  transaction (``summaries_stale``, called by the receivers in ``reporting.signals``). The mark
  is an upsert of the summary's row, so it waits for a rebuild of that row that is under way
  and a rebuild that starts later waits for the writer to commit;
- a read takes only rows of summaries marked built, in the same statement as the mark; a
  period whose summary is missing or stale is counted live for that read, for the scope and
  breakdown asked for only (a year's outcome and barrier counts: its kept quarters, and the
  stale quarter live). A read never rebuilds (nor writes, nor waits for a lock): a late
  sign-off costs its next readers a live count (about what every read cost before the
  summaries), not the rebuild of every team and breakdown of the period;
- ``summaries_rebuild(stale_only=True)`` (``manage.py rebuild_summaries --stale``, run by a
  scheduler every few minutes) rebuilds what is missing or stale, out of any request;
- periods not yet over, and scopes the summary does not hold (several teams but not the
  whole partnership, for the measures), are always counted live.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db import connections, router, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from conversations.models import (
    Answer,
    Conversation,
    ConversationStatus,
    ConversationType,
    OutcomeRecord,
    Partnership,
    Team,
)
from frameworks.models import BarrierCode, ClientGroup, Measure
from frameworks.periods import Period
from reporting import selectors
from reporting.models import BarrierCount, CountSummary, MeasureCount, OutcomeCount

# The breakdowns kept for the partnership and for each team, and how a kept row names its
# cell. A team breakdown of the partnership is its teams' whole rows.
KEPT_BREAKDOWNS: dict[str, object] = {
    "": Value("", output_field=CharField()),
    "client_group": F("conversation__subject__client_group_id"),
    "interviewer": F("conversation__interviewer"),
    "type": F("conversation__type"),
    "answered_by": F("conversation__answered_by"),
}


def _today() -> date:
    return timezone.localdate()


def kept_period(first_day: date, last_day: date, *, today: date | None = None) -> Period | None:
    """The quarter or financial year running from ``first_day`` to ``last_day``, when it is
    over (so its counts may be kept); otherwise None."""
    today = today or _today()
    for period in (Period.quarter_containing(first_day), Period.year_containing(first_day)):
        if (period.first_day, period.last_day) == (first_day, last_day):
            return period if period.is_over(today) else None
    return None


# --- marking stale ----------------------------------------------------------------------------


def periods_of(day: date) -> tuple[Period, Period]:
    return Period.quarter_containing(day), Period.year_containing(day)


def summaries_stale(*, changes: Iterable[tuple[int, date]]) -> int:
    """Mark stale the summaries a write changes: for each ``(partnership_id, date_held)`` of a
    conversation written (before and after), its quarter and financial year. Call it inside
    the writing transaction. Periods ending after today are never kept and are skipped; one
    ending today is marked too, since a reader after midnight may count it as over before
    this transaction commits. Returns how many summaries were marked (one query, none when
    nothing is kept)."""
    today = _today()
    keys: set[tuple[int, str]] = set()
    for partnership_id, day in changes:
        if partnership_id is None or day is None or day > today:
            continue  # a period holding a day still to come is not over (nor, for a draft
            # dated in year 9999, can its end be worked out)
        for period in periods_of(day):
            if period.last_day <= today:
                keys.add((partnership_id, str(period)))
    if not keys:
        return 0
    # Sorted, so that writers take the rows' locks in one order.
    CountSummary.objects.bulk_create(
        [CountSummary(partnership_id=p, period=label, built=False) for p, label in sorted(keys)],
        update_conflicts=True,
        unique_fields=["partnership", "period"],
        update_fields=["built"],
    )
    return len(keys)


def summaries_all_stale() -> int:
    """Mark every summary stale: after a change to what counting means (a measure's
    population). On PostgreSQL the table is locked first, so that no rebuild under way can
    commit counts made the old way after this."""
    using = router.db_for_write(CountSummary)
    connection = connections[using]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(CountSummary._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    return CountSummary.objects.using(using).filter(built=True).update(built=False)


# --- building -------------------------------------------------------------------------------


def _period_case(periods: Sequence[Period], day: str) -> Case:
    return Case(
        *[
            When(**{f"{day}__gte": p.first_day, f"{day}__lte": p.last_day}, then=Value(str(p)))
            for p in periods
        ],
        output_field=CharField(),
    )


def _in_periods(prefix: str, partnership: Partnership, periods: Sequence[Period]) -> Q:
    return Q(
        **{
            f"{prefix}partnership": partnership,
            f"{prefix}status": ConversationStatus.COMPLETED,
            f"{prefix}date_held__gte": periods[0].first_day,
            f"{prefix}date_held__lte": periods[-1].last_day,
        }
    )


def _measure_rows(partnership: Partnership, periods: Sequence[Period], measures: list[dict]):
    """``team, breakdown, measure_id, period_label, cell, client_group, numerator,
    denominator`` for the partnership (team NULL) and each team, whole and by every kept
    breakdown: the window queries of ``selectors.latest_answers`` under one GROUP BY."""
    connection = connections[router.db_for_read(MeasureCount)]
    qn = connection.ops.quote_name
    null = "CAST(NULL AS INTEGER)"
    scope = selectors.Scope(partnership)
    parts, params = [], []
    for by_team in (True, False):
        for breakdown, cell in KEPT_BREAKDOWNS.items():
            latest = selectors.latest_answers(
                scope=scope,
                periods=periods,
                cell=cell,
                measures=measures,
                by_team=by_team,
                within_cell=breakdown not in selectors.ANSWER_BREAKDOWNS,
            )
            sql, sql_params = latest.query.sql_with_params()
            alias = qn(f"latest_{len(parts)}")
            team = f"{alias}.{qn('team')}" if by_team else null
            if breakdown == "client_group":
                cell_sql, group_sql = "''", f"{alias}.{qn('cell')}"
            else:
                cell_sql, group_sql = f"{alias}.{qn('cell')}", null
            parts.append(
                f"SELECT {team} AS {qn('team')}, %s AS {qn('breakdown')}, "
                f"{alias}.{qn('measure_id')} AS {qn('measure_id')}, "
                f"{alias}.{qn('period_label')} AS {qn('period_label')}, "
                f"{cell_sql} AS {qn('cell')}, {group_sql} AS {qn('client_group')}, "
                f"{alias}.{qn('answer')} AS {qn('answer')} FROM ({sql}) {alias}"
            )
            params += [breakdown, *sql_params]
    columns = ", ".join(
        qn(c) for c in ("team", "breakdown", "measure_id", "period_label", "cell", "client_group")
    )
    counting = (
        f"SELECT {columns}, SUM(CASE WHEN {qn('answer')} = %s THEN 1 ELSE 0 END), COUNT(*) "
        f"FROM ({' UNION ALL '.join(parts)}) {qn('kept')} GROUP BY {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(counting, (Answer.YES, *params))
        return cursor.fetchall()


def _outcome_rows(partnership: Partnership, periods: Sequence[Period]) -> QuerySet:
    return (
        OutcomeRecord.objects.filter(
            _in_periods("conversation__", partnership, periods),
            conversation__type=ConversationType.REVIEW,
            status__in=selectors.ACHIEVEMENT_STATUSES,
        )
        .annotate(period_label=_period_case(periods, "conversation__date_held"))
        .values_list("period_label", "conversation__team_id", "outcome_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )


def _barrier_rows(partnership: Partnership, periods: Sequence[Period]) -> QuerySet:
    through = OutcomeRecord.barriers.through
    return (
        through.objects.filter(_in_periods("outcomerecord__conversation__", partnership, periods))
        .annotate(period_label=_period_case(periods, "outcomerecord__conversation__date_held"))
        .values_list(
            "period_label",
            "outcomerecord__conversation__team_id",
            "outcomerecord__outcome_id",
            "barriercode_id",
        )
        .annotate(count=Count("pk"))
        .order_by()
    )


def _records_with_barrier_rows(partnership: Partnership, periods: Sequence[Period]) -> QuerySet:
    through = OutcomeRecord.barriers.through
    return (
        OutcomeRecord.objects.filter(
            _in_periods("conversation__", partnership, periods),
            Exists(through.objects.filter(outcomerecord=OuterRef("pk"))),
        )
        .annotate(period_label=_period_case(periods, "conversation__date_held"))
        .values_list("period_label", "conversation__team_id", "outcome_id")
        .annotate(count=Count("pk"))
        .order_by()
    )


def _lock(partnership_id: int, labels: Sequence[str]) -> dict[str, tuple[int, bool, bool]]:
    """Create the summaries' rows where missing and lock them (an upsert locks the row on
    PostgreSQL; SQLite has one writer at a time). ``label -> (id, built, ever built)``."""
    connection = connections[router.db_for_write(CountSummary)]
    qn = connection.ops.quote_name
    table = qn(CountSummary._meta.db_table)
    partnership, period, built, built_at = map(
        qn, ("partnership_id", "period", "built", "built_at")
    )
    values = ", ".join(["(%s, %s, %s)"] * len(labels))
    sql = (
        f"INSERT INTO {table} ({partnership}, {period}, {built}) VALUES {values} "
        f"ON CONFLICT ({partnership}, {period}) DO UPDATE SET {period} = EXCLUDED.{period} "
        f"RETURNING {qn('id')}, {period}, {built}, {built_at}"
    )
    params = [value for label in labels for value in (partnership_id, label, False)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {label: (pk, bool(done), at is not None) for pk, label, done, at in cursor}


def _build(partnership: Partnership, periods: Sequence[Period], *, force: bool = False) -> None:
    """Count ``periods`` (which must not overlap) of ``partnership`` and keep the counts,
    replacing any kept before. Without ``force``, summaries found built once locked (by
    another request meanwhile) are left as they are."""
    periods = sorted(periods, key=lambda p: p.first_day)
    state = _lock(partnership.pk, sorted(str(p) for p in periods))
    if not force:
        periods = [p for p in periods if not state[str(p)][1]]
        if not periods:
            return
    ids = {str(p): state[str(p)][0] for p in periods}
    previously = [ids[label] for label in ids if state[label][2]]
    if previously:
        for model in (MeasureCount, OutcomeCount, BarrierCount):
            model.objects.filter(summary_id__in=previously).delete()
    measures = list(Measure.objects.values("pk", "code", "population"))
    MeasureCount.objects.bulk_create(
        MeasureCount(
            summary_id=ids[label],
            team_id=team,
            breakdown=breakdown,
            measure_id=measure,
            cell=cell,
            client_group_id=client_group,
            numerator=int(yes),
            denominator=int(counted),
        )
        for team, breakdown, measure, label, cell, client_group, yes, counted in _measure_rows(
            partnership, periods, measures
        )
        if label in ids
    )
    OutcomeCount.objects.bulk_create(
        OutcomeCount(
            summary_id=ids[label], team_id=team, outcome_id=outcome, status=status, count=n
        )
        for label, team, outcome, status, n in _outcome_rows(partnership, periods)
        if label in ids
    )
    BarrierCount.objects.bulk_create(
        [
            *(
                BarrierCount(
                    summary_id=ids[label], team_id=team, outcome_id=outcome, barrier_id=b, count=n
                )
                for label, team, outcome, b, n in _barrier_rows(partnership, periods)
                if label in ids
            ),
            *(
                BarrierCount(summary_id=ids[label], team_id=team, outcome_id=outcome, count=n)
                for label, team, outcome, n in _records_with_barrier_rows(partnership, periods)
                if label in ids
            ),
        ]
    )
    CountSummary.objects.filter(pk__in=ids.values()).update(built=True, built_at=timezone.now())


# --- reading --------------------------------------------------------------------------------


def _table(model) -> str:
    return connections[router.db_for_read(model)].ops.quote_name(model._meta.db_table)


def _read(sql: str, params: Sequence) -> list[tuple]:
    with connections[router.db_for_read(CountSummary)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _kept_measure_part(
    scope: selectors.Scope, breakdown: str | None, index: int
) -> tuple[str, list]:
    """The SELECT of ``_kept_measure_rows`` for one breakdown, tagged with ``index`` (the
    periods' placeholders left as ``{labels}``), and its first parameters."""
    team = scope.teams[0] if scope.teams else None
    if team is not None:
        in_team, team_params = "r.team_id = %s", [team.pk]
    else:
        in_team = "r.team_id IS NOT NULL" if breakdown == "team" else "r.team_id IS NULL"
        team_params = []
    cell = {"team": "t.code", "client_group": "g.code"}.get(breakdown or "", "r.cell")
    sql = (
        f"SELECT {int(index)} AS part, s.period, r.measure_id, m.code, {cell}, r.numerator, "
        f"r.denominator FROM {_table(CountSummary)} s "
        f"LEFT JOIN {_table(MeasureCount)} r "
        f"ON r.summary_id = s.id AND {in_team} AND r.breakdown = %s "
        f"LEFT JOIN {_table(Team)} t ON t.id = r.team_id "
        f"LEFT JOIN {_table(ClientGroup)} g ON g.id = r.client_group_id "
        f"LEFT JOIN {_table(Measure)} m ON m.id = r.measure_id "
        "WHERE s.partnership_id = %s AND s.built = %s AND s.period IN ({labels})"
    )
    kept_breakdown = "" if breakdown in (None, "team") else breakdown
    return sql, [*team_params, kept_breakdown]


def _kept_measure_rows(
    scope: selectors.Scope,
    periods: Sequence[Period],
    breakdowns: Sequence[str | None],
    measures: Sequence[dict] | None,
) -> tuple[dict[str | None, list[tuple]], set[str]]:
    """The kept rows answering ``measure_counts`` for each of ``breakdowns``, for built
    summaries among ``periods``, and the labels of those summaries. One query: the built mark
    and the rows are read together (a LEFT JOIN, so a built summary with nothing counted still
    says it is built)."""
    labels_in = ", ".join(["%s"] * len(periods))
    parts, params = [], []
    for index, breakdown in enumerate(breakdowns):
        sql, part_params = _kept_measure_part(scope, breakdown, index)
        parts.append(sql.format(labels=labels_in))
        params += [*part_params, scope.partnership.pk, True, *map(str, periods)]
    code_of = None if measures is None else {m["pk"]: m["code"] for m in measures}
    found: dict[str | None, list[tuple]] = {breakdown: [] for breakdown in breakdowns}
    labels: set[str] = set()
    for index, period, measure_id, code, cell_value, numerator, denominator in _read(
        " UNION ALL ".join(parts), params
    ):
        labels.add(period)
        if measure_id is None:
            continue
        code = code_of[measure_id] if code_of else code
        found[breakdowns[index]].append(
            (code, period, cell_value, int(numerator), int(denominator))
        )
    return found, labels


def breakdown_counts(
    *,
    scope: selectors.Scope,
    periods: Sequence[Period],
    breakdowns: Sequence[str | None],
    measures: Sequence[dict] | None = None,
) -> dict[str | None, pd.DataFrame]:
    """``selectors.breakdown_counts``: periods that are over from their built summaries, the
    rest (under way, or over but missing or stale) counted live, in one more query. A scope of
    one team or the whole partnership is kept; a scope of several teams is counted live."""
    today = _today()
    periods = list(periods)
    breakdowns = list(dict.fromkeys(breakdowns))
    kept = [p for p in periods if p.is_over(today)] if len(scope.teams) <= 1 else []
    rows: dict[str | None, list[tuple]] = {breakdown: [] for breakdown in breakdowns}
    if kept:
        rows, built = _kept_measure_rows(scope, kept, breakdowns, measures)
        kept = [p for p in kept if str(p) in built]
    frames = {
        breakdown: pd.DataFrame.from_records(found, columns=selectors.MEASURE_COUNT_COLUMNS)
        for breakdown, found in rows.items()
    }
    live = [p for p in periods if p not in kept]
    if not live:
        return frames
    counted = selectors.live_breakdown_counts(
        scope=scope, periods=live, breakdowns=breakdowns, measures=measures
    )
    return {
        breakdown: counted[breakdown]
        if frame.empty
        else pd.concat([frame, counted[breakdown]], ignore_index=True)
        for breakdown, frame in frames.items()
    }


def _summed_rows(
    scope: selectors.Scope,
    periods: Sequence[Period],
    model,
    keys: Sequence[str],
    only: str,
    only_params: Sequence = (),
) -> dict[str, list[tuple]]:
    """``label -> [keys + (count,)]`` summed over the scope's teams (every team for the
    partnership), for each built summary among ``periods``, where ``only`` (SQL on ``r``, with
    ``only_params``) holds; a period whose summary is missing or stale is left out. One
    query."""
    if scope.teams:
        in_team = f"r.team_id IN ({', '.join(['%s'] * len(scope.teams))})"
        team_params = [team.pk for team in scope.teams]
    else:
        in_team, team_params = "r.team_id IS NOT NULL", []
    columns = ", ".join(keys)
    sql = (
        f"SELECT s.period, {columns}, SUM(r.count) FROM {_table(CountSummary)} s "
        f"LEFT JOIN {_table(model)} r ON r.summary_id = s.id AND {in_team} AND {only} "
    )
    if model is BarrierCount:
        sql += f"LEFT JOIN {_table(BarrierCode)} b ON b.id = r.barrier_id "
    labels_in = ", ".join(["%s"] * len(periods))
    sql += (
        f"WHERE s.partnership_id = %s AND s.built = %s AND s.period IN ({labels_in}) "
        f"GROUP BY s.period, {columns}"
    )
    params = [*team_params, *only_params, scope.partnership.pk, True, *map(str, periods)]
    found: dict[str, list[tuple]] = {}
    for label, *row in _read(sql, params):
        kept = found.setdefault(label, [])
        if row[0] is not None:
            kept.append((*row[:-1], int(row[-1])))
    return found


def _kept_counts(
    scope: selectors.Scope,
    first_day: date,
    last_day: date,
    model,
    keys: Sequence[str],
    only: str,
    live,
) -> list[tuple] | None:
    """Rows of ``_summed_rows`` for the period running from ``first_day`` to ``last_day``, or
    None when it is not a period that is over (or its summary is missing or stale and it is a
    quarter: the caller counts live). These figures count records, each held in one quarter,
    so a financial year without a built summary is the sum of its quarters: the built ones,
    and the others counted by ``live`` (a ``selectors.live_*`` function) when they run on from
    one another. Two queries at most, whatever the case."""
    period = kept_period(first_day, last_day)
    if period is None:
        return None
    quarters = [] if period.is_quarter else [Period(period.start_year, q) for q in range(1, 5)]
    found = _summed_rows(scope, [period, *quarters], model, keys, only)
    if str(period) in found:
        return found[str(period)]
    missing = [q for q in quarters if str(q) not in found]
    if not quarters or selectors.runs_of_days(missing)[1:]:
        return None
    rows = [row for q in quarters if str(q) in found for row in found[str(q)]]
    if missing:
        counted = live(scope=scope, first_day=missing[0].first_day, last_day=missing[-1].last_day)
        rows += [tuple(row) for row in counted.itertuples(index=False)]
    summed: dict[tuple, int] = {}
    for *key, count in rows:
        summed[tuple(key)] = summed.get(tuple(key), 0) + int(count)
    return [(*key, count) for key, count in summed.items()]


def outcome_status_counts(
    *, scope: selectors.Scope, first_day: date, last_day: date
) -> pd.DataFrame | None:
    """``selectors.live_outcome_achievement`` from the summaries, or None when the days are
    not a period that is over or cannot be read from them (the caller counts live)."""
    rows = _kept_counts(
        scope,
        first_day,
        last_day,
        OutcomeCount,
        ["r.outcome_id", "r.status"],
        "1 = 1",
        selectors.live_outcome_achievement,
    )
    if rows is None:
        return None
    return pd.DataFrame.from_records(rows, columns=["outcome_id", "status", "count"])


def barrier_code_counts(
    *, scope: selectors.Scope, first_day: date, last_day: date
) -> pd.DataFrame | None:
    """``selectors.live_barrier_counts`` from the summaries, or None (see above)."""
    rows = _kept_counts(
        scope,
        first_day,
        last_day,
        BarrierCount,
        ["r.outcome_id", "b.code"],
        "r.barrier_id IS NOT NULL",
        selectors.live_barrier_counts,
    )
    if rows is None:
        return None
    return pd.DataFrame.from_records(rows, columns=["outcome_id", "barrier", "count"])


def barrier_record_counts(
    *, scope: selectors.Scope, first_day: date, last_day: date
) -> pd.DataFrame | None:
    """``selectors.live_barrier_records`` from the summary, or None (see above)."""
    rows = _kept_counts(
        scope,
        first_day,
        last_day,
        BarrierCount,
        ["r.outcome_id"],
        "r.barrier_id IS NULL",
        selectors.live_barrier_records,
    )
    if rows is None:
        return None
    return pd.DataFrame.from_records(rows, columns=["outcome_id", "count"])


def figure_record_count(
    *,
    scope: selectors.Scope,
    period: Period,
    outcome_ids: Iterable[int] | None = None,
    status: str = "",
    barrier_code: str = "",
) -> int | None:
    """How many outcome records make up a dashboard figure, from the summary: records
    carrying ``barrier_code`` (of the outcomes ``outcome_ids``, or of any outcome), or
    records of ``outcome_ids`` with ``status`` at review. None when the period is not over,
    the figure is not one the summary keeps (a status and a barrier together, an outcome
    alone), or the summary is missing or stale (then the figure is counted live: ``rebuild_summaries
    --stale`` keeps the period again, out of any request)."""
    if outcome_ids is not None:
        outcome_ids = sorted(outcome_ids)
        if not outcome_ids:
            return None
        of_outcomes = f" AND r.outcome_id IN ({', '.join(['%s'] * len(outcome_ids))})"
    else:
        of_outcomes, outcome_ids = "", []
    if barrier_code and not status:
        model = BarrierCount
        only = f"r.barrier_id IN (SELECT id FROM {_table(BarrierCode)} WHERE code = %s)"
        only_params = [barrier_code, *outcome_ids]
    elif status in selectors.ACHIEVEMENT_STATUSES and outcome_ids and not barrier_code:
        model, only, only_params = OutcomeCount, "r.status = %s", [status, *outcome_ids]
    else:
        return None
    kept = kept_period(period.first_day, period.last_day)
    if kept is None:
        return None
    found = _summed_rows(scope, [kept], model, ["r.summary_id"], only + of_outcomes, only_params)
    if str(kept) not in found:
        return None
    return sum(count for _, count in found[str(kept)])


# --- rebuilding everything ------------------------------------------------------------------

CHUNK = 8  # periods counted in one transaction


@dataclass(frozen=True)
class Rebuilt:
    partnership: str
    quarters: int
    years: int
    removed: int


def closed_periods_held(partnership: Partnership, *, today: date) -> list[Period]:
    """The quarters and financial years that are over and hold conversations of
    ``partnership``: quarters first, oldest first."""
    months = Conversation.objects.filter(partnership=partnership).dates("date_held", "month")
    quarters = {Period.quarter_containing(month) for month in months}
    years = {Period(q.start_year) for q in quarters}
    return [
        *sorted(q for q in quarters if q.is_over(today)),
        *sorted(y for y in years if y.is_over(today)),
    ]


def summaries_rebuild(
    *, partnerships: Iterable[Partnership] | None = None, stale_only: bool = False
) -> list[Rebuilt]:
    """Rebuild the summaries of every period that is over and holds conversations, for each
    partnership (all by default), and remove summaries of periods that hold none. Idempotent:
    a second run keeps the same counts. Each chunk of periods is a transaction of its own.

    ``stale_only``: only the periods whose summary is missing or marked stale (which readers
    count live meanwhile), every few minutes from a scheduler."""
    today = _today()
    done = []
    for partnership in partnerships or Partnership.objects.order_by("code"):
        periods = closed_periods_held(partnership, today=today)
        labels = {str(p) for p in periods}
        _, deleted = (
            CountSummary.objects.filter(partnership=partnership).exclude(period__in=labels).delete()
        )
        removed = deleted.get(CountSummary._meta.label, 0)
        if stale_only:
            built = set(
                CountSummary.objects.filter(partnership=partnership, built=True).values_list(
                    "period", flat=True
                )
            )
            periods = [p for p in periods if str(p) not in built]
        quarters = [p for p in periods if p.is_quarter]
        years = [p for p in periods if not p.is_quarter]
        for group in (quarters, years):
            for start in range(0, len(group), CHUNK):
                with transaction.atomic():
                    _build(partnership, group[start : start + CHUNK], force=not stale_only)
        done.append(Rebuilt(partnership.code, len(quarters), len(years), removed))
    return done
