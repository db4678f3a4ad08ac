"""Local improvement targets (spec §6): who may see and set them, and how each is doing.

Team staff see their teams' targets; partnership leads see the partnership's and every team's.
Team leaders set targets for the teams they lead; partnership leads set the partnership's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from django.db.models import Q, QuerySet

from conversations.access import StaffScope, staff_scope
from conversations.models import Conversation, Partnership, Person, Target, Team
from frameworks.equivalence import equivalence_graph
from frameworks.models import POPULATION_ROLES, Role
from frameworks.periods import Period, PeriodError
from reporting import reference
from reporting.disclosure import protect_breakdown
from reporting.figures import suppression_threshold
from reporting.measures import percentage, target_status
from reporting.selectors import (
    Scope,
    measure_counts,
    outcome_families,
    rated_outcome_counts,
)

STATUS_LABELS: dict[str, str] = {"met": "Met", "not_met": "Not met", "no_data": "No data"}


def targets_visible_to(user) -> QuerySet[Target]:
    """Targets of the user's teams, and for a partnership lead every target of the partnership."""
    scope = staff_scope(user)
    return Target.objects.filter(
        Q(team_id__in=scope.team_ids) | Q(partnership_id__in=scope.lead_partnership_ids)
    )


def targets_editable_by(user) -> QuerySet[Target]:
    """Targets the user may change: their led teams' and, for a lead, the partnership-level."""
    scope = staff_scope(user)
    return Target.objects.filter(
        Q(team_id__in=scope.led_team_ids)
        | Q(team__isnull=True, partnership_id__in=scope.lead_partnership_ids)
    )


def can_set_targets(user) -> bool:
    scope = staff_scope(user)
    return bool(scope.led_team_ids or scope.lead_partnership_ids)


def can_edit(scope: StaffScope, target: Target) -> bool:
    if target.team_id is not None:
        return target.team_id in scope.led_team_ids
    return target.partnership_id in scope.lead_partnership_ids


ROLE_PLURALS: dict[str, str] = {Role.USER: "people who use services", Role.CARER: "unpaid carers"}
SCOPE_POPULATION_HELP = (
    "A target must be able to have data: its measure or outcome has to count people this "
    "team holds. A team's people are those allocated to it and those it has held "
    "conversations with; the whole partnership's are everyone it holds. A users-only measure "
    "(NM1, NM3) cannot be set for a team of unpaid carers only, nor the carers' measure (NM4) "
    "for a team with no carers."
)


def scope_roles(*, partnership: Partnership, team: Team | None) -> frozenset[str]:
    """The roles (``user``, ``carer``) the scope's population holds, from the data: people
    allocated to the team (or held by the partnership), carers as carers and everyone else as
    people who use services, and the roles people took in conversations the team (or the
    partnership) has held. Two small queries."""
    people = Person.objects.filter(teams=team) if team else partnership.people.all()
    conversations = (
        Conversation.objects.filter(team=team)
        if team
        else Conversation.objects.filter(partnership=partnership)
    )
    roles = {
        Role.CARER if is_carer else Role.USER
        for is_carer in people.order_by().values_list("is_carer", flat=True).distinct()
    }
    roles |= set(conversations.order_by().values_list("subject_role", flat=True).distinct())
    return frozenset(roles)


def roles_counted(*, measure=None, outcome_code: str = "") -> frozenset[str]:
    """The roles a measure's population, or an outcome's framework, counts."""
    if measure is not None:
        return frozenset(POPULATION_ROLES.get(measure.population, ()))
    return equivalence_graph().roles(outcome_code)


def roles_in_words(roles: Iterable[str]) -> str:
    return " and ".join(ROLE_PLURALS[role] for role in (Role.USER, Role.CARER) if role in roles)


def outcome_labels(codes: Iterable[str]) -> dict[str, str]:
    """``code -> label`` as the newest framework version words it, for the codes known
    (``EquivalenceGraph.label``; the graph is read once per request)."""
    graph = equivalence_graph()
    labels = {code: graph.label(code) for code in set(codes)}
    return {code: label for code, label in labels.items() if label is not None}


@dataclass(frozen=True)
class Progress:
    """How a target is doing in its own period: ``actual`` is the percentage (None when
    nothing was counted, it was suppressed, or the period has not begun)."""

    actual: Decimal | None
    denominator: int
    status: str  # met, not_met or no_data

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")


NO_DATA = Progress(actual=None, denominator=0, status="no_data")


def _quarters_of(period: Period) -> list[Period]:
    if period.is_quarter:
        return [period]
    return [Period(period.start_year, quarter) for quarter in (1, 2, 3, 4)]


def _measure_counts(
    partnership: Partnership, wanted: Iterable[tuple[Target, Period]]
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """``(team code or "", period, measure code) -> (numerator, denominator)`` for the
    measure targets wanted. Each person counts once per scope (spec §5), so a partnership is
    not the sum of its teams, nor a year of its quarters: one count per kind of period
    (years, quarters) for the partnership as a whole and one by team, four queries at most
    however many targets."""
    layers: dict[tuple[bool, bool], set[Period]] = defaultdict(set)
    for target, period in wanted:
        layers[(target.team_id is not None, period.is_quarter)].add(period)
    counts: dict[tuple[str, str, str], tuple[int, int]] = {}
    for (by_team, _), periods in layers.items():
        frame = measure_counts(
            scope=Scope(partnership),
            periods=sorted(periods),
            breakdown="team" if by_team else None,
            measures=reference.measures(),
        )
        for row in frame.itertuples(index=False):
            key = (row.cell if by_team else "", row.period, row.measure_code)
            counts[key] = (int(row.numerator), int(row.denominator))
    return counts


def _outcome_counts(
    partnership: Partnership, wanted: Sequence[tuple[Target, Period]]
) -> dict[tuple[str, str, str], tuple[int, int]]:
    """``(team code or "", period, outcome code) -> (achieved, rated)`` for the outcome
    targets wanted, from one count by team and quarter (records add up across both)."""
    if not wanted:
        return {}
    frame = rated_outcome_counts(
        partnership=partnership,
        quarters=[q for _, period in wanted for q in _quarters_of(period)],
    )
    families = outcome_families([target.outcome_code for target, _ in wanted])
    counts: dict[tuple[str, str, str], tuple[int, int]] = {}
    for target, period in wanted:
        team = target.team.code if target.team_id else ""
        chosen = frame[
            frame["period"].isin([str(q) for q in _quarters_of(period)])
            & frame["outcome_id"].isin(families[target.outcome_code])
        ]
        if team:
            chosen = chosen[chosen["team"] == team]
        counts[(team, str(period), target.outcome_code)] = (
            int(chosen["achieved"].sum()),
            int(chosen["rated"].sum()),
        )
    return counts


def _hidden_team_figures(
    counts: dict[tuple[str, str, str], tuple[int, int]], *, threshold: int
) -> set[tuple[str, str, str]]:
    """The team figures to hide: the teams of one measure (or outcome) and period are a
    breakdown of the partnership's figure, shown on the same page, so they go through the
    same disclosure control as the dashboard's team breakdown (``protect_breakdown``)."""
    keys = [key for key in counts if key[0]]
    if not keys:
        return set()
    frame = pd.DataFrame(
        [
            {"period": period, "what": what, "numerator": n, "denominator": d}
            for (_, period, what), (n, d) in ((key, counts[key]) for key in keys)
        ]
    )
    protected = protect_breakdown(frame, threshold=threshold, row_set=["period", "what"])
    return {key for key, hidden in zip(keys, protected["suppressed"], strict=True) if hidden}


def target_progress(targets: Sequence[Target], *, today: date) -> dict[int, Progress]:
    """``target pk -> Progress`` for each target in its own scope and period.

    Measure targets use the national-measure counts, outcome targets the outcome's achieved
    rate at review; either is suppressed (no data) below the disclosure threshold, as the
    dashboard suppresses the scope's own figure; a team's figure is also hidden where the
    teams' figures beside the partnership's would give a hidden one away (as in the
    dashboard's team breakdown). Periods that have not begun have no data.
    A bounded number of queries per partnership, however many targets, scopes and periods.
    """
    progress: dict[int, Progress] = {}
    wanted: dict[int, list[tuple[Target, Period]]] = defaultdict(list)
    for target in targets:
        try:
            period = Period.parse(target.period)
        except PeriodError:
            progress[target.pk] = NO_DATA
            continue
        if period.first_day > today:
            progress[target.pk] = NO_DATA
            continue
        wanted[target.partnership_id].append((target, period))
    threshold = suppression_threshold()
    for items in wanted.values():
        partnership = items[0][0].partnership
        counts = _measure_counts(partnership, [(t, p) for t, p in items if t.measure_id])
        counts |= _outcome_counts(partnership, [(t, p) for t, p in items if not t.measure_id])
        hidden = _hidden_team_figures(counts, threshold=threshold)
        for target, period in items:
            team = target.team.code if target.team_id else ""
            what = target.measure.code if target.measure_id else target.outcome_code
            numerator, denominator = counts.get((team, str(period), what), (0, 0))
            suppressed = denominator < threshold or (team, str(period), what) in hidden
            actual = None if suppressed else percentage(numerator, denominator)
            progress[target.pk] = Progress(
                actual=actual,
                denominator=denominator,
                status=target_status(actual, target.target, suppressed=suppressed),
            )
    return progress
