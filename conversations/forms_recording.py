"""Forms of the recording page: the conversation's details, one form per outcome with its
actions, and the national-measure questions. ``RecordingForms`` binds them together and turns
valid input into a ``ConversationData`` for the service."""

from __future__ import annotations

from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations.models import (
    ActionOwner,
    Answer,
    AnsweredBy,
    Conversation,
    ConversationType,
    HelpingKind,
    InterviewerKind,
    OutcomeRecord,
    OutcomeStatus,
    Person,
    Team,
)
from conversations.services.recording import (
    DETAIL_FIELDS,
    ActionData,
    ConversationData,
    GoalData,
    OutcomeData,
    validate_review_due,
)
from frameworks.dates import is_plausible, validate_date_held
from frameworks.models import FrameworkVersion, Role

STATUS_CHOICES = [("", "Not yet rated"), *OutcomeStatus.choices]
# Posted by a recording page that offers themes; without it stored themes are kept.
THEMES_OFFERED = "themes-offered"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ConversationDetailsForm(forms.ModelForm):
    class Meta:
        model = Conversation
        fields = list(DETAIL_FIELDS)
        widgets = {
            "date_held": DateInput(),
            "interviewer": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "answered_by": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "summary": forms.Textarea(attrs={"rows": 2}),
            **{
                name: forms.CheckboxInput(attrs={"class": "form-check-input"})
                for name in DETAIL_FIELDS
                if name.startswith("with_")
            },
        }
        help_texts = {"date_held": "The day you talked, not the day you are typing."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons without a "---------" choice: none ticked is "not recorded".
        self.fields["answered_by"].choices = AnsweredBy.choices
        self.fields[
            "answered_by_relationship"
        ].help_text = "Only when someone else answered: for example brother, wife, son."

    def clean_date_held(self):
        value = self.cleaned_data["date_held"]
        born = self.instance.subject.date_of_birth if self.instance.subject_id else None
        validate_date_held(value, born=born)
        return value


class OutcomeForm(forms.Form):
    matters = forms.BooleanField(
        label="This matters to the person now",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"}),
    )
    words = forms.CharField(
        label="In the person's own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label="Status at review", choices=STATUS_CHOICES, required=False)
    practitioner_status = forms.ChoiceField(
        label="Your view, if it differs",
        choices=[("", "Same as the person's")] + list(OutcomeStatus.choices),
        required=False,
    )
    carer_status = forms.ChoiceField(
        label="A carer's or relative's view, if it differs",
        choices=[("", "Same as the person's")] + list(OutcomeStatus.choices),
        required=False,
    )
    helping = forms.CharField(
        label="What is helping", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    helping_kinds = forms.MultipleChoiceField(
        label="What kind of help is it",
        choices=HelpingKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    barriers = forms.MultipleChoiceField(
        label="What is getting in the way",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    barrier_words = forms.CharField(
        label="About the barriers, in words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    themes = forms.MultipleChoiceField(
        label="Themes in what the person said",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, barrier_choices, theme_choices=(), is_review: bool, **kwargs) -> None:
        """``theme_choices``: the partnership's themes in use, plus any retired theme these
        words are already coded with; none (no codebook) leaves the field off the page."""
        super().__init__(*args, **kwargs)
        self.fields["barriers"].choices = barrier_choices
        if theme_choices:
            self.fields["themes"].choices = theme_choices
        else:
            del self.fields["themes"]
        if not is_review:
            self.fields["status"].label = "How things are now (optional)"

    def to_data(self, actions: list[ActionData], goals: list[GoalData]) -> OutcomeData:
        data = self.cleaned_data
        return OutcomeData(
            matters=data["matters"],
            words=data["words"].strip(),
            status=data["status"],
            practitioner_status=data["practitioner_status"],
            carer_status=data["carer_status"],
            helping=data["helping"].strip(),
            helping_kinds=list(data["helping_kinds"]),
            barriers=list(data["barriers"]),
            barrier_words=data["barrier_words"].strip(),
            themes=list(data["themes"]) if "themes" in data else None,
            actions=actions,
            goals=goals,
        )


class ActionForm(forms.Form):
    what = forms.CharField(label="Action agreed", required=False, max_length=2000)
    owner = forms.ChoiceField(
        label="Who",
        choices=[("", "Not decided")] + list(ActionOwner.choices),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    due = forms.DateField(
        label="By when",
        required=False,
        widget=DateInput(attrs={"class": "form-control form-control-sm"}),
    )


ActionFormSet = forms.formset_factory(ActionForm, extra=1, can_delete=False)


class GoalForm(forms.Form):
    """One of several goals under an outcome; a goal whose words are cleared is removed."""

    words = forms.CharField(
        label="The goal, in the person's words",
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    status = forms.ChoiceField(
        label="Status of this goal",
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


GoalFormSet = forms.formset_factory(GoalForm, extra=0, can_delete=False)


class OutcomeForms(NamedTuple):
    """The forms of one outcome card: the record's fields, its actions and its goals."""

    record: OutcomeRecord
    form: OutcomeForm
    actions: forms.BaseFormSet
    goals: forms.BaseFormSet


class MeasureForm(forms.Form):
    def __init__(self, *args, measures, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for measure in measures:
            self.fields[measure.code] = forms.ChoiceField(
                label=measure.question,
                choices=Answer.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                required=False,
                initial=Answer.NOT_ANSWERED,
                help_text=f"{measure.code}: {measure.title}",
            )

    def clean(self):
        cleaned = super().clean()
        return {code: value or Answer.NOT_ANSWERED for code, value in cleaned.items()}


class RecordingForms:
    """All the forms of one recording page, built from the conversation with its content
    prefetched (see ``services.recording.with_content``)."""

    def __init__(
        self,
        conversation: Conversation,
        *,
        barrier_choices,
        themes=(),
        data=None,
        more_actions: str = "",
        more_goals: str = "",
    ) -> None:
        """``themes``: the partnership's codebook, retired themes included. A page posted
        without ``THEMES_OFFERED`` (opened before there was a codebook) keeps stored themes.
        ``more_actions`` / ``more_goals``: the outcome code whose card gets one more blank
        action or goal row (the "add another" buttons when JavaScript is off)."""
        self.conversation = conversation
        is_review = conversation.type == ConversationType.REVIEW
        self.details = ConversationDetailsForm(data, instance=conversation, prefix="c")
        self.themes_offered = bool(themes) and (data is None or THEMES_OFFERED in data)
        self.themes_offered_name = THEMES_OFFERED
        self.outcomes = []
        for record in conversation.outcome_records.all():
            prefix = f"o-{record.outcome.code}"
            coded = {theme.code for theme in record.themes.all()}
            form = OutcomeForm(
                data,
                prefix=prefix,
                barrier_choices=barrier_choices,
                theme_choices=[
                    (theme.code, f"{theme.label} (retired)" if theme.is_retired else theme.label)
                    for theme in themes
                    if not theme.is_retired or theme.code in coded
                ]
                if self.themes_offered
                else (),
                is_review=is_review,
                initial={
                    "matters": record.matters,
                    "words": record.words,
                    "status": record.status,
                    "practitioner_status": record.practitioner_status,
                    "carer_status": record.carer_status,
                    "helping": record.helping,
                    "helping_kinds": [h.kind for h in record.helps.all()],
                    "barriers": [b.code for b in record.barriers.all()],
                    "barrier_words": record.barrier_words,
                    "themes": sorted(coded),
                },
            )
            code = record.outcome.code
            # One empty row to start an outcome's first action; once it has actions, more are
            # added on request (in place with JavaScript, or by "Add another action").
            blank_rows = (0 if record.actions.all() else 1) + (more_actions == code)
            action_set = forms.formset_factory(ActionForm, extra=blank_rows, can_delete=False)
            actions = action_set(
                data,
                prefix=f"{prefix}-a",
                initial=[
                    {"what": a.what, "owner": a.owner, "due": a.due} for a in record.actions.all()
                ],
            )
            goal_set = forms.formset_factory(
                GoalForm, extra=1 if more_goals == code else 0, can_delete=False
            )
            goal_prefix = f"{prefix}-g"
            # A page opened before goals existed posts no goal forms: keep the stored goals.
            goals_posted = data is not None and f"{goal_prefix}-TOTAL_FORMS" in data
            goals = goal_set(
                data if goals_posted else None,
                prefix=goal_prefix,
                initial=[{"words": g.words, "status": g.status} for g in record.goals.all()],
            )
            self.outcomes.append(OutcomeForms(record, form, actions, goals))
        answers = list(conversation.measure_answers.all())
        self.measures = MeasureForm(
            data,
            prefix="m",
            measures=[a.measure for a in answers],
            initial={a.measure.code: a.answer for a in answers},
        )

    def all_forms(self):
        yield self.details
        for _, form, actions, goals in self.outcomes:
            yield form
            yield from goals.forms
            yield from actions.forms
        yield self.measures

    def is_valid(self) -> bool:
        valid = self.details.is_valid() & self.measures.is_valid()
        for _, form, actions, goals in self.outcomes:
            valid &= form.is_valid() & actions.is_valid()
            if goals.is_bound:
                valid &= goals.is_valid()
        return bool(valid)

    def errors(self) -> list[tuple[str, str, str]]:
        """``(field id, label, message)`` for the error summary, in page order."""
        found = []
        for form in self.all_forms():
            for name, messages in form.errors.items():
                field = form[name] if name in form.fields else None
                for message in messages:
                    if field is None:
                        found.append(("", "", message))
                    else:
                        label = field.label
                        prefix = getattr(form, "prefix", "") or ""
                        if prefix.startswith("o-"):
                            code = prefix.split("-")[1]
                            label = f"{code.replace('_', ' ').capitalize()} — {label}"
                        found.append((field.id_for_label, label, message))
        return found

    def to_data(self) -> ConversationData:
        details = self.details.cleaned_data
        outcomes = {}
        for record, form, actions, goals in self.outcomes:
            action_data = [
                ActionData(
                    what=a.cleaned_data.get("what", "").strip(),
                    owner=a.cleaned_data.get("owner", ""),
                    due=a.cleaned_data.get("due"),
                )
                for a in actions.forms
                if a.cleaned_data.get("what", "").strip()
            ]
            if goals.is_bound:
                goal_data = [
                    GoalData(
                        words=g.cleaned_data.get("words", "").strip(),
                        status=g.cleaned_data.get("status", ""),
                    )
                    for g in goals.forms
                    if g.cleaned_data.get("words", "").strip()
                ]
            else:
                goal_data = [GoalData(words=g.words, status=g.status) for g in record.goals.all()]
            outcomes[record.outcome.code] = form.to_data(action_data, goal_data)
        return ConversationData(
            date_held=details["date_held"],
            interviewer=details["interviewer"],
            with_person=details["with_person"],
            with_proxy=details["with_proxy"],
            with_advocate=details["with_advocate"],
            with_interpreter=details["with_interpreter"],
            with_carer=details["with_carer"],
            answered_by=details["answered_by"],
            answered_by_relationship=details["answered_by_relationship"],
            language=details["language"],
            summary=details["summary"].strip(),
            outcomes=outcomes,
            answers=dict(self.measures.cleaned_data),
        )


class StartConversationForm(forms.Form):
    role = forms.ChoiceField(
        label="Talking with the person as",
        choices=Role.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    type = forms.ChoiceField(
        label="Type of conversation",
        choices=ConversationType.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none())
    framework_version = forms.ModelChoiceField(
        label="Outcomes framework", queryset=FrameworkVersion.objects.none()
    )
    date_held = forms.DateField(
        label="Date held",
        widget=DateInput(),
        help_text="The day you talked, not the day you are typing.",
    )
    interviewer = forms.ChoiceField(
        label="Interviewer",
        choices=InterviewerKind.choices,
        initial=InterviewerKind.PRACTITIONER,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    cared_for = forms.ModelChoiceField(
        label="About which person they care for",
        queryset=Person.objects.none(),
        required=False,
        empty_label="Caring for more than one person",
        help_text="For a conversation with them as an unpaid carer: it is shown beside that "
        "person's own outcomes.",
    )
    start_anyway = forms.BooleanField(
        label="Start a second draft of this kind anyway",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text="Only if the existing draft is about a different conversation.",
    )

    def __init__(self, *args, person: Person, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        roles = [Role.USER, Role.CARER] if person.is_carer else [Role.USER]
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        self.fields["role"].initial = Role.CARER if person.is_carer else Role.USER
        cared_for = person.cares_for.all() & Person.objects.visible_to(user)
        if person.is_carer and cared_for.exists():
            self.fields["cared_for"].queryset = cared_for.order_by("ref")
            if cared_for.count() == 1:
                self.fields["cared_for"].initial = cared_for.get()
        else:
            del self.fields["cared_for"]
        teams = Team.objects.worked_in_by(user).filter(people=person)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]
        versions = (
            FrameworkVersion.objects.published()
            .select_related("framework")
            .order_by("framework__code", "-version")
        )
        self.fields["framework_version"].queryset = versions
        self.fields["framework_version"].label_from_instance = lambda v: f"{v.title} ({v.version})"
        newest = {}
        for version in versions:
            newest.setdefault(version.framework.role, version)
        self.newest_versions = {role: version.pk for role, version in newest.items()}
        self.fields["framework_version"].initial = newest.get(self.fields["role"].initial)
        self.fields["date_held"].initial = timezone.localdate()
        # A review when the user may read an earlier conversation with the person: another
        # team's conversations are not theirs to follow (see ``last_conversation``).
        self.fields["type"].initial = (
            ConversationType.REVIEW
            if Conversation.objects.visible_to(user).filter(subject=person).exists()
            else ConversationType.ASSESSMENT
        )

    def clean_date_held(self):
        value = self.cleaned_data["date_held"]
        validate_date_held(value, born=self.person.date_of_birth)
        return value

    def clean(self):
        cleaned = super().clean()
        role, version = cleaned.get("role"), cleaned.get("framework_version")
        if role and version and version.framework.role != role:
            self.add_error(
                "framework_version",
                f"{version.title} is for {version.framework.get_role_display().lower()}s; "
                f"choose the framework that matches who you are talking with.",
            )
        if role != Role.CARER:
            # Only a carer's conversation is about someone else.
            cleaned["cared_for"] = None
        return cleaned


class SignOffForm(forms.Form):
    """The sign-off page: when the person should next be reviewed."""

    review_due = forms.DateField(
        label="Next review by",
        required=False,
        widget=DateInput(),
        help_text="Suggested from the type of conversation; change it if you agreed another "
        "date with the person (at most twelve months after the date held). Left empty, the "
        "usual interval for this type is used.",
    )

    def __init__(self, *args, conversation: Conversation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conversation = conversation
        # A date held that cannot be right blocks sign-off (``completion_check``) and has no
        # review date to suggest (9999-12-31 has no twelve months after it).
        self.held_plausible = is_plausible(conversation.date_held)
        if self.held_plausible:
            self.fields["review_due"].initial = (
                conversation.review_due or conversation.default_review_due()
            )

    def clean_review_due(self):
        if not self.held_plausible:
            raise ValidationError("Correct the date held before choosing the next review date.")
        value = self.cleaned_data["review_due"] or self.conversation.default_review_due()
        try:
            validate_review_due(review_due=value, date_held=self.conversation.date_held)
        except ValidationError as error:
            raise ValidationError(error.message_dict["review_due"]) from error
        return value


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening this conversation?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This is kept in the conversation's history with your name and the time.",
        max_length=2000,
        error_messages={"required": "Say why the conversation is being reopened."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Say why the conversation is being reopened.")
        return reason
