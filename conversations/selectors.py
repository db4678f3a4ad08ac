"""Reads about one person that gather rows across several conversations.

``outcome_history`` asks the database for every status at review in the person's completed
conversations (one query, two when older framework versions are involved) and maps older
versions' outcomes onto the latest version through ``OutcomeEquivalence``. ``history_by_role``
then pivots those rows into one table per role without touching the database.

The caseload functions at the end answer the home page's "what is waiting for me": drafts,
reviews due and overdue, people seen recently, and a team leader's counts per practitioner.
Each is one query however large the caseload (see ``tests/conversations/test_caseload.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from conversations.models import (
    ActionOwner,
    Conversation,
    ConversationStatus,
    Membership,
    OutcomeRecord,
    OutcomeStatus,
    Person,
    StaffRole,
    Team,
)
from conversations.models.records import BACKSTOP_REVIEW_MONTHS, add_months
from frameworks.equivalence import equivalence_graph
from frameworks.models import FrameworkVersion, Role

# When two older outcomes become one current outcome (users 2007 "living as you want" and
# "living where you want"), the less achieved status stands for both: a summary should not
# hide that one part is not going well. "Not applicable" gives way to any real status.
STATUS_RANK: dict[str, int] = {
    OutcomeStatus.NOT_ACHIEVED: 0,
    OutcomeStatus.PARTLY_ACHIEVED: 1,
    OutcomeStatus.ACHIEVED: 2,
    OutcomeStatus.NOT_APPLICABLE: 3,
}
ROLE_ORDER: dict[str, int] = {Role.USER: 0, Role.CARER: 1}
ROLE_PHRASES: dict[str, str] = {
    Role.USER: "a person who uses services",
    Role.CARER: "an unpaid carer",
}


@dataclass(frozen=True)
class StatusAtReview:
    """One outcome's status at one review, already mapped to the latest framework version.

    ``outcome``/``label``/``order`` describe the current outcome; ``current`` is False for an
    outcome dropped from the framework without an equivalent (it keeps its own label).
    ``status`` is the person's view; ``practitioner_status`` and ``carer_status`` (a carer's
    or relative's view) are blank unless they differ.
    """

    role: str
    outcome: str
    label: str
    order: int
    current: bool
    conversation_id: int
    date_held: date
    status: str
    practitioner_status: str
    carer_status: str = ""


@dataclass(frozen=True)
class _Target:
    code: str
    label: str
    order: int
    current: bool


def _superseded(version_ref: str) -> Exists:
    """True when a published version names this one as its ``previous``."""
    return Exists(FrameworkVersion.objects.published().filter(previous=OuterRef(version_ref)))


def _equivalence_targets(outcome_ids: set[int]) -> dict[int, list[_Target]]:
    """Where each superseded outcome ends up in the latest version, following chains
    (2007 → 2012 → …): ``EquivalenceGraph.latest``, the graph read once per request."""
    graph = equivalence_graph()
    return {
        outcome_id: [
            _Target(node.code, node.label, node.order, node.current)
            for node in graph.latest(outcome_id)
        ]
        for outcome_id in outcome_ids
        if outcome_id in graph.nodes
    }


def _least_achieved(first: str, second: str) -> str:
    if not first or not second:
        return first or second
    return min(first, second, key=lambda status: STATUS_RANK.get(status, len(STATUS_RANK)))


def outcome_history(person: Person, *, user: Any) -> list[StatusAtReview]:
    """Every status recorded at review in ``person``'s completed conversations that ``user``
    may read, mapped to the latest framework version, ordered by role, outcome and date.

    Drafts are left out: only signed-off conversations count. Outcomes from older versions
    are shown as their equivalents in the latest version; an outcome that was split counts
    towards each part, and outcomes that were merged show the less achieved status.
    """
    visible = Conversation.objects.visible_to(user).filter(
        subject=person, status=ConversationStatus.COMPLETED
    )
    records = list(
        OutcomeRecord.objects.filter(conversation__in=visible.values("pk"))
        .exclude(status="")
        .annotate(superseded=_superseded("outcome__version"))
        .values(
            "conversation_id",
            "conversation__date_held",
            "conversation__subject_role",
            "outcome_id",
            "outcome__code",
            "outcome__label",
            "outcome__order",
            "superseded",
            "status",
            "practitioner_status",
            "carer_status",
        )
    )
    older = {r["outcome_id"] for r in records if r["superseded"]}
    mapped = _equivalence_targets(older) if older else {}

    merged: dict[tuple[str, str, int], StatusAtReview] = {}
    for record in records:
        own = _Target(
            record["outcome__code"],
            record["outcome__label"],
            record["outcome__order"],
            not record["superseded"],
        )
        practitioner, carer = (
            "" if view == record["status"] else view
            for view in (record["practitioner_status"], record["carer_status"])
        )
        for target in mapped.get(record["outcome_id"]) or [own]:
            key = (record["conversation__subject_role"], target.code, record["conversation_id"])
            before = merged.get(key)
            merged[key] = StatusAtReview(
                role=record["conversation__subject_role"],
                outcome=target.code,
                label=target.label,
                order=target.order,
                current=target.current,
                conversation_id=record["conversation_id"],
                date_held=record["conversation__date_held"],
                status=_least_achieved(before.status if before else "", record["status"]),
                practitioner_status=_least_achieved(
                    before.practitioner_status if before else "", practitioner
                ),
                carer_status=_least_achieved(before.carer_status if before else "", carer),
            )
    return sorted(
        merged.values(),
        key=lambda r: (
            ROLE_ORDER.get(r.role, 9),
            not r.current,
            r.order,
            r.outcome,
            r.date_held,
            r.conversation_id,
        ),
    )


# --- pivoting rows into tables (no database) ----------------------------------------------


@dataclass(frozen=True)
class Review:
    conversation_id: int
    date_held: date


@dataclass(frozen=True)
class Cell:
    status: str
    practitioner_status: str = ""
    carer_status: str = ""

    @property
    def text(self) -> str:
        views = [
            f"{whose}: {OutcomeStatus(view).label.lower()}"
            for whose, view in (
                ("practitioner's view", self.practitioner_status),
                ("carer's or relative's view", self.carer_status),
            )
            if view
        ]
        words = OutcomeStatus(self.status).label
        return f"{words} ({'; '.join(views)})" if views else words


@dataclass
class OutcomeLine:
    outcome: str
    label: str
    current: bool
    cells: list[Cell | None]


@dataclass
class RoleHistory:
    """One role's outcomes over time: ``reviews`` are the table's columns, oldest first, and
    each line has one cell per review (None where the outcome had no status then)."""

    role: str
    reviews: list[Review]
    outcomes: list[OutcomeLine]
    rows: list[StatusAtReview] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def role_phrase(self) -> str:
        return ROLE_PHRASES.get(self.role, self.role_label.lower())


def history_by_role(rows: Iterable[StatusAtReview]) -> list[RoleHistory]:
    by_role: dict[str, list[StatusAtReview]] = defaultdict(list)
    for row in rows:
        by_role[row.role].append(row)
    histories = []
    for role in sorted(by_role, key=lambda r: ROLE_ORDER.get(r, 9)):
        role_rows = by_role[role]
        reviews = sorted(
            {Review(r.conversation_id, r.date_held) for r in role_rows},
            key=lambda review: (review.date_held, review.conversation_id),
        )
        column = {review.conversation_id: index for index, review in enumerate(reviews)}
        lines: dict[str, OutcomeLine] = {}
        for row in role_rows:  # already in outcome order
            line = lines.setdefault(
                row.outcome, OutcomeLine(row.outcome, row.label, row.current, [None] * len(reviews))
            )
            line.cells[column[row.conversation_id]] = Cell(
                row.status, row.practitioner_status, row.carer_status
            )
        histories.append(RoleHistory(role, reviews, list(lines.values()), role_rows))
    return histories


# --- the printable summary -----------------------------------------------------------------


# Words for a summary handed to the person: spoken to them, without codes.
OWNER_HEADINGS: dict[str, str] = {
    ActionOwner.PERSON: "You",
    ActionOwner.FAMILY: "Your family or friends",
    ActionOwner.COMMUNITY: "People and groups in your community",
    ActionOwner.SERVICES: "Services",
    "": "Still to decide who",
}
STATUS_WORDS: dict[str, str] = {
    OutcomeStatus.ACHIEVED: "this is happening for you now",
    OutcomeStatus.PARTLY_ACHIEVED: "this is partly happening for you now",
    OutcomeStatus.NOT_ACHIEVED: "this is not happening for you yet",
    OutcomeStatus.NOT_APPLICABLE: "this does not apply to you just now",
}
OWNER_WORDS: dict[str, str] = {
    ActionOwner.PERSON: "you",
    ActionOwner.FAMILY: "your family or friends",
    ActionOwner.COMMUNITY: "people in your community",
    ActionOwner.SERVICES: "services",
}
ROLE_HEADINGS: dict[str, str] = {
    Role.USER: "About your support",
    Role.CARER: "About your caring",
}


@dataclass(frozen=True)
class SummaryAction:
    what: str
    owner: str
    due: date | None
    outcome: str  # the label of the outcome it is about

    @property
    def who(self) -> str:
        """Who will do it, said to the person ("you", "services"); blank if not decided."""
        return OWNER_WORDS.get(self.owner, "")


@dataclass
class SummaryGoal:
    words: str
    status: str

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, "")


@dataclass
class SummaryOutcome:
    label: str
    words: str
    status: str
    actions: list[SummaryAction]
    goals: list[SummaryGoal] = field(default_factory=list)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, "")


@dataclass
class OwnerGroup:
    owner: str
    actions: list[SummaryAction]

    @property
    def heading(self) -> str:
        return OWNER_HEADINGS.get(self.owner, self.owner)


@dataclass
class RoleSummary:
    """What the person said and what was agreed in their latest completed conversation in one
    role."""

    role: str
    conversation: Conversation
    outcomes: list[SummaryOutcome]
    by_owner: list[OwnerGroup]

    @property
    def heading(self) -> str:
        return ROLE_HEADINGS.get(self.role, "")

    @property
    def has_actions(self) -> bool:
        return any(group.actions for group in self.by_owner)


OWNER_ORDER = list(OWNER_HEADINGS)


def _latest_completed(person: Person, *, user: Any) -> list[Conversation]:
    """The latest completed conversation per role, in role order (one query: a person has a
    handful of conversations, and only their dates and roles are compared)."""
    conversations: QuerySet[Conversation] = (
        Conversation.objects.visible_to(user)
        .filter(subject=person, status=ConversationStatus.COMPLETED)
        .select_related("team", "practitioner")
        .latest_first()
    )
    latest: dict[str, Conversation] = {}
    for conversation in conversations:
        latest.setdefault(conversation.subject_role, conversation)
    return sorted(latest.values(), key=lambda c: ROLE_ORDER.get(c.subject_role, 9))


def person_summary(person: Person, *, user: Any) -> list[RoleSummary]:
    """For each role, the latest completed conversation ``user`` may read: the outcomes that
    matter to the person (or have actions), with their words and the actions agreed."""
    latest = _latest_completed(person, user=user)
    if not latest:
        return []
    records = (
        OutcomeRecord.objects.filter(conversation__in=latest)
        .filter(Q(matters=True) | Q(actions__isnull=False))
        .distinct()
        .select_related("outcome")
        .prefetch_related("actions", "goals")
        .order_by("conversation_id", "outcome__order")
    )
    per_conversation: dict[int, list[OutcomeRecord]] = defaultdict(list)
    for record in records:
        per_conversation[record.conversation_id].append(record)

    summaries = []
    for conversation in latest:
        outcomes = []
        owners: dict[str, list[SummaryAction]] = {owner: [] for owner in OWNER_ORDER}
        for record in per_conversation[conversation.pk]:
            actions = [
                SummaryAction(a.what.strip(), a.owner, a.due, record.outcome.label)
                for a in record.actions.all()
                if a.what.strip()
            ]
            goals = [SummaryGoal(g.words, g.status) for g in record.goals.all()]
            outcomes.append(
                SummaryOutcome(record.outcome.label, record.words, record.status, actions, goals)
            )
            for action in actions:
                owners.setdefault(action.owner, []).append(action)
        summaries.append(
            RoleSummary(
                role=conversation.subject_role,
                conversation=conversation,
                outcomes=outcomes,
                by_owner=[OwnerGroup(owner, acts) for owner, acts in owners.items() if acts],
            )
        )
    return summaries


# --- the person and their carers, side by side -----------------------------------------------


@dataclass
class SideView:
    """One column of "the person and their carers": whose view, their latest signed-off
    conversation in that role (about this person, for a carer) and the outcomes that mattered."""

    who: Person
    role: str
    conversation: Conversation | None
    outcomes: list[OutcomeRecord]


def person_with_carers(
    person: Person, *, user: Any, carers: Iterable[Person] | None = None
) -> list[SideView]:
    """The person's own latest signed-off conversation as someone who uses services, beside
    each carer's latest signed-off conversation as a carer about them (or about caring for
    more than one person), among the carers and conversations ``user`` may read. Empty when the
    person has no carer the user may see. ``carers``: the person's carers the user may see, when
    already read (the person page prefetches them); otherwise one more query. Two queries
    besides, whatever the number of carers."""
    if carers is None:
        carers = Person.objects.visible_to(user).filter(cares_for=person).order_by("ref")
    carers = list(carers)
    if not carers:
        return []
    latest: dict[tuple[int, str], Conversation] = {}
    for conversation in (
        Conversation.objects.visible_to(user)
        .completed()
        .filter(
            Q(subject=person, subject_role=Role.USER)
            | Q(subject__in=carers, subject_role=Role.CARER)
            & (Q(cared_for=person) | Q(cared_for__isnull=True))
        )
        .select_related("team")
        .latest_first()
    ):
        latest.setdefault((conversation.subject_id, conversation.subject_role), conversation)
    records: dict[int, list[OutcomeRecord]] = defaultdict(list)
    for record in (
        OutcomeRecord.objects.filter(conversation__in=latest.values(), matters=True)
        .select_related("outcome")
        .order_by("outcome__order")
    ):
        records[record.conversation_id].append(record)

    def side(who: Person, role: str) -> SideView:
        conversation = latest.get((who.pk, role))
        return SideView(who, role, conversation, records[conversation.pk] if conversation else [])

    return [side(person, Role.USER), *(side(carer, Role.CARER) for carer in carers)]


# --- the caseload: what is waiting for a practitioner or a team ------------------------------

# "Reviews due" looks this many days ahead.
REVIEW_DUE_WINDOW_DAYS = 28
# The home page lists at most this many rows per list; the counts are always complete.
CASELOAD_LIST_LIMIT = 100


def drafts_of_kind(
    *, subject: Person, role: str, type: str, user: Any = None
) -> QuerySet[Conversation]:
    """The person's drafts in ``role`` of conversation ``type`` (those ``user`` may continue,
    when given), oldest first: what starting a conversation of that kind should offer to
    continue instead."""
    drafts = Conversation.objects.editable_by(user) if user is not None else Conversation.objects
    return (
        drafts.drafts()
        .filter(subject=subject, subject_role=role, type=type)
        .select_related("team", "practitioner")
        .order_by("created_at", "pk")
    )


def drafts_for_person(person: Person, *, user: Any) -> QuerySet[Conversation]:
    """The person's drafts that ``user`` may continue, oldest first."""
    return (
        Conversation.objects.editable_by(user)
        .drafts()
        .filter(subject=person)
        .select_related("team", "practitioner")
        .order_by("created_at", "pk")
    )


def draft_age_days(conversation: Conversation, *, today: date) -> int:
    """Whole days since the draft was started (0 on the day itself)."""
    return max((today - timezone.localtime(conversation.created_at).date()).days, 0)


def my_drafts(user: Any, *, today: date) -> list[Conversation]:
    """Drafts the user holds (``practitioner`` is the user) in their teams, oldest first, each
    with ``age_days``."""
    drafts = list(
        Conversation.objects.editable_by(user)
        .drafts()
        .filter(practitioner=user)
        .select_related("subject")
        .order_by("created_at", "pk")[:CASELOAD_LIST_LIMIT]
    )
    for draft in drafts:
        draft.age_days = draft_age_days(draft, today=today)
    return drafts


def latest_completed(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Of ``conversations``, the completed ones that are the person's latest completed
    conversation in that role anywhere (a later one held by another team or practitioner
    takes the follow-up over)."""
    later = Conversation.objects.completed().filter(
        subject=OuterRef("subject"), subject_role=OuterRef("subject_role")
    )
    later = later.filter(
        Q(date_held__gt=OuterRef("date_held"))
        | Q(date_held=OuterRef("date_held"), pk__gt=OuterRef("pk"))
    )
    return conversations.completed().filter(~Exists(later))


def _overdue(today: date) -> Q:
    """The review date has passed; or, where no review date was set (conversations signed
    off before review dates existed, or imported), the conversation is more than twelve
    months old: the reporting rule's backstop."""
    return Q(review_due__lt=today) | Q(
        review_due__isnull=True, date_held__lt=add_months(today, -BACKSTOP_REVIEW_MONTHS)
    )


def _due_by(day: date) -> Q:
    return Q(review_due__lte=day) | Q(
        review_due__isnull=True, date_held__lte=add_months(day, -BACKSTOP_REVIEW_MONTHS)
    )


def review_by(conversation: Conversation) -> date:
    """When the person should next be reviewed after ``conversation``: its review date, or
    twelve months on where none was set."""
    return conversation.review_due or add_months(conversation.date_held, BACKSTOP_REVIEW_MONTHS)


def reviews_queue(
    conversations: QuerySet[Conversation], *, today: date, user: Any
) -> tuple[list[Conversation], list[Conversation]]:
    """``(overdue, due)``: people whose latest completed conversation among
    ``conversations`` is overdue for review, or due within ``REVIEW_DUE_WINDOW_DAYS``.

    One query. Each conversation carries ``review_by`` (date), ``days`` (days overdue, or days
    left) and ``draft_in_progress`` (the pk of a draft with the same person in the same role,
    or None: that draft is the review in progress, to continue rather than start). Only
    drafts ``user`` may continue are offered: another team's draft is not theirs to open.
    """
    drafts = (
        Conversation.objects.editable_by(user)
        .drafts()
        .filter(subject=OuterRef("subject"), subject_role=OuterRef("subject_role"))
    )
    rows = list(
        latest_completed(conversations)
        .filter(_due_by(today + timedelta(days=REVIEW_DUE_WINDOW_DAYS)))
        .annotate(draft_in_progress=Subquery(drafts.order_by("-pk").values("pk")[:1]))
        .select_related("subject")
        .order_by("review_due", "date_held", "pk")[:CASELOAD_LIST_LIMIT]
    )
    overdue, due = [], []
    for row in rows:
        row.review_by = review_by(row)
        row.days = abs((today - row.review_by).days)
        (overdue if row.review_by < today else due).append(row)
    overdue.sort(key=lambda r: (r.review_by, r.pk))
    due.sort(key=lambda r: (r.review_by, r.pk))
    return overdue, due


def my_reviews(user: Any, *, today: date) -> tuple[list[Conversation], list[Conversation]]:
    """``(overdue, due)`` for the people the user saw last (their latest completed
    conversation was held by the user, in one of the user's teams)."""
    return reviews_queue(
        Conversation.objects.editable_by(user).filter(practitioner=user), today=today, user=user
    )


def people_seen_recently(user: Any, *, limit: int = 10) -> QuerySet[Person]:
    """People in the user's teams whom the user held a conversation with (draft or signed
    off), latest first. Annotates ``last_seen`` (the latest date held) and
    ``last_conversation`` (its pk)."""
    mine = (
        Conversation.objects.editable_by(user)
        .filter(practitioner=user, subject=OuterRef("pk"))
        .order_by("-date_held", "-pk")
    )
    return (
        Person.objects.filter(pk__in=Person.objects.editable_by(user).values("pk"))
        .filter(Exists(mine))
        .annotate(
            last_seen=Subquery(mine.values("date_held")[:1]),
            last_conversation=Subquery(mine.values("pk")[:1]),
        )
        .select_related("client_group")
        .order_by("-last_seen", "ref")[:limit]
    )


def people_recently_active(user: Any, *, limit: int = 10) -> QuerySet[Person]:
    """People in the user's teams, most recent activity first: a conversation with them
    started, saved or signed off, or their own details changed. Annotates
    ``last_activity``. Only conversations the user may read count: another team's work with
    the person is not the user's to see, not even when it happened."""
    latest_conversation = (
        Conversation.objects.visible_to(user)
        .filter(subject=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    return (
        Person.objects.filter(pk__in=Person.objects.editable_by(user).values("pk"))
        .annotate(
            last_activity=Greatest(
                Coalesce(Subquery(latest_conversation), "updated_at"), "updated_at"
            )
        )
        .select_related("client_group")
        .order_by("-last_activity", "ref")[:limit]
    )


@dataclass
class PractitionerQueue:
    """One practitioner's (or nobody's: ``user`` None) waiting work in one team."""

    user: Any
    old_drafts: int = 0
    overdue: int = 0
    draft_list: list[Conversation] = field(default_factory=list)
    overdue_list: list[Conversation] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.user is None:
            return "No practitioner recorded"
        return self.user.get_full_name() or self.user.get_username()

    @property
    def anchor(self) -> str:
        return f"practitioner-{self.user.pk if self.user else 'none'}"


@dataclass
class TeamQueue:
    team: Team
    practitioners: list[PractitionerQueue]

    @property
    def old_drafts(self) -> int:
        return sum(p.old_drafts for p in self.practitioners)

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.practitioners)


def team_queues(user: Any, *, today: date, old_draft_days: int) -> list[TeamQueue]:
    """For each team the user leads, per member of staff (practitioners and team leaders):
    drafts started more than ``old_draft_days`` days ago and people overdue for review
    (counted by who held their latest conversation). Counts are grouped in the database;
    the lists behind them are capped at ``CASELOAD_LIST_LIMIT`` each. Six queries."""
    teams = list(Team.objects.led_by(user).order_by("name"))
    started_before = timezone.make_aware(
        datetime.combine(today - timedelta(days=old_draft_days), time.min)
    )
    in_teams = Conversation.objects.filter(team__in=teams)
    old_drafts = in_teams.drafts().filter(created_at__lt=started_before)
    overdue = latest_completed(in_teams).filter(_overdue(today))

    queues: dict[tuple[int, int | None], PractitionerQueue] = {}
    staff = (
        Membership.objects.filter(team__in=teams, role__in=StaffRole.team_roles())
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    for membership in staff:
        queues.setdefault(
            (membership.team_id, membership.user_id), PractitionerQueue(user=membership.user)
        )

    def queue(team_id: int, conversation: Conversation | None, user_id: int | None):
        key = (team_id, user_id)
        if key not in queues:
            queues[key] = PractitionerQueue(
                user=conversation.practitioner if conversation else None
            )
        return queues[key]

    lists = {
        "draft_list": old_drafts.order_by("created_at", "pk"),
        "overdue_list": overdue.order_by("review_due", "date_held", "pk"),
    }
    for attribute, rows in lists.items():
        for row in rows.select_related("subject", "practitioner")[:CASELOAD_LIST_LIMIT]:
            if attribute == "draft_list":
                row.age_days = draft_age_days(row, today=today)
            else:
                row.review_by = review_by(row)
                row.days = (today - row.review_by).days
            getattr(queue(row.team_id, row, row.practitioner_id), attribute).append(row)
    counts = {"old_drafts": old_drafts, "overdue": overdue}
    for attribute, rows in counts.items():
        for row in rows.values("team_id", "practitioner_id").annotate(n=Count("pk")).order_by():
            setattr(queue(row["team_id"], None, row["practitioner_id"]), attribute, row["n"])
    return [
        TeamQueue(
            team=team,
            practitioners=[q for (team_id, _), q in queues.items() if team_id == team.pk],
        )
        for team in teams
    ]


def teams_led_with_counts(user: Any) -> QuerySet[Team]:
    """The teams ``user`` leads, annotated with ``practitioner_count`` (memberships with the
    practitioner role; team leaders are not counted) and ``people_count`` (people allocated).

    Both are subqueries: counting through ``memberships`` directly would reuse the join that
    ``led_by`` filters on, and count only the leader's own membership."""
    practitioners = (
        Membership.objects.filter(team=OuterRef("pk"), role=StaffRole.PRACTITIONER)
        .order_by()
        .values("team")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    people = (
        Person.teams.through.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("person"))
        .values("n")
    )
    return (
        Team.objects.filter(pk__in=Team.objects.led_by(user).values("pk"))
        .select_related("partnership")
        .annotate(
            practitioner_count=Coalesce(Subquery(practitioners), 0),
            people_count=Coalesce(Subquery(people), 0),
        )
        .order_by("name")
    )
