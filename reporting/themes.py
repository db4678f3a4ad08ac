"""How often each theme of the partnership's codebook comes up in what people said, for a
scope and period: counts of outcome records coded with the theme in signed-off conversations,
by status at review, with a few of the people's own words beside each count that is shown
(never names, never from drafts).

Counts go through the same disclosure control as the barriers (``suppress_counts_with_totals``):
a theme coded on fewer than the threshold's records shows only that number, and its quotes are
not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from conversations.models import OutcomeRecord, OutcomeStatus, Theme
from frameworks.periods import Period
from reporting.figures import suppression_threshold
from reporting.measures import suppress_counts_with_totals
from reporting.selectors import Scope, _in_scope

NOT_RATED = "not_rated"
STATUS_COLUMNS = [*OutcomeStatus.values, NOT_RATED]
STATUS_HEADINGS = {**dict(OutcomeStatus.choices), NOT_RATED: "Not rated"}
QUOTES_PER_THEME = 3
CSV_HEADER = ["theme", "label", "records", *STATUS_COLUMNS, "suppressed"]


@dataclass
class ThemeRow:
    theme: Theme
    records: int
    counts: dict[str, int | None]  # status -> count, None where hidden
    suppressed: bool
    quotes: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[str, int | None]]:
        """``(status heading, count)`` in column order, for the page."""
        return [(STATUS_HEADINGS[s], self.counts[s]) for s in STATUS_COLUMNS]


def _coded(scope: Scope, *, first_day: date, last_day: date):
    through = OutcomeRecord.themes.through
    return through.objects.filter(
        _in_scope(
            scope, first_day=first_day, last_day=last_day, prefix="outcomerecord__conversation__"
        )
    )


def theme_status_counts(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``theme_id, status, count``: outcome records coded with each theme, by status at review
    ("" when not rated). One GROUP BY query."""
    rows = (
        _coded(scope, first_day=first_day, last_day=last_day)
        .values("theme_id", status=F("outcomerecord__status"))
        .annotate(count=Count("id"))
        .order_by()
    )
    return pd.DataFrame(list(rows), columns=["theme_id", "status", "count"])


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


def theme_rows(*, scope: Scope, first_day: date, last_day: date) -> list[ThemeRow]:
    """Every theme of the scope's codebook (in use, or retired but coded in the period), most
    often coded first, with suppressed counts hidden and quotes only beside shown counts."""
    counts = theme_status_counts(scope=scope, first_day=first_day, last_day=last_day)
    counts["status"] = counts["status"].replace("", NOT_RATED)
    wide = counts.pivot_table(
        index="theme_id", columns="status", values="count", aggfunc="sum", fill_value=0
    ).reindex(columns=STATUS_COLUMNS, fill_value=0)
    themes = [
        theme
        for theme in Theme.objects.filter(partnership=scope.partnership)
        if not theme.is_retired or theme.pk in wide.index
    ]
    frame = pd.DataFrame(
        [
            {"theme_id": theme.pk, **{s: int(wide.loc[theme.pk, s]) for s in STATUS_COLUMNS}}
            if theme.pk in wide.index
            else {"theme_id": theme.pk, **dict.fromkeys(STATUS_COLUMNS, 0)}
            for theme in themes
        ],
        columns=["theme_id", *STATUS_COLUMNS],
    )
    # Each coded record has one status, so a theme's records are its row's sum.
    frame["records"] = frame[STATUS_COLUMNS].sum(axis=1).astype(int)
    frame = suppress_counts_with_totals(
        frame,
        threshold=suppression_threshold(),
        count_columns=STATUS_COLUMNS,
        column_totals=None,
        denominator="records",
    )
    shown = [int(row.theme_id) for row in frame.itertuples() if not row.suppressed and row.records]
    quotes = theme_quotes(scope=scope, first_day=first_day, last_day=last_day, theme_ids=shown)
    by_id = {theme.pk: theme for theme in themes}
    rows = [
        ThemeRow(
            theme=by_id[int(row["theme_id"])],
            records=int(row["records"]),
            counts={s: (None if pd.isna(row[s]) else int(row[s])) for s in STATUS_COLUMNS},
            suppressed=bool(row["suppressed"]),
            quotes=quotes.get(int(row["theme_id"]), []),
        )
        for _, row in frame.iterrows()
    ]
    return sorted(rows, key=lambda r: (-r.records, r.theme.order, r.theme.label))


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
            _in_scope(scope, first_day=first_day, last_day=last_day, prefix="conversation__"),
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
