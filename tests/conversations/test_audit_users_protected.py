"""A user named in the audit can be deactivated, never deleted: deleting them in the admin
shows a clear page saying so (not a 500), and nothing is deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

MESSAGE = "A user who appears in the audit cannot be deleted"


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    client.force_login(admin)
    return client


@pytest.fixture
def audited(practitioner):
    AuditEvent.objects.create(user=practitioner, action=AuditAction.SIGNED_IN)
    return practitioner


def test_deleting_an_audited_user_in_code_is_refused(audited):
    with pytest.raises(ProtectedError):
        audited.delete()
    assert AuditEvent.objects.get(action=AuditAction.SIGNED_IN).user == audited


def test_the_admin_delete_page_says_to_deactivate_instead(admin_client, audited):
    url = reverse("admin:auth_user_delete", args=[audited.pk])

    page = admin_client.get(url)
    posted = admin_client.post(url, {"post": "yes"})

    for response in (page, posted):
        assert response.status_code == 200
        html = response.content.decode()
        assert MESSAGE in html
        assert "Deactivate them instead" in html
    assert get_user_model().objects.filter(pk=audited.pk).exists()


def test_the_bulk_delete_action_says_the_same(admin_client, audited):
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [audited.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert get_user_model().objects.filter(pk=audited.pk).exists()


def test_a_user_never_audited_can_still_be_deleted(admin_client, practitioner):
    url = reverse("admin:auth_user_delete", args=[practitioner.pk])
    # Signing the admin in wrote an audit row for the admin, not for the practitioner.
    assert not AuditEvent.objects.filter(user=practitioner).exists()
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=practitioner.pk).exists()


def test_deactivating_an_audited_user_stops_them_signing_in(client, audited):
    audited.is_active = False
    audited.save()
    client.post(reverse("login"), {"username": "prac", "password": "correct horse battery staple"})
    assert "_auth_user_id" not in client.session
