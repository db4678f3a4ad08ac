"""Forms for reporting pages. Choices come from the user's reach, never from all rows."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from conversations.access import staff_scope
from conversations.models import Partnership, Target, Team
from frameworks.models import BarrierCode, FrameworkVersion, Measure
from frameworks.periods import Period, PeriodError, period_choices, period_or_default
from reporting.targets import (
    SCOPE_POPULATION_HELP,
    outcome_labels,
    roles_counted,
    roles_in_words,
    scope_roles,
)

PARTNERSHIP_PREFIX = "partnership-"
TEAM_PREFIX = "team-"


def _outcome_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Outcomes of the newest published version of each framework, grouped by framework."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    versions = (
        FrameworkVersion.objects.published()
        .exclude(next_versions__published=True)
        .select_related("framework")
        .prefetch_related("outcomes")
    )
    # People who use services first, then carers, as the frameworks are usually presented.
    for version in sorted(versions, key=lambda v: (v.framework.role != "user", v.framework.code)):
        groups.append(
            (
                f"{version.framework.name} ({version.version})",
                [(o.code, o.label) for o in version.outcomes.all()],
            )
        )
    return groups


class TargetForm(forms.Form):
    """Set one local improvement target: who for, which measure or outcome, when, how much.

    ``scope`` offers the teams the user leads and, to a partnership lead, the whole
    partnership. A target that already exists for the same scope, measure or outcome and
    period is refused with a form error, so nothing is overwritten by accident.
    """

    scope = forms.ChoiceField(
        label="Who the target is for",
        help_text=SCOPE_POPULATION_HELP,
        error_messages={"required": "Choose who the target is for"},
    )
    measure = forms.ModelChoiceField(
        queryset=Measure.objects.all(),
        required=False,
        label="National measure",
        empty_label="— no measure —",
    )
    outcome_code = forms.ChoiceField(required=False, label="Outcome (achieved rate at review)")
    period = forms.ChoiceField(
        label="Period",
        help_text="A financial year (April to March) or one of its quarters, from last year "
        "to next year.",
        error_messages={
            "required": "Choose a period",
            "invalid_choice": "Choose a financial year or quarter from the list",
        },
    )
    target = forms.DecimalField(
        label="Target (%)",
        help_text="A percentage from 0 to 100, to one decimal place at most, e.g. 75 or 82.5.",
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        error_messages={
            "required": "Enter the target percentage",
            "invalid": "Enter the target as a number, e.g. 75 or 82.5",
            "min_value": "Enter a percentage from 0 to 100",
            "max_value": "Enter a percentage from 0 to 100",
            "max_digits": "Enter a percentage from 0 to 100",
            "max_whole_digits": "Enter a percentage from 0 to 100",
            "max_decimal_places": "Give the target to one decimal place at most, e.g. 82.5",
        },
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
    )

    def __init__(self, *args, user, instance: Target | None = None, **kwargs) -> None:
        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "scope": (
                    f"{TEAM_PREFIX}{instance.team_id}"
                    if instance.team_id
                    else f"{PARTNERSHIP_PREFIX}{instance.partnership_id}"
                ),
                "measure": instance.measure_id,
                "outcome_code": instance.outcome_code,
                "period": instance.period,
                "target": instance.target,
            }
        super().__init__(*args, **kwargs)
        scope = staff_scope(user)
        self.partnerships = {
            p.pk: p for p in Partnership.objects.filter(pk__in=scope.lead_partnership_ids)
        }
        self.teams = {
            t.pk: t
            for t in Team.objects.filter(pk__in=scope.led_team_ids)
            .select_related("partnership")
            .order_by("partnership__name", "name")
        }
        several = len({t.partnership_id for t in self.teams.values()} | set(self.partnerships))
        scope_choices = [
            (f"{PARTNERSHIP_PREFIX}{p.pk}", f"The whole partnership ({p.name})")
            for p in self.partnerships.values()
        ] + [
            (
                f"{TEAM_PREFIX}{t.pk}",
                f"{t.name} ({t.partnership.name})" if several > 1 else t.name,
            )
            for t in self.teams.values()
        ]
        self.fields["scope"].choices = scope_choices
        if len(scope_choices) > 1:
            self.fields["scope"].choices = [("", "— choose —"), *scope_choices]
        outcome_choices = [("", "— no outcome —"), *_outcome_choices()]
        known = {code for _, pairs in outcome_choices[1:] for code, _ in pairs}
        if instance is not None and instance.outcome_code and instance.outcome_code not in known:
            # A target imported for an outcome of an earlier framework version stays editable.
            outcome_choices.insert(1, (instance.outcome_code, instance.outcome_code))
        self.fields["outcome_code"].choices = outcome_choices
        # A target is set ahead: no period is chosen for the user.
        self.fields["period"].choices = [
            ("", "— choose a period —"),
            *period_choices(
                timezone.localdate(),
                chosen=instance.period if instance is not None else None,
                upcoming=True,
            ),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Fieldset("Who it is for", "scope"),
            Fieldset(
                "What it is for: choose a measure or an outcome, not both",
                "measure",
                "outcome_code",
            ),
            Fieldset("When and how much", "period", "target"),
        )

    def clean_scope(self) -> tuple[Partnership, Team | None]:
        value = self.cleaned_data["scope"]
        if value.startswith(TEAM_PREFIX):
            team = self.teams.get(int(value.removeprefix(TEAM_PREFIX)))
            if team is not None:
                return team.partnership, team
        elif value.startswith(PARTNERSHIP_PREFIX):
            partnership = self.partnerships.get(int(value.removeprefix(PARTNERSHIP_PREFIX)))
            if partnership is not None:
                return partnership, None
        raise forms.ValidationError("Choose one of your teams")

    def clean_period(self) -> str:
        try:
            return str(Period.parse(self.cleaned_data["period"]))
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict:
        data = super().clean()
        measure, outcome_code = data.get("measure"), data.get("outcome_code")
        if measure and outcome_code:
            self.add_error("measure", "Choose a measure or an outcome, not both")
        elif not measure and not outcome_code:
            self.add_error("measure", "Choose a measure or an outcome")
        if self.errors:
            return data
        partnership, team = data["scope"]
        self._check_population(partnership=partnership, team=team, measure=measure)
        if self.errors:
            return data
        clash = Target.objects.filter(partnership=partnership, team=team, period=data["period"])
        clash = (
            clash.filter(measure=measure) if measure else clash.filter(outcome_code=outcome_code)
        )
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            what = measure.code if measure else self._outcome_label(outcome_code)
            where = team.name if team else f"the whole of {partnership.name}"
            raise forms.ValidationError(
                f"There is already a target for {what} in {data['period']} for {where}. "
                "Change that target instead.",
                code="duplicate",
            )
        return data

    def _check_population(self, *, partnership: Partnership, team: Team | None, measure) -> None:
        """Refuse a measure or outcome that counts none of the roles the scope's people hold:
        such a target could never have data. A scope with nobody in it yet is not judged."""
        held = scope_roles(partnership=partnership, team=team)
        outcome_code = self.cleaned_data.get("outcome_code", "")
        counted = roles_counted(measure=measure, outcome_code=outcome_code)
        if not held or not counted or held & counted:
            return
        where = team.name if team else f"the whole of {partnership.name}"
        what = (
            f"{measure.code} counts"
            if measure
            else f"{self._outcome_label(outcome_code)} is asked of"
        )
        self.add_error(
            "measure" if measure else "outcome_code",
            f"{what} {roles_in_words(counted)} only, and {where} holds "
            f"{roles_in_words(held)} only: this target could never have data. Choose "
            f"{'a measure' if measure else 'an outcome'} for {roles_in_words(held)}.",
        )

    def _outcome_label(self, code: str) -> str:
        for value, label in self.fields["outcome_code"].choices:
            if isinstance(label, list):
                for inner_value, inner_label in label:
                    if inner_value == code:
                        return f"“{inner_label}”"
            elif value == code:
                return f"“{label}”"
        return code

    def apply_to(self, target: Target, *, by) -> Target:
        """Copy the cleaned values onto ``target`` (not saved) and record who set it."""
        partnership, team = self.cleaned_data["scope"]
        target.partnership = partnership
        target.team = team
        target.measure = self.cleaned_data["measure"]
        target.outcome_code = "" if target.measure else self.cleaned_data["outcome_code"]
        target.period = self.cleaned_data["period"]
        target.target = self.cleaned_data["target"]
        target.set_by = by
        return target


DRILLDOWN_STATUSES = {
    "achieved": "Achieved",
    "partly_achieved": "Partly achieved",
    "not_achieved": "Not achieved",
}


class DrilldownForm(forms.Form):
    """The figure a drilldown explains, read from the query string: an outcome with a status
    at review, and/or a barrier code, in a period. Codes are checked against the frameworks'
    data so that a mistyped link says what is wrong instead of listing nothing."""

    outcome = forms.SlugField(required=False, max_length=60)
    status = forms.ChoiceField(
        required=False,
        choices=[("", ""), *DRILLDOWN_STATUSES.items()],
        error_messages={
            "invalid_choice": "“%(value)s” is not a status at review: use achieved, "
            "partly_achieved or not_achieved."
        },
    )
    barrier = forms.SlugField(required=False, max_length=40)
    period = forms.CharField(required=False, max_length=12)

    def clean_outcome(self) -> str:
        code = self.cleaned_data["outcome"]
        if code:
            self.outcome_label = outcome_labels([code]).get(code)
            if self.outcome_label is None:
                raise forms.ValidationError(f"There is no outcome with the code “{code}”.")
        return code

    def clean_barrier(self) -> BarrierCode | None:
        code = self.cleaned_data["barrier"]
        if not code:
            return None
        barrier = BarrierCode.objects.filter(code=code).first()
        if barrier is None:
            raise forms.ValidationError(f"There is no barrier with the code “{code}”.")
        return barrier

    def clean_period(self) -> Period:
        try:
            return period_or_default(self.cleaned_data["period"], today=timezone.localdate())
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if data["status"] and not data["outcome"]:
            raise forms.ValidationError("A status needs an outcome: add outcome=<code>.")
        if not data["barrier"] and not (data["outcome"] and data["status"]):
            raise forms.ValidationError(
                "Say which figure to explain: an outcome with a status at review "
                "(outcome=<code>&status=not_achieved), or a barrier (barrier=<code>)."
            )
        return data
