"""What helps and what gets in the way, per outcome, for planning and commissioning: the
achieved rate at review beside the kinds of help recorded, the barriers recorded and the
actions agreed by who will do them, for a scope and period (signed-off conversations only).

Each table goes through the same disclosure control as the dashboard's barriers: an outcome
with fewer than the threshold's records shows only its number of records, and counts that the
totals would give away are hidden too (``suppress_counts_with_totals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from django.db.models import Count, Exists, OuterRef

from conversations.models import Action, ActionOwner, HelpingKind, OutcomeHelp, OutcomeRecord
from reporting import reference
from reporting.dashboard import DashboardQuery, achievement_frame, barrier_tables
from reporting.figures import suppression_threshold
from reporting.measures import map_to_current, pivot_counts, suppress_counts_with_totals
from reporting.selectors import Scope, outcome_mapping, signed_off_in_scope

KEYS = ["framework", "role", "code", "label", "order", "current"]
MOST = 3  # kinds and barriers named beside each outcome, most often first


@dataclass(frozen=True)
class Named:
    label: str
    count: int | None  # None: hidden


@dataclass
class OutcomeHelps:
    role: str
    code: str
    label: str
    achieved: int | None  # achieved at review, None when hidden
    rated: int  # statuses at review counted (the rate's denominator)
    helped: list[Named]
    helped_records: int
    barriers: list[Named]
    barrier_records: int
    owners: list[Named]
    action_records: int

    @property
    def columns(self) -> list[tuple[str, list[Named], int]]:
        """The three lists beside the rate, each with its heading and records, in page order."""
        return [
            ("What helped", self.helped, self.helped_records),
            ("What got in the way", self.barriers, self.barrier_records),
            ("Actions agreed, by who", self.owners, self.action_records),
        ]

    @property
    def achieved_percent(self) -> int | None:
        if self.achieved is None or not self.rated:
            return None
        return round(100 * self.achieved / self.rated)


def _records_in(scope: Scope, *, first_day: date, last_day: date):
    return OutcomeRecord.objects.filter(
        signed_off_in_scope(scope, first_day=first_day, last_day=last_day, prefix="conversation__")
    )


def _counted(rows, *, key: str) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["outcome_id", key, "count"])


def helping_counts(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``outcome_id, kind, count``: outcome records naming each kind of help (one query)."""
    rows = (
        OutcomeHelp.objects.filter(
            signed_off_in_scope(
                scope, first_day=first_day, last_day=last_day, prefix="record__conversation__"
            )
        )
        .values_list("record__outcome_id", "kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return _counted(rows, key="kind")


def owner_counts(*, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``outcome_id, owner, count``: outcome records with an action for each owner ("" when
    nobody was named), one query."""
    rows = (
        Action.objects.filter(
            signed_off_in_scope(
                scope, first_day=first_day, last_day=last_day, prefix="record__conversation__"
            )
        )
        .values_list("record__outcome_id", "owner")
        .annotate(count=Count("record_id", distinct=True))
        .order_by()
    )
    return _counted(rows, key="owner")


def records_with(model, *, scope: Scope, first_day: date, last_day: date) -> pd.DataFrame:
    """``outcome_id, count``: outcome records with at least one ``model`` row (a kind of help,
    an action): the denominator of that table (one query)."""
    rows = (
        _records_in(scope, first_day=first_day, last_day=last_day)
        .filter(Exists(model.objects.filter(record=OuterRef("pk"))))
        .values_list("outcome_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return pd.DataFrame(list(rows), columns=["outcome_id", "count"])


def _table(counts, denominators, mapping, *, column: str, values: list[str]) -> pd.DataFrame:
    """One row per current outcome, a count column per value, ``total`` the records with any
    value (not the sum: a record can name several), suppressed like the barriers' table."""
    table = pivot_counts(
        map_to_current(counts, mapping, by=[column]), column=column, values=values
    ).drop(columns="total")
    totals = map_to_current(denominators, mapping, by=[]).rename(columns={"count": "total"})
    table = table.merge(totals[[*KEYS, "total"]], on=KEYS, how="left")
    table["total"] = table["total"].fillna(0).astype(int)
    return suppress_counts_with_totals(
        table,
        threshold=suppression_threshold(),
        count_columns=values,
        column_totals=None,
        denominator="total",
    )


def _named(row, labels: dict[str, str]) -> list[Named]:
    """The most often named, largest first; hidden counts stay hidden (never ranked)."""
    if row is None or row["suppressed"]:
        return []
    found = [(code, row[code]) for code in labels if row[code] is not None and row[code] > 0]
    found.sort(key=lambda item: -item[1])
    return [Named(labels[code], int(count)) for code, count in found[:MOST]]


def _by_outcome(table: pd.DataFrame) -> dict[tuple[str, str], object]:
    return {(row["role"], row["code"]): row for _, row in table.iterrows()}


def what_helps(query: DashboardQuery) -> list[OutcomeHelps]:
    """Per current outcome with anything recorded in the scope and period."""
    days = {"first_day": query.period.first_day, "last_day": query.period.last_day}
    mapping = outcome_mapping()
    kinds = dict(HelpingKind.choices)
    # Blank: not decided when recorded, or imported (the line format carries no owner).
    owners = {**dict(ActionOwner.choices), "": "No owner recorded"}
    helped = _table(
        helping_counts(scope=query.scope, **days),
        records_with(OutcomeHelp, scope=query.scope, **days),
        mapping,
        column="kind",
        values=list(kinds),
    )
    acted = _table(
        owner_counts(scope=query.scope, **days),
        records_with(Action, scope=query.scope, **days),
        mapping,
        column="owner",
        values=list(owners),
    )
    barriers = barrier_tables(query, mapping).table
    barrier_labels = {b["code"]: b["label"] for b in reference.barrier_codes()}
    achieved = achievement_frame(query, mapping)
    tables = [_by_outcome(t) for t in (helped, barriers, acted, achieved)]
    outcomes = {key: row for table in tables for key, row in table.items()}
    rows = []
    for key, first in sorted(outcomes.items(), key=lambda kv: (kv[0][0] != "user", kv[1]["order"])):
        help_row, barrier_row, action_row, achieved_row = (t.get(key) for t in tables)
        rated = int(achieved_row["total"]) if achieved_row is not None else 0
        rows.append(
            OutcomeHelps(
                role=key[0],
                code=key[1],
                label=first["label"],
                achieved=(
                    None
                    if achieved_row is None or achieved_row["suppressed"]
                    else int(achieved_row["achieved"])
                ),
                rated=rated,
                helped=_named(help_row, kinds),
                helped_records=int(help_row["total"]) if help_row is not None else 0,
                barriers=_named(barrier_row, barrier_labels),
                barrier_records=int(barrier_row["total"]) if barrier_row is not None else 0,
                owners=_named(action_row, owners),
                action_records=int(action_row["total"]) if action_row is not None else 0,
            )
        )
    return rows


CSV_HEADER = ["role", "outcome", "figure", "what", "count", "of_records"]


def csv_rows(rows: list[OutcomeHelps]) -> list[list]:
    """Long form: one row per figure shown; hidden figures are left out, as on the page."""
    out = []
    for row in rows:
        if row.achieved is not None:
            out.append(
                [row.role, row.code, "achieved_at_review", "achieved", row.achieved, row.rated]
            )
        for figure, named, total in (
            ("helped_by", row.helped, row.helped_records),
            ("held_back_by", row.barriers, row.barrier_records),
            ("actions_by", row.owners, row.action_records),
        ):
            for item in named:
                out.append([row.role, row.code, figure, item.label, item.count, total])
    return out
