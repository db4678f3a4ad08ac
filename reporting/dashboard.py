"""The dashboard's figures, composed: the four measures for a scope and period, their trend,
outcomes at review, barriers, themes, breakdowns and who has gone a year without a review, as
the page shows them and as each CSV download lists them.

The view module (``reporting.views.dashboard``) reads the request and renders; everything here
takes a resolved ``DashboardQuery``. Every figure is counted in the database and goes through
the same disclosure control (``reporting.figures``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from django.core.paginator import Page, Paginator
from django.db.models import (
    Aggregate,
    Count,
    OuterRef,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from conversations.models import AnsweredBy, ConversationType, InterviewerKind, Person, Team
from frameworks.models import Role
from frameworks.periods import Period, last_quarters
from reporting import reference
from reporting.access import ReportingReach
from reporting.csv import MEASURE_HEADER
from reporting.figures import measure_figures, suppression_threshold
from reporting.measures import (
    ACHIEVEMENT_COLUMNS,
    map_to_current,
    pivot_counts,
    suppress_counts_with_totals,
    suppress_rows,
)
from reporting.selectors import (
    Scope,
    barrier_counts,
    barrier_records,
    breakdown_counts,
    outcome_achievement,
    outcome_mapping,
    people_without_review,
)
from reporting.targets import STATUS_LABELS
from reporting.themes import CSV_HEADER as THEME_CSV_HEADER
from reporting.themes import Column, ThemeRow, theme_csv_rows, theme_table

BREAKDOWN_TITLES: dict[str, str] = {
    "team": "Team",
    "client_group": "Client group",
    "interviewer": "Interviewer",
    "type": "Conversation type",
    "answered_by": "Who answered",
}
BREAKDOWN_NOTES: dict[str, str] = {
    "answered_by": "Each person's counted answer is placed by who gave it, so the groups add up "
    "to the whole figure. Answers given with support are the person's own.",
}
TABLES: tuple[str, ...] = (
    "measures",
    "trend",
    "achievement",
    "barriers",
    "themes",
    *(f"breakdown-{name}" for name in BREAKDOWN_TITLES),
    "coverage",
)
TREND_QUARTERS = 8
COVERAGE_PAGE_SIZE = 25
STATUS_WORDS = {**STATUS_LABELS, "": "No target"}
ROLE_HEADINGS = {Role.USER: "People who use services", Role.CARER: "Unpaid carers"}


# --- what is asked: scope and period -----------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class DashboardQuery:
    """What the page or a download is about: resolved, checked, ready to count."""

    scope: Scope
    reach: ReportingReach
    team_code: str  # the ?team asked for, "" for the user's whole reach
    period: Period
    today: date

    @property
    def trend_quarters(self) -> list[Period]:
        ending = self.period if self.period.is_quarter else Period(self.period.start_year, 4)
        return last_quarters(TREND_QUARTERS, ending=ending)

    @property
    def params(self) -> dict[str, str]:
        params = {"period": str(self.period)}
        if self.team_code:
            params["team"] = self.team_code
        return params

    @property
    def query_string(self) -> str:
        return urlencode(self.params)

    @property
    def multi_team(self) -> bool:
        return len(self.scope.teams) != 1

    @property
    def breakdowns(self) -> list[str]:
        return [b for b in BREAKDOWN_TITLES if b != "team" or self.multi_team]

    def scope_teams(self) -> list[Team]:
        """The teams a team breakdown lists: the scope's, or every team of the partnership
        the user may read."""
        if self.scope.teams:
            return list(self.scope.teams)
        return [t for t in self.reach.teams if t.partnership_id == self.scope.partnership.pk]


def team_choices(query: DashboardQuery) -> list[Choice]:
    teams = [t for t in query.reach.teams if t.partnership_id == query.scope.partnership.pk]
    if len(teams) < 2:
        return []
    everyone = "The whole partnership" if query.reach.partnerships else "All your teams"
    return [Choice("", everyone), *(Choice(t.code, t.name) for t in teams)]


def drilldown_url(query: DashboardQuery, **params: str) -> str:
    """A link to the records behind a count, or "" while the drill-down page is not there."""
    try:
        base = reverse("reporting:drilldown")
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode({**params, **query.params})}"


# --- the figures ----------------------------------------------------------------------------


def measure_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for row in frame.to_dict("records"):
        row["status_words"] = STATUS_WORDS.get(row["target_status"], row["target_status"])
        rows.append(row)
    return rows


def trend_frame(query: DashboardQuery) -> pd.DataFrame:
    return measure_figures(scope=query.scope, periods=query.trend_quarters)


def period_frame(query: DashboardQuery, trend: pd.DataFrame | None = None) -> pd.DataFrame:
    """The chosen period's figures; a quarter's are already in the trend."""
    if trend is not None and query.period.is_quarter:
        return trend[trend["period"] == str(query.period)].reset_index(drop=True)
    return measure_figures(scope=query.scope, periods=[query.period])


@dataclass
class TrendTable:
    quarters: list[str]
    measures: list[dict[str, Any]]  # code, title, cells (one row dict per quarter)
    svg: str


def trend_table(frame: pd.DataFrame) -> TrendTable:
    from reporting import charts  # matplotlib takes seconds to import: only when drawing

    quarters = list(dict.fromkeys(frame["period"]))
    measures, series = [], []
    for code, rows in frame.groupby("measure_code", sort=False):
        cells = rows.to_dict("records")
        title = cells[0]["measure_title"]
        measures.append({"code": code, "title": title, "cells": cells})
        series.append(
            charts.TrendSeries(
                code=str(code),
                title=title,
                points=[
                    charts.TrendPoint(
                        period=cell["period"],
                        percentage=cell["percentage"],
                        ci_low=cell["ci_low"],
                        ci_high=cell["ci_high"],
                        target=cell["target"],
                        suppressed=bool(cell["suppressed"]),
                        denominator=int(cell["denominator"]),
                    )
                    for cell in cells
                ],
            )
        )
    return TrendTable(quarters, measures, charts.trend_svg(series))


def achievement_frame(query: DashboardQuery, mapping: pd.DataFrame) -> pd.DataFrame:
    """Per outcome of the newest versions: achieved / partly / not achieved at review, with a
    row whose total is below the threshold reduced to its total."""
    counts = outcome_achievement(
        scope=query.scope, first_day=query.period.first_day, last_day=query.period.last_day
    )
    mapped = map_to_current(counts, mapping, by=["status"])
    table = pivot_counts(mapped, column="status", values=list(ACHIEVEMENT_COLUMNS))
    return suppress_rows(
        table, threshold=suppression_threshold(), count_columns=list(ACHIEVEMENT_COLUMNS)
    )


@dataclass
class BarrierTables:
    barriers: list[dict[str, str]]  # code, label: the columns
    totals: pd.DataFrame  # barrier, label, count (None when suppressed), sorted
    table: pd.DataFrame  # one row per outcome, one column per barrier code, total (records)
    records: int  # outcome records naming any barrier: the totals' denominator
    totals_suppressed: bool


def barrier_tables(query: DashboardQuery, mapping: pd.DataFrame) -> BarrierTables:
    """Barrier counts by outcome and in all, under the measures' rule (spec §5.5): counts of
    outcome records are shown where at least ``threshold`` outcome records (naming any
    barrier) are counted — for an outcome, its row; for the totals, the whole scope — and no
    hidden row can be worked out from the totals shown beside it."""
    threshold = suppression_threshold()
    barriers = reference.barrier_codes()
    codes = [b["code"] for b in barriers]
    first_day, last_day = query.period.first_day, query.period.last_day
    counts = barrier_counts(scope=query.scope, first_day=first_day, last_day=last_day)
    records = barrier_records(scope=query.scope, first_day=first_day, last_day=last_day)
    # Totals from the records themselves: an outcome split in two must not count twice.
    totals = pd.DataFrame(
        {
            "barrier": codes,
            "label": [b["label"] for b in barriers],
            "count": [int(counts.loc[counts["barrier"] == c, "count"].sum()) for c in codes],
        }
    )
    records_total = int(records["count"].sum())
    totals_suppressed = 0 < records_total < threshold
    column_totals = None if totals_suppressed else dict(zip(codes, totals["count"], strict=True))
    totals["suppressed"] = totals_suppressed
    totals["count"] = totals["count"].astype(object)
    if totals_suppressed:
        totals["count"] = None
    totals = totals.sort_values("count", key=lambda s: s.fillna(-1), ascending=False)
    table = pivot_counts(
        map_to_current(counts, mapping, by=["barrier"]), column="barrier", values=codes
    )
    # A row's total is its outcome records naming any barrier, not the sum of its counts (a
    # record can name several barriers): the denominator the counts are shown against.
    per_outcome = map_to_current(records, mapping, by=[]).rename(columns={"count": "total"})
    keys = ["framework", "role", "code", "label", "order", "current"]
    table = table.drop(columns="total").merge(per_outcome[[*keys, "total"]], on=keys, how="left")
    table["total"] = table["total"].fillna(0).astype(int)
    table = suppress_counts_with_totals(
        table,
        threshold=threshold,
        count_columns=codes,
        column_totals=column_totals,
        denominator="total",
    )
    return BarrierTables(
        barriers, totals.reset_index(drop=True), table, records_total, totals_suppressed
    )


def breakdown_frame(
    query: DashboardQuery, breakdown: str, counts: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, dict]:
    """The measures for the chosen period by one breakdown, and the cell labels (``counts``:
    its ``measure_counts``, when already counted)."""
    if breakdown == "team":
        labels = {t.code: t.name for t in query.scope_teams()}
    elif breakdown == "client_group":
        labels = reference.client_group_labels()
    elif breakdown == "interviewer":
        labels = dict(InterviewerKind.choices)
    elif breakdown == "answered_by":
        labels = {**dict(AnsweredBy.choices), "": "Not recorded"}
    else:
        labels = dict(ConversationType.choices)
    frame = measure_figures(
        scope=query.scope,
        periods=[query.period],
        breakdown=breakdown,
        cells=list(labels),
        counts=counts,
    )
    return frame, labels


def coverage_since(today: date) -> date:
    """Twelve months back: the same day last year (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


# Between two team names in ``team_names``: a character no name holds.
NAME_SEPARATOR = "\x1f"


class JoinedNames(Aggregate):
    """Text values joined with ``NAME_SEPARATOR``, in no set order: ``GROUP_CONCAT`` on
    SQLite, ``STRING_AGG`` on PostgreSQL (Django 5.2 has no aggregate for both)."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def __init__(self, expression, **extra) -> None:
        super().__init__(expression, Value(NAME_SEPARATOR), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def coverage_people(query: DashboardQuery):
    """``people_without_review`` for the scope, each with ``team_names``: the names of every
    team the person is allocated to, joined (``team_list`` reads them), looked up in the same
    query as the people (one query fewer than a prefetch: the dashboard stays within its
    budget with the themes section)."""
    people = people_without_review(
        scope=query.scope, since=coverage_since(query.today), until=query.today
    )
    names = (
        Person.teams.through.objects.filter(person_id=OuterRef("pk"))
        .order_by()
        .values("person_id")
        .annotate(names=JoinedNames("team__name"))
        .values("names")
    )
    return people.annotate(team_names=Subquery(names))


def team_list(person: Person) -> list[str]:
    """The names of a ``coverage_people`` person's teams, in alphabetical order."""
    return sorted(person.team_names.split(NAME_SEPARATOR)) if person.team_names else []


def coverage_page(query: DashboardQuery, number: str | None) -> Page:
    """One page of ``coverage_people``, as ``Paginator.get_page`` gives it (a page number
    that is not a number gives the first page, one out of range the last), with the total
    counted in the same query as the page (a window count) instead of a query of its own."""
    people = coverage_people(query).annotate(total=Window(Count("pk")))
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 1
    start = max(wanted - 1, 0) * COVERAGE_PAGE_SIZE
    rows = list(people[start : start + COVERAGE_PAGE_SIZE])
    if wanted < 1 or (not rows and wanted > 1):  # out of range: the last page, as get_page
        wanted = max(math.ceil(people.count() / COVERAGE_PAGE_SIZE), 1)
        start = (wanted - 1) * COVERAGE_PAGE_SIZE
        rows = list(people[start : start + COVERAGE_PAGE_SIZE])
    paginator = Paginator(people, COVERAGE_PAGE_SIZE)
    paginator.count = rows[0].total if rows else 0
    for person in rows:
        person.team_list = team_list(person)
    return Page(rows, wanted, paginator)


# --- what the page shows ------------------------------------------------------------------


def grouped_by_role(table: pd.DataFrame) -> list[dict[str, Any]]:
    groups = []
    for role, rows in table.groupby("role", sort=False):
        groups.append(
            {
                "role": role,
                "heading": ROLE_HEADINGS.get(role, role),
                "rows": rows.to_dict("records"),
            }
        )
    return groups


def achievement_context(query: DashboardQuery, mapping: pd.DataFrame) -> list[dict]:
    from reporting import charts  # matplotlib takes seconds to import: only when drawing

    groups = grouped_by_role(achievement_frame(query, mapping))
    for group in groups:
        for row in group["rows"]:
            row["drilldown"] = (
                drilldown_url(query, outcome=row["code"], status="not_achieved")
                if row["not_achieved"]
                else ""
            )
        bars = [
            charts.AchievementBar(
                label=row["label"] if row["current"] else f"{row['label']} (earlier framework)",
                achieved=row["achieved"],
                partly_achieved=row["partly_achieved"],
                not_achieved=row["not_achieved"],
                total=int(row["total"]),
                suppressed=bool(row["suppressed"]),
            )
            for row in group["rows"]
        ]
        group["svg"] = charts.achievement_svg(
            bars,
            chart_id=f"achievement-{group['role']}",
            title=f"Outcomes at review: {group['heading'].lower()}",
        )
    return groups


def barrier_context(query: DashboardQuery, mapping: pd.DataFrame) -> dict[str, Any]:
    from reporting import charts  # matplotlib takes seconds to import: only when drawing

    tables = barrier_tables(query, mapping)
    groups = grouped_by_role(tables.table)
    for group in groups:
        for row in group["rows"]:
            row["cells"] = [
                {
                    "barrier": b["code"],
                    "label": b["label"],
                    "count": row[b["code"]],
                    "url": drilldown_url(query, barrier=b["code"], outcome=row["code"])
                    if row[b["code"]]
                    else "",
                }
                for b in tables.barriers
            ]
    totals = tables.totals.to_dict("records")
    svg = charts.count_bars_svg(
        [charts.CountBar(t["label"], t["count"]) for t in totals],
        chart_id="barriers-chart",
        title="Barriers recorded most often",
        unit="Outcome records with this barrier",
    )
    return {
        "barriers": tables.barriers,
        "totals": totals,
        "records": tables.records,
        "totals_suppressed": tables.totals_suppressed,
        "groups": groups,
        "svg": svg,
    }


def theme_status_table(query: DashboardQuery) -> tuple[list[Column], list[ThemeRow]]:
    """The themes page's table by status at review (``reporting.themes``), without the
    people's words: the dashboard's section and its CSV. One query."""
    return theme_table(
        scope=query.scope,
        first_day=query.period.first_day,
        last_day=query.period.last_day,
        by="status",
    )


def themes_context(query: DashboardQuery) -> dict[str, Any]:
    columns, rows = theme_status_table(query)
    return {
        "columns": columns,
        "rows": rows,
        "page": f"{reverse('reporting:themes')}?{query.query_string}",
        # A lead keeps the codebook and is pointed to it; the others are told it is not there.
        "keeps_codebook": query.scope.partnership in query.reach.partnerships,
    }


def breakdown_context(query: DashboardQuery) -> list[dict[str, Any]]:
    counts = breakdown_counts(
        scope=query.scope,
        periods=[query.period],
        breakdowns=query.breakdowns,
        measures=reference.measures(),
    )
    sections = []
    for breakdown in query.breakdowns:
        frame, labels = breakdown_frame(query, breakdown, counts[breakdown])
        measures = []
        for code, rows in frame.groupby("measure_code", sort=False):
            # In the labels' order (who answered: "Not recorded" last), then any other cell.
            position = {cell: index for index, cell in enumerate(labels)}
            records = sorted(
                measure_rows(rows), key=lambda r: position.get(r["cell"], len(position))
            )
            for record in records:
                record["cell_label"] = labels.get(record["cell"], record["cell"] or "Not recorded")
            measures.append({"code": code, "title": records[0]["measure_title"], "rows": records})
        sections.append(
            {
                "name": breakdown,
                "title": BREAKDOWN_TITLES[breakdown],
                "note": BREAKDOWN_NOTES.get(breakdown, ""),
                "measures": measures,
                "targets": breakdown == "team",
            }
        )
    return sections


def page_figures(query: DashboardQuery) -> dict[str, Any]:
    """Every figure the dashboard page shows, keyed as the template reads them."""
    trend = trend_frame(query)
    mapping = outcome_mapping()
    return {
        "threshold": suppression_threshold(),
        "measures": measure_rows(period_frame(query, trend)),
        "trend": trend_table(trend),
        "achievement": achievement_context(query, mapping),
        "barriers": barrier_context(query, mapping),
        "themes": themes_context(query),
        "breakdowns": breakdown_context(query),
        "coverage_since": coverage_since(query.today),
        "tables": TABLES,
    }


# --- CSV downloads --------------------------------------------------------------------------


def measure_csv_rows(query: DashboardQuery, frame: pd.DataFrame) -> list[list[Any]]:
    return [
        [query.scope.label, *(row[c] for c in MEASURE_HEADER[1:])]
        for row in frame.to_dict("records")
    ]


def table_csv(query: DashboardQuery, table: str) -> tuple[list[str], list[list[Any]]]:
    if table in ("measures", "trend"):
        frame = period_frame(query) if table == "measures" else trend_frame(query)
        return MEASURE_HEADER, measure_csv_rows(query, frame)
    if table.startswith("breakdown-"):
        breakdown = table.removeprefix("breakdown-")
        if breakdown not in query.breakdowns:
            raise Http404("No such breakdown for this scope")
        frame, labels = breakdown_frame(query, breakdown)
        header = [*MEASURE_HEADER[:4], breakdown, f"{breakdown}_label", *MEASURE_HEADER[5:]]
        rows = [
            [
                query.scope.label,
                *(row[c] for c in MEASURE_HEADER[1:4]),
                row["cell"],
                labels.get(row["cell"], ""),
                *(row[c] for c in MEASURE_HEADER[5:]),
            ]
            for row in frame.to_dict("records")
        ]
        return header, rows
    if table == "achievement":
        frame = achievement_frame(query, outcome_mapping())
        columns = ["role", "code", "label", *ACHIEVEMENT_COLUMNS, "total", "suppressed"]
        header = ["scope", "period", "role", "outcome_code", "outcome_label"] + columns[3:]
        rows = [
            [query.scope.label, str(query.period), *(r[c] for c in columns)]
            for r in frame.to_dict("records")
        ]
        return header, rows
    if table == "barriers":
        tables = barrier_tables(query, outcome_mapping())
        codes = [b["code"] for b in tables.barriers]
        columns = ["role", "code", "label", *codes, "total", "suppressed"]
        header = ["scope", "period", "role", "outcome_code", "outcome_label", *codes]
        header += ["outcome_records", "suppressed"]
        rows = [
            [query.scope.label, str(query.period), *(r[c] for c in columns)]
            for r in tables.table.to_dict("records")
        ]
        return header, rows
    if table == "themes":
        return THEME_CSV_HEADER, theme_csv_rows(theme_status_table(query)[1])
    # coverage: references only — names never leave the site in a file (spec §2).
    header = ["ref", "teams", "last_completed_review"]
    rows = [
        [
            person.ref,
            "; ".join(team_list(person)),
            person.last_review.isoformat() if person.last_review else "never",
        ]
        for person in coverage_people(query).iterator(chunk_size=2000)
    ]
    return header, rows
