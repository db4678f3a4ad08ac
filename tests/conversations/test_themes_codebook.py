"""A partnership's codebook of themes: kept by its lead at /themes/, read by its staff,
retired never deleted, every change audited."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, Theme
from frameworks.themes import starter_themes

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(partnership) -> Theme:
    return Theme.objects.create(partnership=partnership, code="getting_out", label="Getting out")


def test_a_lead_starts_from_the_starter_codebook_once(client, partnership_lead, partnership):
    client.force_login(partnership_lead)

    response = client.post(reverse("conversations:codebook-adopt"), follow=True)

    starter = [s.code for s in starter_themes()]
    assert list(Theme.objects.filter(partnership=partnership).values_list("code", flat=True)) == (
        starter
    )
    assert "11 starter themes added" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.THEME_CREATED)
    assert event.user == partnership_lead and event.detail["themes"] == starter

    again = client.post(reverse("conversations:codebook-adopt"), follow=True)

    assert Theme.objects.filter(partnership=partnership).count() == len(starter)
    assert "already holds every starter theme" in again.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.THEME_CREATED).count() == 1


def test_adopting_keeps_what_the_partnership_changed_and_adds_only_what_is_missing(
    client, partnership_lead, partnership
):
    Theme.objects.create(partnership=partnership, code="dignity", label="Respect, our words")
    client.force_login(partnership_lead)

    client.post(reverse("conversations:codebook-adopt"))

    assert Theme.objects.get(partnership=partnership, code="dignity").label == (
        "Respect, our words"
    )
    assert Theme.objects.filter(partnership=partnership).count() == len(starter_themes())


def test_a_lead_adds_a_theme_and_a_bad_code_writes_nothing(client, partnership_lead, partnership):
    client.force_login(partnership_lead)
    url = reverse("conversations:theme-create")

    bad = client.post(url, {"code": "Getting Out!", "label": "Getting out", "description": ""})

    assert bad.status_code == 200
    assert "Use lower-case letters, digits and underscores only." in bad.content.decode()
    assert not Theme.objects.exists()

    good = client.post(url, {"code": "getting_out", "label": " Getting out ", "description": "x"})

    assert good.status_code == 302
    theme = Theme.objects.get(partnership=partnership)
    assert (theme.code, theme.label) == ("getting_out", "Getting out")
    assert AuditEvent.objects.get(action=AuditAction.THEME_CREATED).detail["themes"] == [
        "getting_out"
    ]


def test_a_code_is_never_given_twice_even_after_retiring(client, partnership_lead, theme):
    theme.retire()
    theme.save()
    client.force_login(partnership_lead)

    response = client.post(
        reverse("conversations:theme-create"), {"code": "getting_out", "label": "Again"}
    )

    assert "already has a theme with this code" in response.content.decode()
    assert Theme.objects.count() == 1


def test_changing_a_label_is_audited_and_the_code_stays(client, partnership_lead, theme):
    client.force_login(partnership_lead)

    client.post(
        reverse("conversations:theme-edit", args=[theme.pk]),
        {"code": "hacked", "label": "Getting out and about", "description": "Out of the house"},
    )

    theme.refresh_from_db()
    assert (theme.code, theme.label) == ("getting_out", "Getting out and about")
    event = AuditEvent.objects.get(action=AuditAction.THEME_CHANGED)
    assert event.changes == {
        "label": ["Getting out", "Getting out and about"],
        "description": ["", "Out of the house"],
    }


def test_retiring_and_bringing_back_a_theme(client, partnership_lead, theme):
    client.force_login(partnership_lead)
    url = reverse("conversations:theme-retire", args=[theme.pk])

    client.post(url, {"retired": "1"})
    theme.refresh_from_db()
    assert theme.is_retired
    page = client.get(reverse("conversations:codebook")).content.decode()
    assert "Retired themes (1)" in page and "No themes in use yet." in page

    client.post(url, {"retired": "0"})
    theme.refresh_from_db()
    assert not theme.is_retired
    changes = [
        e.changes
        for e in AuditEvent.objects.filter(action=AuditAction.THEME_CHANGED).order_by("pk")
    ]
    assert changes == [{"retired": [False, True]}, {"retired": [True, False]}]


def test_staff_read_the_codebook_but_only_the_lead_keeps_it(
    client, practitioner, team_leader, theme
):
    for user in (practitioner, team_leader):
        client.force_login(user)
        page = client.get(reverse("conversations:codebook")).content.decode()
        assert "Getting out" in page
        assert "Add a theme" not in page and "Retire" not in page
        assert client.get(reverse("conversations:theme-create")).status_code == 404
        assert client.post(reverse("conversations:theme-retire", args=[theme.pk])).status_code == (
            404
        )
    theme.refresh_from_db()
    assert not theme.is_retired


def test_another_partnerships_codebook_is_out_of_reach(client, outside_lead, outsider, theme):
    client.force_login(outsider)
    assert "Getting out" not in client.get(reverse("conversations:codebook")).content.decode()

    client.force_login(outside_lead)
    assert client.get(reverse("conversations:theme-edit", args=[theme.pk])).status_code == 404
    response = client.post(
        reverse("conversations:theme-edit", args=[theme.pk]), {"label": "Taken over"}
    )
    assert response.status_code == 404
    theme.refresh_from_db()
    assert theme.label == "Getting out"


def test_the_admin_never_deletes_a_theme(rf, theme):
    theme_admin = admin_site._registry[Theme]
    request = rf.get("/")

    assert not theme_admin.has_delete_permission(request, theme)
    assert "code" in theme_admin.get_readonly_fields(request, theme)
