"""Writes about conversations: start one, save a draft, sign it off, reopen it.

Each function is one transaction. Saving compares the revision the editor started from with
the stored one, so that a second editor gets a conflict instead of overwriting the first.
Every write leaves an ``AuditEvent``; changes to a conversation that has been signed off before
carry ``after_sign_off`` and the reason it was reopened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from conversations.audit import audit, without_words
from conversations.models import (
    Action,
    Answer,
    AnsweredBy,
    AuditAction,
    AuditEvent,
    Conversation,
    ConversationStatus,
    ConversationType,
    Goal,
    InterviewerKind,
    MeasureAnswer,
    OutcomeHelp,
    OutcomeRecord,
    OutcomeStatus,
    Person,
    Team,
    Theme,
)
from conversations.models.records import BACKSTOP_REVIEW_MONTHS, add_months
from conversations.selectors import drafts_of_kind
from frameworks import dates
from frameworks.equivalence import equivalence_graph
from frameworks.models import BarrierCode, FrameworkVersion, Measure, Role

# Autosaves by the same person within this window are folded into one history entry.
AUDIT_FOLD_WINDOW = timedelta(minutes=15)


class ConflictError(Exception):
    """Someone saved the conversation after the editor loaded it."""

    def __init__(self, conversation: Conversation) -> None:
        super().__init__(f"{conversation} was changed by someone else")
        self.conversation = conversation


class ReadOnlyError(Exception):
    """The conversation is signed off: reopen it first."""


class AlreadyOpenError(Exception):
    """The conversation is not signed off (reopened already, or never signed off)."""


@dataclass
class ActionData:
    what: str
    owner: str = ""
    due: date | None = None


@dataclass
class GoalData:
    """One of several goals under an outcome: the person's words and its own status."""

    words: str
    status: str = ""


@dataclass
class OutcomeData:
    matters: bool = False
    words: str = ""
    status: str = ""
    practitioner_status: str = ""
    carer_status: str = ""
    helping: str = ""
    helping_kinds: list[str] = field(default_factory=list)
    barriers: list[str] = field(default_factory=list)
    barrier_words: str = ""
    # Theme codes of the partnership's codebook; None: not given, keep what is stored.
    themes: list[str] | None = None
    actions: list[ActionData] = field(default_factory=list)
    goals: list[GoalData] = field(default_factory=list)


@dataclass
class ConversationData:
    """Everything the recording page edits, keyed by codes (outcome code, measure code)."""

    date_held: date
    interviewer: str
    with_person: bool = True
    with_proxy: bool = False
    with_advocate: bool = False
    with_interpreter: bool = False
    with_carer: bool = False
    answered_by: str = ""
    answered_by_relationship: str = ""
    language: str = ""
    summary: str = ""
    outcomes: dict[str, OutcomeData] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A relationship says who answered on the person's behalf; with anyone else it means
        # nothing and is not kept.
        self.answered_by_relationship = self.answered_by_relationship.strip()
        if self.answered_by != AnsweredBy.SOMEONE_ELSE:
            self.answered_by_relationship = ""
        self.language = self.language.strip()


DETAIL_FIELDS = (
    "date_held",
    "interviewer",
    "with_person",
    "with_proxy",
    "with_advocate",
    "with_interpreter",
    "with_carer",
    "answered_by",
    "answered_by_relationship",
    "language",
    "summary",
)
RECORD_FIELDS = (
    "matters",
    "words",
    "status",
    "practitioner_status",
    "carer_status",
    "helping",
    "barrier_words",
)
# Parts of an outcome record stored as rows of their own, replaced as a whole when they change.
REPLACED_PARTS = ("helping_kinds", "barriers", "actions", "goals")


def validate_date_held(*, date_held: date, subject: Person) -> None:
    """The plausible-date rule (``frameworks.dates``), reported against ``date_held``."""
    try:
        dates.validate_date_held(date_held, born=subject.date_of_birth)
    except ValidationError as error:
        raise ValidationError({"date_held": error.messages}) from error


def last_conversation(subject: Person, *, role: str, team: Team) -> Conversation | None:
    """The person's latest conversation in ``role`` held by ``team``: what a new one started by
    that team follows. Another team's conversations are never followed, even when the person
    is allocated to both (need to know: the team's own staff could not read them)."""
    return (
        Conversation.objects.filter(subject=subject, subject_role=role, team=team)
        .select_related("framework_version")
        .latest_first()
        .first()
    )


@transaction.atomic
def conversation_start(
    *,
    subject: Person,
    role: str,
    type: str,
    team: Team,
    framework_version: FrameworkVersion,
    date_held: date,
    by,
    interviewer: str = "practitioner",
    allow_second_draft: bool = False,
    cared_for: Person | None = None,
) -> Conversation:
    """Create a draft with a record for every outcome of the version and a (not yet answered)
    question for every national measure asked of the subject's role. A review follows the
    person's last conversation held by the same ``team`` (see ``last_conversation``): the
    outcomes that mattered then are marked as mattering now.

    When the person already has a draft of the same kind (role and type) that ``by`` may
    continue, a second one is only made with ``allow_second_draft``: otherwise the draft is
    left to be continued."""
    validate_date_held(date_held=date_held, subject=subject)
    if framework_version.framework.role != role:
        raise ValidationError("That framework is not for this kind of conversation.")
    if cared_for is not None and (
        role != Role.CARER or not subject.cares_for.filter(pk=cared_for.pk).exists()
    ):
        raise ValidationError(
            {
                "cared_for": "Choose one of the people this carer cares for, in a conversation "
                "with them as a carer."
            }
        )
    if not allow_second_draft:
        # Lock the person so that two clicks on "Start" cannot both find no draft.
        Person.objects.select_for_update().filter(pk=subject.pk).first()
        if drafts_of_kind(subject=subject, role=role, type=type, user=by).exists():
            raise ValidationError(
                {
                    "start_anyway": "There is already a draft "
                    f"{ConversationType(type).label.lower()} for this person: continue it, or "
                    "tick the box to start a second one."
                }
            )
    follows = last_conversation(subject, role=role, team=team)
    conversation = Conversation.objects.create(
        partnership=subject.partnership,
        subject=subject,
        subject_role=role,
        cared_for=cared_for,
        team=team,
        practitioner=by,
        type=type,
        framework_version=framework_version,
        date_held=date_held,
        interviewer=interviewer,
        follows=follows,
        created_by=by,
        updated_by=by,
    )
    mattered: set[str] = set()
    if follows is not None and type != ConversationType.ASSESSMENT:
        mattered = set(
            follows.outcome_records.filter(matters=True).values_list("outcome__code", flat=True)
        )
        mattered |= set(
            follows.outcome_records.filter(
                matters=True, outcome__equivalent_later__later__version=framework_version
            ).values_list("outcome__equivalent_later__later__code", flat=True)
        )
    OutcomeRecord.objects.bulk_create(
        OutcomeRecord(conversation=conversation, outcome=outcome, matters=outcome.code in mattered)
        for outcome in framework_version.outcomes.all()
    )
    MeasureAnswer.objects.bulk_create(
        MeasureAnswer(conversation=conversation, measure=measure)
        for measure in Measure.objects.for_role(role)
    )
    AuditEvent.objects.create(
        user=by,
        action=AuditAction.CREATED,
        person=subject,
        conversation=conversation,
        changes={"type": [None, type], "date_held": [None, date_held.isoformat()]},
    )
    return conversation


def conversation_add_missing_outcomes(*, conversation: Conversation) -> int:
    """Give a draft a (not mattering, empty) record for every outcome of its framework version
    that it has none for, so that any outcome can be marked as mattering while recording. A
    conversation started here has them all; an imported one only those its line listed.
    Returns how many were added. Expects ``outcome_records`` prefetched (``with_content``)."""
    have = {record.outcome_id for record in conversation.outcome_records.all()}
    missing = list(conversation.framework_version.outcomes.exclude(pk__in=have))
    if not missing:
        return 0  # the usual case: no transaction opened for nothing
    added = OutcomeRecord.objects.bulk_create(
        (OutcomeRecord(conversation=conversation, outcome=outcome) for outcome in missing),
        ignore_conflicts=True,
    )
    return len(added)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _action_text(actions) -> list[str]:
    return [
        f"{a.what.strip()} — {a.owner or 'no owner'}"
        + (f" — by {a.due.isoformat()}" if a.due else "")
        for a in actions
        if a.what.strip()
    ]


def _goal_text(goals) -> list[str]:
    return [
        g.words.strip() + (f" — {OutcomeStatus(g.status).label}" if g.status else "")
        for g in goals
        if g.words.strip()
    ]


def snapshot(conversation: Conversation) -> dict[str, object]:
    """The conversation's recorded content as flat ``key -> value`` pairs (dates as ISO
    strings, barriers as sorted codes, actions as text), for audit diffs and conflicts."""
    flat: dict[str, object] = {name: _plain(getattr(conversation, name)) for name in DETAIL_FIELDS}
    for record in conversation.outcome_records.all():
        code = record.outcome.code
        for name in RECORD_FIELDS:
            flat[f"outcome:{code}.{name}"] = getattr(record, name)
        flat[f"outcome:{code}.helping_kinds"] = sorted(h.kind for h in record.helps.all())
        flat[f"outcome:{code}.barriers"] = sorted(b.code for b in record.barriers.all())
        flat[f"outcome:{code}.themes"] = sorted(t.code for t in record.themes.all())
        flat[f"outcome:{code}.actions"] = _action_text(record.actions.all())
        flat[f"outcome:{code}.goals"] = _goal_text(record.goals.all())
    for answer in conversation.measure_answers.all():
        flat[f"measure:{answer.measure.code}"] = answer.answer
    return flat


def data_snapshot(data: ConversationData) -> dict[str, object]:
    flat: dict[str, object] = {name: _plain(getattr(data, name)) for name in DETAIL_FIELDS}
    for code, outcome in data.outcomes.items():
        for name in RECORD_FIELDS:
            flat[f"outcome:{code}.{name}"] = getattr(outcome, name)
        flat[f"outcome:{code}.helping_kinds"] = sorted(set(outcome.helping_kinds))
        flat[f"outcome:{code}.barriers"] = sorted(set(outcome.barriers))
        if outcome.themes is not None:
            flat[f"outcome:{code}.themes"] = sorted(set(outcome.themes))
        flat[f"outcome:{code}.actions"] = _action_text(outcome.actions)
        flat[f"outcome:{code}.goals"] = _goal_text(outcome.goals)
    for code, answer in data.answers.items():
        flat[f"measure:{code}"] = answer
    return flat


def differences(before: dict[str, object], after: dict[str, object]) -> dict[str, list]:
    """``key -> [before, after]`` for every key of ``after`` whose value differs."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def with_content(queryset):
    """Prefetch everything ``snapshot`` reads, in a fixed number of queries."""
    return queryset.select_related("subject", "framework_version", "team").prefetch_related(
        Prefetch(
            "outcome_records",
            queryset=OutcomeRecord.objects.select_related("outcome__domain"),
        ),
        "outcome_records__helps",
        "outcome_records__barriers",
        "outcome_records__themes",
        "outcome_records__actions",
        "outcome_records__goals",
        Prefetch("measure_answers", queryset=MeasureAnswer.objects.select_related("measure")),
    )


@transaction.atomic
def conversation_save(
    *, conversation: Conversation, data: ConversationData, by, revision: int
) -> Conversation:
    """Save the recording page. Raises ``ConflictError`` when the stored revision is not the
    one the editor started from, ``ReadOnlyError`` when signed off, ``ValidationError`` on bad
    dates. The number of queries does not depend on the number of outcomes."""
    locked = with_content(Conversation.objects.select_for_update(of=("self",))).get(
        pk=conversation.pk
    )
    if locked.status == ConversationStatus.COMPLETED:
        raise ReadOnlyError("This conversation is signed off: reopen it to make changes.")
    if locked.revision != revision:
        raise ConflictError(locked)
    validate_date_held(date_held=data.date_held, subject=locked.subject)

    changes = differences(snapshot(locked), data_snapshot(data))
    if not changes:
        return locked
    # Claim the next revision first: of two concurrent saves from the same revision only one
    # can match here, on any database, and the other rolls back as a conflict.
    claimed = Conversation.objects.filter(
        pk=locked.pk, revision=revision, status=ConversationStatus.DRAFT
    ).update(revision=F("revision") + 1)
    if not claimed:
        raise ConflictError(locked)
    locked.revision = revision + 1

    for name in DETAIL_FIELDS:
        setattr(locked, name, getattr(data, name))
    barrier_ids = dict(BarrierCode.objects.values_list("code", "pk"))
    changed_records: list[OutcomeRecord] = []
    replaced: list[OutcomeRecord] = []
    for record in locked.outcome_records.all():
        code = record.outcome.code
        incoming = data.outcomes.get(code)
        if incoming is None:
            continue
        if any(f"outcome:{code}.{name}" in changes for name in RECORD_FIELDS):
            for name in RECORD_FIELDS:
                setattr(record, name, getattr(incoming, name))
            changed_records.append(record)
        if any(f"outcome:{code}.{part}" in changes for part in REPLACED_PARTS):
            replaced.append(record)
    if changed_records:
        OutcomeRecord.objects.bulk_update(changed_records, RECORD_FIELDS)
    if replaced:
        through = OutcomeRecord.barriers.through
        through.objects.filter(outcomerecord__in=replaced).delete()
        OutcomeHelp.objects.filter(record__in=replaced).delete()
        Action.objects.filter(record__in=replaced).delete()
        Goal.objects.filter(record__in=replaced).delete()
        through.objects.bulk_create(
            through(outcomerecord_id=record.pk, barriercode_id=barrier_ids[barrier])
            for record in replaced
            for barrier in sorted(set(data.outcomes[record.outcome.code].barriers))
        )
        OutcomeHelp.objects.bulk_create(
            OutcomeHelp(record=record, kind=kind)
            for record in replaced
            for kind in sorted(set(data.outcomes[record.outcome.code].helping_kinds))
        )
        Action.objects.bulk_create(
            Action(
                record=record,
                what=action.what.strip(),
                owner=action.owner,
                due=action.due,
                order=index,
            )
            for record in replaced
            for index, action in enumerate(
                a for a in data.outcomes[record.outcome.code].actions if a.what.strip()
            )
        )
        Goal.objects.bulk_create(
            Goal(record=record, words=goal.words.strip(), status=goal.status, order=index)
            for record in replaced
            for index, goal in enumerate(
                g for g in data.outcomes[record.outcome.code].goals if g.words.strip()
            )
        )
    changed_answers = []
    for answer in locked.measure_answers.all():
        key = f"measure:{answer.measure.code}"
        if key in changes:
            answer.answer = data.answers[answer.measure.code]
            changed_answers.append(answer)
    if changed_answers:
        MeasureAnswer.objects.bulk_update(changed_answers, ["answer"])
    _replace_themes(conversation=locked, data=data, changes=changes)

    locked.updated_by = by
    locked.save(update_fields=[*DETAIL_FIELDS, "updated_by", "updated_at"])
    _audit_change(conversation=locked, by=by, changes=changes)
    return locked


def _replace_themes(*, conversation: Conversation, data: ConversationData, changes: dict) -> None:
    """Code the words of each outcome whose themes changed. A code must be one of the
    partnership's themes in use, or a retired one these words are already coded with."""
    recoded = [
        record
        for record in conversation.outcome_records.all()
        if f"outcome:{record.outcome.code}.themes" in changes
    ]
    if not recoded:
        return
    codebook = {
        theme.code: theme for theme in Theme.objects.filter(partnership=conversation.partnership_id)
    }
    rows = []
    for record in recoded:
        coded = {theme.code for theme in record.themes.all()}
        for code in sorted(set(data.outcomes[record.outcome.code].themes)):
            theme = codebook.get(code)
            if theme is None or (theme.is_retired and code not in coded):
                raise ValidationError(
                    f"“{code}” is not a theme in use in this partnership's codebook."
                )
            rows.append(OutcomeRecord.themes.through(outcomerecord_id=record.pk, theme=theme))
    through = OutcomeRecord.themes.through
    through.objects.filter(outcomerecord__in=recoded).delete()
    through.objects.bulk_create(rows)


def _audit_change(*, conversation: Conversation, by, changes: dict) -> None:
    """Append a row for every save, autosaves included: nothing already recorded is rewritten
    (the history page folds consecutive autosaves for reading). The person's words stay in the
    record, never in its audit: a text field is only recorded as ``["changed"]``."""
    audit(
        action=AuditAction.CHANGED,
        user=by,
        conversation=conversation,
        changes=without_words(changes),
        after_sign_off=conversation.reopen_reason != "",
        reason=conversation.reopen_reason,
    )


def outcome_field_id(code: str, field_name: str) -> str:
    """The id of an outcome's field on the recording page (``id_o-<code>-<field>``): the
    anchor that sign-off problems link to."""
    return f"id_o-{code}-{field_name}"


@dataclass(frozen=True)
class SignOffProblem:
    """One thing to fix (or look at) before sign-off, and the recording page field it is
    about (an element id, blank when it is about the conversation as a whole)."""

    message: str
    field_id: str = ""
    outcome: str = ""

    def __str__(self) -> str:
        return self.message

    @property
    def location(self) -> str:
        """Where on the recording page the problem is: ``?show=<outcome>#<field id>``, so that
        the link opens an outcome's card even when it is closed and JavaScript is off."""
        if not self.field_id:
            return ""
        return (f"?show={self.outcome}" if self.outcome else "") + f"#{self.field_id}"


@dataclass
class CompletionCheck:
    """Blocking problems stop sign-off; prompts are shown but do not block."""

    problems: list[SignOffProblem] = field(default_factory=list)
    prompts: list[SignOffProblem] = field(default_factory=list)

    @property
    def can_complete(self) -> bool:
        return not self.problems

    @property
    def first_field_id(self) -> str:
        """Where "back to recording" should land: the first problem's field, if any."""
        return self._first.field_id

    @property
    def first_location(self) -> str:
        return self._first.location

    @property
    def _first(self) -> SignOffProblem:
        found = (p for p in [*self.problems, *self.prompts] if p.field_id)
        return next(found, SignOffProblem(""))


def completion_check(conversation: Conversation) -> CompletionCheck:
    check = CompletionCheck()
    if not dates.is_plausible(conversation.date_held):
        # Held before imports and forms checked dates: correct it before it counts.
        check.problems.append(
            SignOffProblem(
                f"The date held ({conversation.date_held.isoformat()}) cannot be right: "
                "correct it before signing off.",
                "id_c-date_held",
            )
        )
    # Prompts in the page's order: who answered is asked about first.
    if not conversation.answered_by:
        check.prompts.append(
            SignOffProblem(
                "Say who answered: the person, with support, or someone else.", "id_c-answered_by_0"
            )
        )
    elif (
        conversation.answered_by == AnsweredBy.SOMEONE_ELSE
        and not conversation.answered_by_relationship
    ):
        check.prompts.append(
            SignOffProblem(
                "Someone else answered: say how they are related to the person.",
                "id_c-answered_by_relationship",
            )
        )
    records = list(
        conversation.outcome_records.select_related("outcome").prefetch_related("actions")
    )
    if not any(r.matters for r in records):
        check.problems.append(
            SignOffProblem(
                "Mark at least one outcome as mattering to the person.",
                outcome_field_id(records[0].outcome.code, "matters") if records else "",
                records[0].outcome.code if records else "",
            )
        )
    for record in records:
        label, code = record.outcome.label, record.outcome.code
        if conversation.is_review and record.matters and not record.status:
            check.problems.append(
                SignOffProblem(
                    f"{label}: choose a status at review.",
                    outcome_field_id(code, "status"),
                    code,
                )
            )
        if record.status and not record.words.strip():
            check.prompts.append(
                SignOffProblem(
                    f"{label}: a status has no words from the person.",
                    outcome_field_id(code, "words"),
                    code,
                )
            )
        ownerless = [i for i, action in enumerate(record.actions.all()) if not action.owner]
        if ownerless:
            # The actions formset of an outcome has the prefix ``o-<code>-a``.
            check.prompts.append(
                SignOffProblem(
                    f"{label}: an action has no owner.",
                    outcome_field_id(code, f"a-{ownerless[0]}-owner"),
                    code,
                )
            )
    unanswered = (
        conversation.measure_answers.filter(answer=Answer.NOT_ANSWERED)
        .order_by("measure__order")
        .values_list("measure__code", flat=True)
        .first()
    )
    if unanswered:
        # The first choice of the question's radio group (the measures form has prefix "m").
        check.prompts.append(
            SignOffProblem(
                "Some national-measure questions are not answered.", f"id_m-{unanswered}_0"
            )
        )
    return check


def validate_review_due(*, review_due: date, date_held: date) -> None:
    if review_due < date_held:
        raise ValidationError(
            {
                "review_due": "The next review cannot be before the day the conversation was "
                f"held ({date_held:%-d %B %Y})."
            }
        )
    latest = add_months(date_held, BACKSTOP_REVIEW_MONTHS)
    if review_due > latest:
        # Everyone is reviewed at least once a year (the reporting rule), so a later date
        # would only make the caseload disagree with the dashboard.
        raise ValidationError(
            {
                "review_due": f"The next review must be by {latest:%-d %B %Y}: people are "
                "reviewed at least once every twelve months."
            }
        )


@transaction.atomic
def conversation_complete(
    *, conversation: Conversation, by, review_due: date | None = None
) -> Conversation:
    """Sign the conversation off and set when it should next be reviewed (by default the
    usual interval for its type, see ``records.default_review_due``)."""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.status == ConversationStatus.COMPLETED:
        raise ReadOnlyError("This conversation is already signed off.")
    check = completion_check(locked)
    if not check.can_complete:
        raise ValidationError([problem.message for problem in check.problems])
    if review_due is None:
        review_due = locked.default_review_due()
    validate_review_due(review_due=review_due, date_held=locked.date_held)
    before_review_due = locked.review_due
    locked.status = ConversationStatus.COMPLETED
    locked.completed_at = timezone.now()
    locked.completed_by = by
    locked.review_due = review_due
    locked.revision = F("revision") + 1
    locked.updated_by = by
    reason = locked.reopen_reason
    locked.reopen_reason = ""
    locked.save()
    locked.refresh_from_db(fields=["revision"])
    AuditEvent.objects.create(
        user=by,
        action=AuditAction.COMPLETED,
        person_id=locked.subject_id,
        conversation=locked,
        after_sign_off=bool(reason),
        reason=reason,
        changes={"review_due": [_plain(before_review_due), review_due.isoformat()]},
    )
    return locked


@transaction.atomic
def conversation_reopen(*, conversation: Conversation, by, reason: str) -> Conversation:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the conversation is being reopened."})
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if locked.status != ConversationStatus.COMPLETED:
        raise AlreadyOpenError("Only a signed-off conversation can be reopened.")
    locked.status = ConversationStatus.DRAFT
    locked.reopen_reason = reason
    locked.revision = F("revision") + 1
    locked.updated_by = by
    locked.save()
    locked.refresh_from_db(fields=["revision"])
    AuditEvent.objects.create(
        user=by,
        action=AuditAction.REOPENED,
        person_id=locked.subject_id,
        conversation=locked,
        after_sign_off=True,
        reason=reason,
        changes={"status": ["completed", "draft"]},
    )
    return locked


FIELD_LABELS = {
    "date_held": "Date held",
    "interviewer": "Interviewer",
    "with_person": "The person took part",
    "with_proxy": "A proxy took part",
    "with_advocate": "An advocate took part",
    "with_interpreter": "An interpreter took part",
    "with_carer": "An unpaid carer took part",
    "answered_by": "Who answered",
    "answered_by_relationship": "Their relationship to the person",
    "language": "Language used",
    "summary": "What should change",
    "type": "Type",
    "status": "Status",
    "matters": "matters to the person",
    "words": "the person's words",
    "practitioner_status": "practitioner's view",
    "carer_status": "carer's or relative's view",
    "helping": "what is helping",
    "helping_kinds": "kinds of help",
    "barriers": "barriers",
    "barrier_words": "barriers in words",
    "themes": "themes",
    "actions": "actions agreed",
    "goals": "separate goals",
}


def display_value(key: str, value) -> str:
    """How a ``snapshot`` value reads on the history and conflict pages."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if key.endswith("status"):
        return str(OutcomeStatus(value).label) if value in OutcomeStatus.values else value
    if key.startswith("measure:"):
        return str(Answer(value).label) if value in Answer.values else value
    if key == "interviewer":
        return str(InterviewerKind(value).label) if value in InterviewerKind.values else value
    if key == "answered_by":
        return str(AnsweredBy(value).label) if value in AnsweredBy.values else value
    return str(value)


def outcome_labels(conversation: Conversation) -> dict[str, str]:
    return dict(conversation.framework_version.outcomes.values_list("code", "label"))


def change_label(key: str, conversation: Conversation, labels: dict[str, str] | None = None) -> str:
    """A readable name for a ``snapshot`` key: ``outcome:feeling_safe.words`` becomes
    "Feeling safe: the person's words"."""
    if key.startswith("outcome:"):
        code, _, part = key[len("outcome:") :].partition(".")
        if labels is None:
            labels = outcome_labels(conversation)
        return f"{labels.get(code, code)}: {FIELD_LABELS.get(part, part)}"
    if key.startswith("measure:"):
        return f"National measure {key[len('measure:') :]}"
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def records_by_domain(conversation: Conversation) -> list[dict]:
    """The conversation's outcome records grouped under their domains, in framework order
    (expects ``with_content`` prefetching plus ``outcome__domain``)."""
    sections: dict[int, dict] = {}
    for record in conversation.outcome_records.all():
        domain = record.outcome.domain
        sections.setdefault(domain.pk, {"domain": domain, "records": []})["records"].append(record)
    return sorted(sections.values(), key=lambda s: s["domain"].order)


def previous_conversation(conversation: Conversation, *, user) -> Conversation | None:
    """What "Last time" and "Follows" show to ``user``: the conversation this one follows (the
    one chosen when it was started in the browser) when ``user`` may read it; or else the
    latest earlier conversation with the person in the same role held by the same team, as
    ``last_conversation`` would have chosen (imported conversations, and ones that follow a
    conversation outside the user's scope). Always within ``Conversation.objects.visible_to
    (user)``: never words the user may not read."""
    visible = Conversation.objects.visible_to(user).select_related("framework_version")
    if conversation.follows_id:
        followed = visible.filter(pk=conversation.follows_id).first()
        if followed is not None:
            return followed
    return (
        visible.filter(
            subject_id=conversation.subject_id,
            subject_role=conversation.subject_role,
            team_id=conversation.team_id,
        )
        .exclude(pk=conversation.pk)
        .filter(
            Q(date_held__lt=conversation.date_held)
            | Q(date_held=conversation.date_held, pk__lt=conversation.pk)
        )
        .latest_first()
        .first()
    )


def records_mapped(
    conversation: Conversation, follows: Conversation | None
) -> dict[str, OutcomeRecord]:
    """The records of ``follows`` keyed by *this* conversation's outcome codes (an earlier
    framework version's outcomes are mapped through the equivalence graph, one step from that
    version to this one). ``follows`` must come from ``previous_conversation``, which scopes it
    to the reader. What "last time" shows: words, status, goals and actions (not barriers)."""
    if follows is None:
        return {}
    records = (
        follows.outcome_records.select_related("outcome")
        .prefetch_related("actions", "goals")
        .order_by("outcome__order")
    )
    if follows.framework_version_id == conversation.framework_version_id:
        return {record.outcome.code: record for record in records}
    graph = equivalence_graph()
    later_of: dict[int, list[int]] = {}
    for earlier, later in sorted(
        graph.links(follows.framework_version_id, conversation.framework_version_id)
    ):
        later_of.setdefault(earlier, []).append(later)
    mapped: dict[str, OutcomeRecord] = {}
    for record in records:
        for later in later_of.get(record.outcome_id, ()):
            mapped.setdefault(graph.nodes[later].code, record)
    return mapped


def previous_records(conversation: Conversation, *, user) -> dict[str, OutcomeRecord]:
    """ "Last time" for ``user``: the records of ``previous_conversation(conversation,
    user=user)``, keyed by this conversation's outcome codes."""
    return records_mapped(conversation, previous_conversation(conversation, user=user))
