"""Build the POST body of the recording page the way a browser would submit it, and send it."""

from django.urls import reverse

from conversations.forms_recording import THEMES_OFFERED, RecordingForms
from conversations.models import Conversation, Theme
from conversations.services import recording
from frameworks.models import BarrierCode


def _field_values(form) -> dict[str, object]:
    values: dict[str, object] = {}
    for bound in form:
        value = bound.value()
        widget_type = bound.field.widget.__class__.__name__
        if widget_type == "CheckboxInput":
            if value:
                values[bound.html_name] = "on"
        elif value is None:
            values[bound.html_name] = ""
        elif isinstance(value, list | tuple):
            values[bound.html_name] = [str(v) for v in value]
        else:
            values[bound.html_name] = (
                str(value) if not hasattr(value, "isoformat") else value.isoformat()
            )
    return values


def recording_post(conversation: Conversation, overrides: dict | None = None) -> dict:
    """The page's current content as form data, with ``overrides`` applied (use a value of
    ``None`` to untick a checkbox)."""
    fresh = recording.with_content(Conversation.objects).get(pk=conversation.pk)
    forms = RecordingForms(
        fresh,
        barrier_choices=list(BarrierCode.objects.values_list("code", "label")),
        themes=list(Theme.objects.filter(partnership=fresh.partnership_id)),
    )
    data: dict[str, object] = {"revision": str(fresh.revision)}
    if forms.themes_offered:
        data[THEMES_OFFERED] = "1"
    data.update(_field_values(forms.details))
    for _, form, actions, goals in forms.outcomes:
        data.update(_field_values(form))
        for formset in (actions, goals):
            data.update(_field_values(formset.management_form))
            for row in formset.forms:
                data.update(_field_values(row))
    data.update(_field_values(forms.measures))
    for key, value in (overrides or {}).items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def autosave(client, conversation: Conversation, overrides: dict | None = None):
    """Autosave the page's current content with ``overrides``, as the page's script does."""
    return client.post(
        reverse("conversations:conversation-autosave", args=[conversation.pk]),
        recording_post(conversation, overrides),
    )
