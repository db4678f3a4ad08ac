"""Conversations: an assessment, support plan or review held with one person, recorded against
one published framework version, with a record per outcome and the national-measure answers.

A conversation is a ``draft`` until signed off as ``completed``. Only completed conversations
count in reports. ``revision`` increases with every save, so that two people editing the same
draft are told about each other instead of silently overwriting (optimistic locking).
"""

from __future__ import annotations

import calendar
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from conversations import request_address
from conversations.models.organisation import Partnership, Team, scope_of
from conversations.models.people import Person
from frameworks.models import Role


class ConversationType(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    SUPPORT_PLAN = "support_plan", "Support plan"
    REVIEW = "review", "Review"


class ConversationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"


class InterviewerKind(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    INDEPENDENT = "independent", "Independent interviewer"


class AnsweredBy(models.TextChoices):
    """Who gave the answers to the measures and the outcomes (issue 10)."""

    PERSON = "person", "The person"
    PERSON_WITH_SUPPORT = "person_with_support", "The person, with support"
    SOMEONE_ELSE = "someone_else", "Someone else, on their behalf"


class OutcomeStatus(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY_ACHIEVED = "partly_achieved", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_ANSWERED = "not_answered", "Not answered"


class ActionOwner(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "Family or friends"
    COMMUNITY = "community", "Community"
    SERVICES = "services", "Services"


class HelpingKind(models.TextChoices):
    """What kind of resource is helping with an outcome: for planning and commissioning."""

    FAMILY_FRIENDS = "family_friends", "Family and friends"
    COMMUNITY = "community_groups", "Community and voluntary groups"
    OWN_STRENGTHS = "own_strengths", "The person's own strengths"
    SERVICE = "the_service", "This service"
    EQUIPMENT = "equipment_adaptations", "Equipment or adaptations"
    OTHER_SERVICES = "other_services", "Other services"


# The one place that says when a conversation of each type is usually followed up, counted
# from the day it was held: an assessment leads to a support plan within about six weeks, a
# support plan is reviewed after about three months, and a review sets the next one a year on
# (the longest the reporting rule "no review in twelve months" allows). The practitioner can
# change the date at sign-off.
REVIEW_INTERVAL_DAYS: dict[str, int] = {"assessment": 42}
REVIEW_INTERVAL_MONTHS: dict[str, int] = {"support_plan": 3, "review": 12}
BACKSTOP_REVIEW_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter
    (31 January + 1 month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def default_review_due(*, type: str, date_held: date) -> date:
    """When a conversation of ``type`` held on ``date_held`` should next be reviewed."""
    if type in REVIEW_INTERVAL_DAYS:
        return date_held + timedelta(days=REVIEW_INTERVAL_DAYS[type])
    return add_months(date_held, REVIEW_INTERVAL_MONTHS.get(type, BACKSTOP_REVIEW_MONTHS))


def new_external_id() -> str:
    return f"web-{uuid.uuid4().hex[:16]}"


def readable_by(user, *, via: str = "") -> Q:
    """The conversations ``user`` may read, as a condition on the ids of ``scope_of``: held by
    one of their teams, or anywhere in a partnership they lead. ``via`` reaches the
    conversation from another model (``"conversation__"`` from an outcome record), so a
    query over records filters the conversation it already joins instead of a subquery."""
    if not user.is_authenticated:
        return Q(**{f"{via}pk__in": []})
    scope = scope_of(user)
    return Q(**{f"{via}team_id__in": scope.team_ids}) | Q(
        **{f"{via}partnership_id__in": scope.lead_partnership_ids}
    )


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConversationQuerySet:
        """Conversations a user may read (``readable_by``). Filters on ids, no join."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(readable_by(user))

    def editable_by(self, user) -> ConversationQuerySet:
        """Conversations a user may record in: held by a team they work in. Leads only read."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(team_id__in=scope_of(user).team_ids)

    def reopenable_by(self, user) -> ConversationQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(team_id__in=scope_of(user).led_team_ids)

    def completed(self) -> ConversationQuerySet:
        return self.filter(status=ConversationStatus.COMPLETED)

    def drafts(self) -> ConversationQuerySet:
        return self.filter(status=ConversationStatus.DRAFT)

    def held_between(self, first_day, last_day) -> ConversationQuerySet:
        return self.filter(date_held__gte=first_day, date_held__lte=last_day)

    def in_period(self, period) -> ConversationQuerySet:
        """Held within a ``frameworks.periods.Period`` (both ends inclusive)."""
        return self.held_between(period.first_day, period.last_day)

    def latest_first(self) -> ConversationQuerySet:
        return self.order_by("-date_held", "-completed_at", "-pk")


class Conversation(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="conversations"
    )
    external_id = models.CharField(
        "identifier",
        max_length=80,
        default=new_external_id,
        help_text="Stable identifier used in exported and imported files.",
    )
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conversations")
    subject_role = models.CharField("the person took part as", max_length=10, choices=Role.choices)
    cared_for = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carer_conversations",
        verbose_name="about the person they care for",
        help_text="A carer's conversation: which of the people they care for it is about "
        "(blank when it is about caring for more than one).",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="conversations")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations_held",
    )
    type = models.CharField(max_length=20, choices=ConversationType.choices)
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="conversations"
    )
    date_held = models.DateField()
    interviewer = models.CharField(
        "interviewer",
        max_length=20,
        choices=InterviewerKind.choices,
        default=InterviewerKind.PRACTITIONER,
    )
    with_person = models.BooleanField("the person", default=True)
    with_proxy = models.BooleanField("a proxy speaking for the person", default=False)
    with_advocate = models.BooleanField("an advocate", default=False)
    with_interpreter = models.BooleanField("an interpreter", default=False)
    with_carer = models.BooleanField("an unpaid carer", default=False)
    answered_by = models.CharField(
        "who answered",
        max_length=20,
        choices=AnsweredBy.choices,
        blank=True,
        help_text="Who gave the answers to the questions and about the outcomes.",
    )
    answered_by_relationship = models.CharField(
        "their relationship to the person",
        max_length=80,
        blank=True,
        help_text="When someone else answered: for example brother, wife, son.",
    )
    language = models.CharField(
        "language used",
        max_length=40,
        blank=True,
        help_text="The language the person answered in: for example English, Punjabi, BSL.",
    )
    summary = models.TextField("what should change, in the person's words", blank=True)
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_by",
        help_text="The earlier conversation this one reviews or builds on.",
    )
    status = models.CharField(
        max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.DRAFT
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(
        "next review by",
        null=True,
        blank=True,
        help_text="Set at sign-off; drives the caseload's reviews due and overdue.",
    )
    reopen_reason = models.TextField(
        blank=True,
        help_text="Set while a signed-off conversation is reopened; changes then are audited "
        "as changes after sign-off.",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-date_held", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "external_id"], name="unique_conversation_id"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(completed_at__isnull=False),
                name="completed_conversation_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "date_held"], name="conv_subject_date"),
            models.Index(fields=["partnership", "status", "date_held"], name="conv_scope_date"),
            models.Index(fields=["team", "status", "date_held"], name="conv_team_date"),
            # "Has this person had a review?" (coverage, caseload): a probe per person that
            # touches signed-off reviews only.
            models.Index(
                fields=["subject", "date_held"],
                name="conv_subject_review",
                condition=models.Q(status="completed", type="review"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} with {self.subject.ref} on {self.date_held:%d %b %Y}"

    @property
    def is_completed(self) -> bool:
        return self.status == ConversationStatus.COMPLETED

    @property
    def is_review(self) -> bool:
        return self.type == ConversationType.REVIEW

    def default_review_due(self) -> date:
        return default_review_due(type=self.type, date_held=self.date_held)


class OutcomeRecord(models.Model):
    """What one outcome means to the person in one conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="outcome_records"
    )
    outcome = models.ForeignKey(
        "frameworks.Outcome", on_delete=models.PROTECT, related_name="records"
    )
    matters = models.BooleanField("matters to the person now", default=False)
    words = models.TextField("in the person's own words", blank=True)
    status = models.CharField(
        "status at review", max_length=20, choices=OutcomeStatus.choices, blank=True
    )
    practitioner_status = models.CharField(
        "the practitioner's view, where it differs",
        max_length=20,
        choices=OutcomeStatus.choices,
        blank=True,
    )
    carer_status = models.CharField(
        "a carer's or relative's view, where it differs",
        max_length=20,
        choices=OutcomeStatus.choices,
        blank=True,
        help_text="What a carer or relative who took part thinks, when it differs from the "
        "person's own view (which is what the measures count).",
    )
    helping = models.TextField("what is helping", blank=True)
    barriers = models.ManyToManyField(
        "frameworks.BarrierCode", blank=True, related_name="outcome_records"
    )
    barrier_words = models.TextField("what is getting in the way", blank=True)
    themes = models.ManyToManyField(
        "conversations.Theme",
        blank=True,
        related_name="outcome_records",
        help_text="Themes of the partnership's codebook that the words of this outcome raise.",
    )

    class Meta:
        ordering = ["outcome__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "outcome"], name="unique_outcome_per_conversation"
            )
        ]
        indexes = [models.Index(fields=["outcome", "status"], name="outcome_status")]

    def __str__(self) -> str:
        return f"{self.outcome.code} in {self.conversation_id}"


class OutcomeHelp(models.Model):
    """One kind of resource that is helping with an outcome (``HelpingKind``)."""

    record = models.ForeignKey(OutcomeRecord, on_delete=models.CASCADE, related_name="helps")
    kind = models.CharField(max_length=30, choices=HelpingKind.choices)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["record", "kind"], name="unique_help_per_record")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Action(models.Model):
    """Something agreed to do about an outcome: what, who, by when."""

    record = models.ForeignKey(OutcomeRecord, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    owner = models.CharField("who", max_length=20, choices=ActionOwner.choices, blank=True)
    due = models.DateField("by when", null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.what[:60]


class Goal(models.Model):
    """One of several goals the person has under one outcome (their own words and status).

    The outcome's own status at review stays what the measures count; goals add detail."""

    record = models.ForeignKey(OutcomeRecord, on_delete=models.CASCADE, related_name="goals")
    words = models.TextField("the goal, in the person's words")
    status = models.CharField(
        "status at review", max_length=20, choices=OutcomeStatus.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.words[:60]


class MeasureAnswer(models.Model):
    """The answer to one national-measure question in one conversation."""

    # Indexed by the unique constraint and by ``answer_counting``, which both lead with it.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="measure_answers", db_index=False
    )
    measure = models.ForeignKey(
        "frameworks.Measure", on_delete=models.PROTECT, related_name="answers"
    )
    answer = models.CharField(max_length=20, choices=Answer.choices, default=Answer.NOT_ANSWERED)

    class Meta:
        ordering = ["measure__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "measure"], name="unique_answer_per_measure"
            )
        ]
        indexes = [
            # Covers the counting of measures: from the conversations in scope to their
            # answers without reading the answers table itself.
            models.Index(fields=["conversation", "measure", "answer"], name="answer_counting")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.answer}"


class AuditAction(models.TextChoices):
    VIEWED_PERSON = "viewed_person", "Opened a person's record"
    VIEWED_CONVERSATION = "viewed_conversation", "Opened a conversation"
    VIEWED_DRILLDOWN = "viewed_drilldown", "Read their words behind a report figure"
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    COMPLETED = "completed", "Signed off"
    REOPENED = "reopened", "Reopened"
    IMPORTED = "imported", "Imported"
    SUBJECT_ACCESS = "subject_access", "Downloaded everything held (subject access)"
    ANONYMISED = "anonymised", "Anonymised (name, date of birth and words removed)"
    VIEWED_HISTORY = "viewed_history", "Read a conversation's history"
    VIEWED_SUMMARY = "viewed_summary", "Opened a printable summary"
    VIEWED_PEOPLE_LIST = "viewed_people_list", "Listed or searched people"
    VIEWED_COVERAGE_LIST = "viewed_coverage_list", "Listed people with no review in a year"
    VIEWED_ACCESS_LOG = "viewed_access_log", "Read who has accessed a person's record"
    DOWNLOADED_CSV = "downloaded_csv", "Downloaded a dashboard table"
    DOWNLOADED_AUDIT = "downloaded_audit", "Downloaded the partnership's audit"
    PRODUCED_RETURN = "produced_return", "Produced a national return"
    DOWNLOADED_RETURN = "downloaded_return", "Downloaded a national return"
    EXPORTED = "exported", "Exported conversations (command line)"
    PERSON_CREATED = "person_created", "Added a person"
    PERSON_CHANGED = "person_changed", "Changed a person's details"
    TARGET_CREATED = "target_created", "Set a target"
    TARGET_CHANGED = "target_changed", "Changed a target"
    TARGET_DELETED = "target_deleted", "Removed a target"
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    ADMIN_VIEWED = "admin_viewed", "Read personal data in the admin"
    THEME_CREATED = "theme_created", "Added a theme to the codebook"
    THEME_CHANGED = "theme_changed", "Changed a theme of the codebook"
    VIEWED_THEMES = "viewed_themes", "Read the themes in people's words, with examples"
    WORDS_CODED = "words_coded", "Coded words with a theme (in bulk)"


class AuditEvent(models.Model):
    """Append-only: who did what to which record, and when (and why, for reopening).

    ``changes`` maps a field (``outcome:<code>.<field>`` for outcome parts) to
    ``[before, after]``; since issue 8 a text field maps to ``["changed"]`` (the words stay in
    the record, never in its audit). ``detail`` holds ids and names of things (a table, a
    period, the ids of the people a list showed), never anyone's words. ``ip_address`` is the
    client's address as the reverse proxy saw it. Rows are written only through
    ``conversations.audit.audit`` and never updated (PostgreSQL refuses it by trigger).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A user named in the audit is deactivated, never deleted: the audit keeps who did it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    conversation = models.ForeignKey(
        Conversation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    after_sign_off = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        # A row written while answering a request, however deep in a service, says where the
        # request came from (``RequestAddressMiddleware``).
        if self._state.adding and self.ip_address is None:
            self.ip_address = request_address.current()
        super().save(*args, **kwargs)
