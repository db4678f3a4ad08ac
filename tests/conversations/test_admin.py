import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["partnership", "team", "membership", "target", "person"])
def test_admin_pages_load(admin_client, person, practitioner, model):
    assert admin_client.get(reverse(f"admin:conversations_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:conversations_{model}_add")).status_code == 200


def test_person_admin_search_and_change(admin_client, person):
    response = admin_client.get(reverse("admin:conversations_person_changelist"), {"q": "Morag"})
    assert person in response.context["cl"].result_list
    change = reverse("admin:conversations_person_change", args=[person.pk])
    assert admin_client.get(change).status_code == 200


def test_user_admin_shows_memberships(admin_client, practitioner):
    response = admin_client.get(reverse("admin:auth_user_change", args=[practitioner.pk]))
    assert response.status_code == 200
    assert b"memberships-TOTAL_FORMS" in response.content
