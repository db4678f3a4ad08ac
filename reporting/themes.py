"""How often each theme of the partnership's codebook comes up in what people said, for a
scope and period: counts of outcome records coded with the theme in signed-off conversations,
by status at review, with a few of the people's own words beside each count that is shown
(never names, never from drafts).

Counts go through the product's disclosure control (``reporting.disclosure``):
a theme coded on fewer than the threshold's records shows only that number, and its quotes are
not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.db.models import Count, DateTimeField, F, Value, Window
from django.db.models.functions import RowNumber

from conversations.models import OutcomeRecord, OutcomeStatus, Team, Theme
from frameworks.models import Outcome
from frameworks.periods import Period
from reporting.figures import suppression_threshold
from reporting.measures import suppress_counts_with_totals
from reporting.selectors import Scope, signed_off_in_scope

NOT_RATED = "not_rated"
STATUS_COLUMNS = [*OutcomeStatus.values, NOT_RATED]
STATUS_HEADINGS = {**dict(OutcomeStatus.choices), NOT_RATED: "Not rated"}
QUOTES_PER_THEME = 3
CSV_HEADER = ["theme", "label", "records", *STATUS_COLUMNS, "suppressed"]


@dataclass(frozen=True)
class Column:
    key: str
    heading: str


@dataclass
class ThemeRow:
    theme: Theme
    records: int
    counts: dict[str, int | None]  # column key -> count, None where hidden
    suppressed: bool
    columns: list[Column]
    quotes: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[str, int | None]]:
        """``(column heading, count)`` in column order, for the page."""
        return [(column.heading, self.counts[column.key]) for column in self.columns]


# What a theme's records are broken down by: the field of the coded record, as a GROUP BY key.
BREAKDOWN_FIELDS = {
    "status": "outcomerecord__status",
    "outcome": "outcomerecord__outcome__code",
    "team": "outcomerecord__conversation__team__code",
}
BREAKDOWN_TITLES = {
    "status": "By status at review",
    "outcome": "By outcome",
    "team": "By team",
}


def _coded(scope: Scope, *, first_day: date, last_day: date):
    through = OutcomeRecord.themes.through
    return through.objects.filter(
        signed_off_in_scope(
            scope, first_day=first_day, last_day=last_day, prefix="outcomerecord__conversation__"
        )
    )


def codebook_counts(
    *, scope: Scope, first_day: date, last_day: date, by: str
) -> tuple[list[Theme], pd.DataFrame]:
    """The scope's codebook (every theme, retired too, in codebook order) and ``theme_id,
    key, count``: outcome records coded with each theme, by status at review ("" when not
    rated), outcome code or team code. One query: the codebook and the GROUP BY, as a UNION ALL
    (a page showing the themes beside other figures pays one query for them)."""
    codebook = (
        Theme.objects.filter(partnership=scope.partnership)
        .order_by()
        .annotate(kind=Value("theme"), key=F("code"), count=Value(0))
        .values_list("kind", "pk", "key", "label", "order", "retired_at", "count")
    )
    counted = (
        _coded(scope, first_day=first_day, last_day=last_day)
        .order_by()
        .annotate(
            kind=Value("count"),
            key=F(BREAKDOWN_FIELDS[by]),
            label=Value(""),
            order=Value(0),
            retired_at=Value(None, output_field=DateTimeField()),
        )
        .values("kind", "theme_id", "key", "label", "order", "retired_at")
        .annotate(count=Count("id"))
        .values_list("kind", "theme_id", "key", "label", "order", "retired_at", "count")
    )
    themes, rows = [], []
    for kind, theme_id, key, label, order, retired_at, count in codebook.union(counted, all=True):
        if kind == "theme":
            themes.append(
                Theme(
                    pk=theme_id,
                    partnership=scope.partnership,
                    code=key,
                    label=label,
                    order=order,
                    retired_at=retired_at,
                )
            )
        else:
            rows.append((theme_id, key, count))
    frame = pd.DataFrame(rows, columns=["theme_id", "key", "count"])
    if by == "status":
        frame["key"] = frame["key"].replace("", NOT_RATED)
    return sorted(themes, key=lambda t: (t.order, t.label)), frame


def _columns(scope: Scope, by: str, counts: pd.DataFrame) -> list[Column]:
    if by == "status":
        return [Column(s, STATUS_HEADINGS[s]) for s in STATUS_COLUMNS]
    if by == "team":
        teams = scope.teams or Team.objects.filter(partnership=scope.partnership)
        return [Column(t.code, t.name) for t in sorted(teams, key=lambda t: t.name)]
    used = set(counts["key"])
    labels = dict(
        Outcome.objects.filter(code__in=used)
        .order_by("code", "-version__version")
        .values_list("code", "label")
    )
    return [
        Column(code, labels.get(code, code))
        for code in sorted(used, key=lambda c: labels.get(c, c))
    ]


def theme_table(
    *, scope: Scope, first_day: date, last_day: date, by: str = "status", quotes: bool = False
) -> tuple[list[Column], list[ThemeRow]]:
    """Every theme of the scope's codebook (in use, or retired but coded in the period), most
    often coded first, broken down ``by`` status, outcome or team, with suppressed counts
    hidden; with ``quotes``, a few words beside each theme whose counts are shown. A record
    has one status, outcome and team, so a theme's records are its row's sum."""
    codebook, counts = codebook_counts(scope=scope, first_day=first_day, last_day=last_day, by=by)
    columns = _columns(scope, by, counts)
    keys = [column.key for column in columns]
    wide = counts.pivot_table(
        index="theme_id", columns="key", values="count", aggfunc="sum", fill_value=0
    ).reindex(columns=keys, fill_value=0)
    themes = [theme for theme in codebook if not theme.is_retired or theme.pk in wide.index]
    frame = pd.DataFrame(
        [
            {
                "theme_id": theme.pk,
                **{
                    key: int(wide.loc[theme.pk, key]) if theme.pk in wide.index else 0
                    for key in keys
                },
            }
            for theme in themes
        ],
        columns=["theme_id", *keys],
    )
    frame["records"] = frame[keys].sum(axis=1).astype(int) if keys else 0
    frame = suppress_counts_with_totals(
        frame,
        threshold=suppression_threshold(),
        count_columns=keys,
        column_totals=None,
        denominator="records",
        rows_add_up=True,  # each record counts in one column: its status, outcome or team
    )
    shown = [
        int(row["theme_id"])
        for _, row in frame.iterrows()
        if not row["suppressed"] and row["records"]
    ]
    said = (
        theme_quotes(scope=scope, first_day=first_day, last_day=last_day, theme_ids=shown)
        if quotes
        else {}
    )
    by_id = {theme.pk: theme for theme in themes}
    rows = [
        ThemeRow(
            theme=by_id[int(row["theme_id"])],
            records=int(row["records"]),
            counts={key: (None if pd.isna(row[key]) else int(row[key])) for key in keys},
            suppressed=bool(row["suppressed"]),
            columns=columns,
            quotes=said.get(int(row["theme_id"]), []),
        )
        for _, row in frame.iterrows()
    ]
    return columns, sorted(rows, key=lambda r: (-r.records, r.theme.order, r.theme.label))


def theme_rows(*, scope: Scope, first_day: date, last_day: date) -> list[ThemeRow]:
    """The status table with quotes: what the page leads with and the counts CSV holds."""
    return theme_table(
        scope=scope, first_day=first_day, last_day=last_day, by="status", quotes=True
    )[1]


def theme_quotes(
    *, scope: Scope, first_day: date, last_day: date, theme_ids: list[int]
) -> dict[int, list[str]]:
    """Up to ``QUOTES_PER_THEME`` of the newest words coded with each theme (one query)."""
    if not theme_ids:
        return {}
    newest = (
        _coded(scope, first_day=first_day, last_day=last_day)
        .filter(theme_id__in=theme_ids)
        .exclude(outcomerecord__words="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("theme_id")],
                order_by=[
                    F("outcomerecord__conversation__date_held").desc(),
                    F("outcomerecord_id").desc(),
                ],
            )
        )
        .filter(rank__lte=QUOTES_PER_THEME)
        .values_list("theme_id", "outcomerecord__words")
        .order_by("theme_id", "rank")
    )
    quotes: dict[int, list[str]] = {}
    for theme_id, words in newest:
        quotes.setdefault(theme_id, []).append(words)
    return quotes


def theme_csv_rows(rows: list[ThemeRow]) -> list[list]:
    """The counts as a person downloads them: hidden counts are blank, never the words."""
    return [
        [
            row.theme.code,
            row.theme.label,
            row.records,
            *("" if row.counts[s] is None else row.counts[s] for s in STATUS_COLUMNS),
            "yes" if row.suppressed else "no",
        ]
        for row in rows
    ]


WORDS_CSV_HEADER = [
    "conversation",
    "team",
    "quarter",
    "type",
    "role",
    "outcome",
    "status",
    "themes",
    "words",
    "helping",
    "barrier_words",
]


def coded_words(*, scope: Scope, first_day: date, last_day: date) -> list[OutcomeRecord]:
    """Every outcome record coded with at least one theme, in signed-off conversations of the
    scope held between the days, oldest first, with what the CSV writes (no names, no dates of
    birth, no references: the conversation's identifier groups one conversation's records)."""
    return list(
        OutcomeRecord.objects.filter(
            signed_off_in_scope(
                scope, first_day=first_day, last_day=last_day, prefix="conversation__"
            ),
            themes__isnull=False,
        )
        .distinct()
        .select_related("outcome", "conversation__team")
        .prefetch_related("themes")
        .order_by("conversation__date_held", "conversation_id", "outcome__order")
    )


def coded_words_rows(records: list[OutcomeRecord]) -> list[list[str]]:
    rows = []
    for record in records:
        conversation = record.conversation
        rows.append(
            [
                conversation.external_id,
                conversation.team.code,
                str(Period.quarter_containing(conversation.date_held)),
                conversation.type,
                conversation.subject_role,
                record.outcome.code,
                record.status,
                ";".join(sorted(theme.code for theme in record.themes.all())),
                record.words,
                record.helping,
                record.barrier_words,
            ]
        )
    return rows
