from django import forms


def _normalise(code: str) -> str:
    return "".join(code.split()).lower()


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or, when ``allow_recovery``, a recovery
    code. Spaces are ignored; the check against the devices happens in the view."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def __init__(self, *args, allow_recovery: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields[
                "code"
            ].help_text = (
                "The six digits your authenticator app shows now, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = "The six digits your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if code.isdigit() and len(code) == 6:
            return code
        if self.allow_recovery and code.isalnum() and len(code) <= 16:
            return code
        if self.allow_recovery:
            raise forms.ValidationError("Enter six digits, or a recovery code.")
        raise forms.ValidationError("Enter the six digits your authenticator app shows.")
