"""Dates that cannot be right: refused wherever a date comes in, and pages holding one from
before the checks still open (the chart leaves it out, the table keeps it)."""

from datetime import date

import pytest
from django.urls import reverse

from conversations.models import AuditEvent, Conversation, ConversationStatus
from tests.conversations.recording_helpers import recording_post
from tests.conversations.test_person_outcomes import make_conversation  # noqa: F401
from tests.conversations.test_start_with_draft import start_form
from tests.factories import client_group, start_conversation

pytestmark = pytest.mark.django_db

TOO_EARLY = ["0026-05-01", "0001-01-01", "1899-12-31"]


@pytest.fixture
def draft(person, team, practitioner):
    return start_conversation(person=person, team=team, by=practitioner)


def _implausible(conversation: Conversation, day: date) -> Conversation:
    """As a conversation held before dates were checked: written past the forms."""
    Conversation.objects.filter(pk=conversation.pk).update(date_held=day)
    conversation.refresh_from_db()
    return conversation


# --- refused wherever a date comes in -------------------------------------------------------


@pytest.mark.parametrize("held", TOO_EARLY)
def test_start_refuses_a_year_before_1900_and_starts_nothing(
    client, person, team, practitioner, held
):
    client.force_login(practitioner)

    response = client.post(
        reverse("conversations:conversation-start", args=[person.pk]),
        start_form(team, date_held=held),
    )

    assert response.status_code == 200
    assert "cannot be before 1 January 1900" in response.context["form"].errors["date_held"][0]
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("held", [*TOO_EARLY, "9999-12-31"])
def test_recording_refuses_an_implausible_date_and_saves_nothing(client, draft, practitioner, held):
    client.force_login(practitioner)
    before = AuditEvent.objects.count(), draft.revision

    response = client.post(
        reverse("conversations:conversation-record", args=[draft.pk]),
        recording_post(draft, {"c-date_held": held, "c-summary": "Changed"}),
    )

    assert response.status_code == 400
    assert response.context["forms"].details.errors["date_held"]
    draft.refresh_from_db()
    assert (draft.date_held, draft.summary) == (date(2026, 5, 14), "")
    assert (AuditEvent.objects.count(), draft.revision) == before


def test_autosave_refuses_an_implausible_date_in_words(client, draft, practitioner):
    client.force_login(practitioner)

    response = client.post(
        reverse("conversations:conversation-autosave", args=[draft.pk]),
        recording_post(draft, {"c-date_held": "0026-05-01"}),
    )

    assert response.status_code == 400
    assert "cannot be before 1 January 1900" in " ".join(response.json()["errors"])
    draft.refresh_from_db()
    assert draft.date_held == date(2026, 5, 14)


@pytest.mark.parametrize("born", ["1899-12-31", "0026-01-01", "9999-01-01"])
def test_person_form_refuses_an_implausible_date_of_birth(client, practitioner, team, born):
    client.force_login(practitioner)
    data = {
        "ref": "P-NEW",
        "date_of_birth": born,
        "client_group": client_group().pk,
        "teams": [team.pk],
    }

    response = client.post(reverse("conversations:person-create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"]
    assert not response.context["form"].instance.pk


def test_sign_off_review_date_in_year_9999_is_refused(client, draft, practitioner):
    draft.outcome_records.filter(outcome__code="feeling_safe").update(matters=True, words="Safe")
    client.force_login(practitioner)

    response = client.post(
        reverse("conversations:conversation-complete", args=[draft.pk]),
        {"review_due": "9999-12-31"},
    )

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.DRAFT


# --- held before the checks: the pages still open -------------------------------------------


@pytest.mark.parametrize("held", [date(26, 5, 1), date(1, 1, 1), date(9999, 12, 31)])
def test_person_pages_open_with_a_review_in_an_impossible_year(
    client,
    make_conversation,  # noqa: F811 (the fixture imported above)
    person,
    practitioner,
    held,
):
    odd = make_conversation(person, held=date(2024, 1, 1), statuses={"feeling_safe": "achieved"})
    _implausible(odd, held)
    make_conversation(person, held=date(2024, 3, 1), statuses={"feeling_safe": "not_achieved"})
    client.force_login(practitioner)

    page = client.get(reverse("conversations:person-detail", args=[person.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert f"Not drawn: 1 review dated {held.isoformat()}" in body
    assert "1 Mar 2024" in body  # the plausible review is still drawn
    for name in ("person-summary",):
        assert client.get(reverse(f"conversations:{name}", args=[person.pk])).status_code == 200
    detail = reverse("conversations:conversation-detail", args=[odd.pk])
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize("held", [date(26, 5, 1), date(9999, 12, 31)])
def test_a_draft_in_an_impossible_year_opens_and_cannot_be_signed_off_until_corrected(
    client, draft, practitioner, held
):
    _implausible(draft, held)
    draft.outcome_records.filter(outcome__code="feeling_safe").update(matters=True, words="Safe")
    client.force_login(practitioner)
    record_url = reverse("conversations:conversation-record", args=[draft.pk])
    complete_url = reverse("conversations:conversation-complete", args=[draft.pk])

    assert client.get(record_url).status_code == 200
    page = client.get(complete_url)
    assert page.status_code == 200
    assert f"The date held ({held.isoformat()}) cannot be right" in page.content.decode()
    assert client.post(complete_url, {"review_due": ""}).status_code == 400
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.DRAFT

    corrected = recording_post(draft, {"c-date_held": "2026-05-14"})
    assert client.post(record_url, corrected).status_code == 302
    assert client.post(complete_url, {"review_due": ""}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == ConversationStatus.COMPLETED
    assert draft.review_due == draft.default_review_due() > date(2026, 5, 14)


PAGES = [
    ("home", None),
    ("conversations:person-list", None),
    ("conversations:person-detail", "person"),
    ("conversations:person-summary", "person"),
    ("conversations:person-edit", "person"),
    ("conversations:conversation-start", "person"),
    ("conversations:conversation-detail", "conversation"),
    ("conversations:conversation-record", "conversation"),
    ("conversations:conversation-history", "conversation"),
    ("conversations:conversation-complete", "conversation"),
    ("conversations:conversation-reopen", "conversation"),
    ("reporting:dashboard", None),
    ("reporting:targets", None),
]


@pytest.mark.parametrize("held", [date(1, 1, 1), date(26, 5, 1), date(9999, 12, 31)])
@pytest.mark.parametrize("completed", [True, False], ids=["signed-off", "draft"])
def test_every_page_near_an_impossible_date_opens_for_every_role(
    client,
    make_conversation,  # noqa: F811 (the fixture imported above)
    person,
    practitioner,
    team_leader,
    partnership_lead,
    held,
    completed,
):
    odd = make_conversation(
        person, held=date(2024, 1, 1), statuses={"feeling_safe": "achieved"}, completed=completed
    )
    review_due = held if held.year < 9999 else None
    Conversation.objects.filter(pk=odd.pk).update(date_held=held, review_due=review_due)
    objects = {"person": person.pk, "conversation": odd.pk}
    answered = {}
    for user in (practitioner, team_leader, partnership_lead):
        client.force_login(user)
        for name, about in PAGES:
            url = reverse(name, args=[objects[about]] if about else [])
            answered[(user.username, name)] = client.get(url).status_code

    assert set(answered.values()) <= {200, 302, 403, 404}
    assert answered[("prac", "conversations:person-detail")] == 200
    assert answered[("lead", "conversations:conversation-detail")] == 200


# --- the admin, the other way in -------------------------------------------------------------


def _admin_form(model, rf, admin_user, instance, **changes):
    from django.contrib import admin
    from django.forms.models import model_to_dict

    model_admin = admin.site._registry[model]
    request = rf.post("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, instance)
    data = {k: v for k, v in model_to_dict(instance).items() if v is not None}
    data = {k: [o.pk for o in v] if isinstance(v, list) else v for k, v in data.items()}
    data.update(changes)
    return form_class(data=data, instance=instance)


@pytest.mark.parametrize(("born", "valid"), [("0026-01-01", False), ("1940-03-02", True)])
def test_admin_holds_a_date_of_birth_to_the_same_rule(rf, admin_user, person, born, valid):
    from conversations.models import Person

    form = _admin_form(Person, rf, admin_user, person, date_of_birth=born)

    assert form.is_valid() is valid, form.errors
    if not valid:
        assert "cannot be before 1 January 1900" in form.errors["date_of_birth"][0]


@pytest.mark.parametrize(("period", "valid"), [("9999-00 Q4", False), ("2026-27 Q1", True)])
def test_admin_holds_a_target_period_to_the_parser(
    rf, admin_user, partnership, team_leader, period, valid
):
    from conversations.models import Target
    from frameworks.models import Measure

    target = Target.objects.create(
        partnership=partnership,
        measure=Measure.objects.get(code="NM1"),
        period="2026-27",
        target=80,
        set_by=team_leader,
    )

    form = _admin_form(Target, rf, admin_user, target, period=period)

    assert form.is_valid() is valid, form.errors
