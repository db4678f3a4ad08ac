"""Forms for people and for the partnership's codebook of themes. Choices are always drawn from
the user's scope, never from all rows."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db.models import QuerySet

from conversations.models import Partnership, Person, Team, Theme
from frameworks.dates import validate_date_of_birth


class PersonForm(forms.ModelForm):
    """Add or change a person within the user's own teams.

    ``teams`` offers only the teams the user works in, and ``cares_for`` only people the user
    can see in the same partnership. Allocations and links the user cannot see are kept as
    they are on save, so editing never silently drops another team's allocation.
    """

    class Meta:
        model = Person
        fields = ["ref", "name", "date_of_birth", "client_group", "is_carer", "teams", "cares_for"]
        labels = {"ref": "Reference", "cares_for": "Cares for"}
        help_texts = {
            "ref": "A pseudonymous reference, unique within the partnership.",
            "name": "Optional. Never appears in returns or extracts.",
            "date_of_birth": "Optional.",
            "teams": "The teams this person is allocated to (at least one of yours).",
        }
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "teams": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        my_teams = Team.objects.worked_in_by(user).select_related("partnership")
        visible_people = Person.objects.visible_to(user)
        if self.instance.pk:
            my_teams = my_teams.filter(partnership=self.instance.partnership_id)
            visible_people = visible_people.filter(
                partnership=self.instance.partnership_id
            ).exclude(pk=self.instance.pk)
            self.initial["teams"] = list(
                self.instance.teams.filter(pk__in=my_teams.values("pk")).values_list(
                    "pk", flat=True
                )
            )
            self.initial["cares_for"] = list(
                self.instance.cares_for.filter(pk__in=visible_people.values("pk")).values_list(
                    "pk", flat=True
                )
            )
        else:
            visible_people = visible_people.filter(partnership__in=my_teams.values("partnership"))
        self.fields["teams"].queryset = my_teams
        self.fields["teams"].required = True
        self.fields["cares_for"].queryset = Person.objects.filter(
            pk__in=visible_people.values("pk")
        ).order_by("ref")
        self.fields[
            "cares_for"
        ].help_text = "People this carer looks after (only people you can see are listed)."
        self.fields["cares_for"].widget.attrs["size"] = 6
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Fieldset("Who they are", "ref", "name", "date_of_birth", "client_group"),
            "teams",  # a checkbox group renders as its own fieldset and legend
            Fieldset("Caring", "is_carer", "cares_for"),
        )

    def clean_ref(self) -> str:
        return self.cleaned_data["ref"].strip()

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born:
            validate_date_of_birth(born)
        return born

    def clean(self) -> dict:
        cleaned = super().clean()
        teams: QuerySet[Team] | None = cleaned.get("teams")
        partnership_id = self.instance.partnership_id
        if teams is not None and not partnership_id:
            partnership_ids = {team.partnership_id for team in teams}
            if len(partnership_ids) > 1:
                self.add_error("teams", "Choose teams from one partnership only.")
            elif partnership_ids:
                partnership_id = partnership_ids.pop()
                self.instance.partnership_id = partnership_id
        if partnership_id:
            cared_for = cleaned.get("cares_for")
            if cared_for and any(p.partnership_id != partnership_id for p in cared_for):
                self.add_error("cares_for", "Choose people held by the same partnership.")
            ref = cleaned.get("ref")
            if ref and (
                Person.objects.filter(partnership_id=partnership_id, ref=ref)
                .exclude(pk=self.instance.pk)
                .exists()
            ):
                self.add_error(
                    "ref",
                    f"A person with reference {ref} is already held by this partnership.",
                )
        if cleaned.get("cares_for") and not cleaned.get("is_carer"):
            self.add_error("is_carer", "Tick this to record the people this person cares for.")
        return cleaned

    def save(self, commit: bool = True) -> Person:
        """Save, keeping any teams and cared-for links that lie outside the user's choices."""
        person = super().save(commit=False)
        if not commit:
            return person
        person.save()
        hidden_teams = list(person.teams.exclude(pk__in=self.fields["teams"].queryset.values("pk")))
        hidden_cared_for = list(
            person.cares_for.exclude(pk__in=self.fields["cares_for"].queryset.values("pk"))
        )
        person.teams.set([*hidden_teams, *self.cleaned_data["teams"]])
        person.cares_for.set([*hidden_cared_for, *self.cleaned_data["cares_for"]])
        return person


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label="Reference or name",
        required=False,
        help_text="A reference from its start (e.g. N-00); a name by any part of it.",
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="All your teams"
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("partnership")


class ThemeForm(forms.ModelForm):
    """Add a theme to a partnership's codebook, or change its label and description (the
    code is fixed once given: files and coded words name the theme by it)."""

    class Meta:
        model = Theme
        fields = ["code", "label", "description"]
        help_texts = {
            "code": "Lower-case letters, digits and underscores, e.g. getting_out. It names the "
            "theme in files and cannot be changed later.",
            "label": "What practitioners see when they code words.",
            "description": "One or two sentences: what belongs under this theme.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        if self.instance.pk:
            del self.fields["code"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Theme.objects.filter(partnership=self.partnership, code=code).exists():
            raise forms.ValidationError(
                "This codebook already has a theme with this code (retired themes keep theirs)."
            )
        return code

    def clean_label(self) -> str:
        return self.cleaned_data["label"].strip()

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()
