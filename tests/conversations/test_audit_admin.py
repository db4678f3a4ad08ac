"""The audit trail and conversations are readable in the admin and cannot be edited there."""

import pytest
from django.urls import reverse

from conversations.models import AuditEvent
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_conversation(admin_client, person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    return admin_client, conversation


def test_administrators_read_the_audit_trail(admin_client_with_conversation):
    client, conversation = admin_client_with_conversation
    event = AuditEvent.objects.get(conversation=conversation)

    listing = client.get(reverse("admin:conversations_auditevent_changelist"))
    detail = client.get(reverse("admin:conversations_auditevent_change", args=[event.pk]))

    assert listing.status_code == 200 and "P-1" in listing.content.decode()
    assert detail.status_code == 200


def test_nobody_can_edit_or_delete_the_audit_trail(admin_client_with_conversation):
    client, conversation = admin_client_with_conversation
    event = AuditEvent.objects.get(conversation=conversation)

    change = client.post(
        reverse("admin:conversations_auditevent_change", args=[event.pk]), {"reason": "tamper"}
    )
    delete = client.post(
        reverse("admin:conversations_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    add = client.get(reverse("admin:conversations_auditevent_add"))

    assert change.status_code == 403 and delete.status_code == 403 and add.status_code == 403
    event.refresh_from_db()
    assert event.reason == ""


def test_conversations_are_read_only_in_the_admin(admin_client_with_conversation):
    client, conversation = admin_client_with_conversation

    page = client.get(reverse("admin:conversations_conversation_change", args=[conversation.pk]))
    delete = client.post(
        reverse("admin:conversations_conversation_delete", args=[conversation.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert delete.status_code == 403
    assert conversation.__class__.objects.filter(pk=conversation.pk).exists()
