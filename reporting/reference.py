"""What every reporting page looks up besides the counts: the measures, barrier codes and
client groups (one query for the three), and a partnership's targets (one query, every
period). Read once per request (``frameworks.once``): a page that builds twelve figures asks
for each of these once, not twelve times.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, F, Value

from conversations.models import Target
from frameworks.models import BarrierCode, ClientGroup, Measure
from frameworks.once import memoised


@dataclass(frozen=True)
class Codes:
    """The frameworks' small code lists, each in its display order."""

    measures: tuple[dict, ...]  # pk, code, title, population, order
    barriers: tuple[dict, ...]  # code, label
    client_groups: tuple[dict, ...]  # code, label


def _code_rows(model, kind: str, *, label: str = "label", population=None):
    return (
        model.objects.order_by()
        .annotate(
            kind=Value(kind, output_field=CharField()),
            text=F(label),
            group=population if population is not None else Value("", output_field=CharField()),
        )
        .values_list("kind", "pk", "code", "text", "group", "order")
    )


def load_codes() -> Codes:
    """The three lists in one query (a UNION ALL of three small tables)."""
    rows = sorted(
        _code_rows(Measure, "measure", label="title", population=F("population")).union(
            _code_rows(BarrierCode, "barrier"), _code_rows(ClientGroup, "client_group"), all=True
        ),
        key=lambda row: (row[0], row[5], row[2]),
    )
    measures = tuple(
        {"pk": pk, "code": code, "title": text, "population": group, "order": order}
        for kind, pk, code, text, group, order in rows
        if kind == "measure"
    )
    barriers = tuple(
        {"code": code, "label": text} for kind, _, code, text, _, _ in rows if kind == "barrier"
    )
    client_groups = tuple(
        {"code": code, "label": text}
        for kind, _, code, text, _, _ in rows
        if kind == "client_group"
    )
    return Codes(measures=measures, barriers=barriers, client_groups=client_groups)


def codes() -> Codes:
    return memoised("reporting_codes", load_codes)


def measures() -> list[dict]:
    """Every measure as a dict (``pk, code, title, population, order``), in measure order."""
    return list(codes().measures)


def barrier_codes() -> list[dict]:
    """Every barrier code as ``{"code", "label"}``, in display order."""
    return [dict(row) for row in codes().barriers]


def client_group_labels() -> dict[str, str]:
    return {row["code"]: row["label"] for row in codes().client_groups}


def partnership_targets(partnership_id: int) -> dict[tuple[str, str, str], Decimal]:
    """``(measure_code, period, team_code or "") -> target`` for every measure target of the
    partnership, in any period: a partnership sets a few dozen, so one query serves every
    figure of the page."""

    def load() -> dict[tuple[str, str, str], Decimal]:
        rows = Target.objects.filter(
            partnership_id=partnership_id, measure__isnull=False
        ).values_list("measure__code", "period", "team__code", "target")
        return {(code, period, team or ""): target for code, period, team, target in rows}

    return memoised(("partnership_targets", partnership_id), load)
