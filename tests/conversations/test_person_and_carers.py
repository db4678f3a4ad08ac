"""A person's page shows their own latest outcomes beside each carer's latest conversation
about them; a carer's conversation says which cared-for person it is about."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, OutcomeRecord
from conversations.services.recording import conversation_start
from tests.factories import PersonFactory, answered_conversation, framework_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def carers(person, team):
    """Bob's two carers (seed 002's Nan, and a son), both in the person's team."""
    nan = PersonFactory(partnership=person.partnership, ref="C-1", is_carer=True, teams=[team])
    son = PersonFactory(partnership=person.partnership, ref="C-2", is_carer=True, teams=[team])
    for carer in (nan, son):
        carer.cares_for.add(person)
    return nan, son


def _worded(conversation, code, words):
    OutcomeRecord.objects.filter(conversation=conversation, outcome__code=code).update(
        matters=True, words=words
    )


@pytest.fixture
def conversations(person, team, carers):
    nan, son = carers
    own = answered_conversation(
        person=person,
        team=team,
        date_held=datetime.date(2026, 5, 1),
        answers={},
        outcomes={"seeing_people": "partly_achieved"},
    )
    _worded(own, "seeing_people", "I would like to get to the club again.")
    nans = answered_conversation(
        person=nan,
        team=team,
        role="carer",
        date_held=datetime.date(2026, 5, 3),
        answers={},
        outcomes={"cared_for_quality_of_life": "not_achieved"},
    )
    nans.cared_for = person
    nans.save()
    _worded(nans, "cared_for_quality_of_life", "He is lonelier since the fall than he lets on.")
    return own, nans


def test_the_person_page_shows_their_outcomes_beside_each_carers(
    client, practitioner, person, carers, conversations
):
    client.force_login(practitioner)

    page = client.get(reverse("conversations:person-detail", args=[person.pk])).content.decode()

    assert "P-1 and their carers, side by side" in page
    section = page.split('id="beside-heading"')[1].split("</section>")[0]
    assert "I would like to get to the club again." in section
    assert "He is lonelier since the fall than he lets on." in section
    assert section.index("own view") < section.index("C-1") < section.index("C-2")
    assert "No signed-off conversation with this carer about P-1 yet." in section
    # Reading Nan's words on Bob's page is a read of Nan's record.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED_CONVERSATION, conversation=conversations[1]
    ).exists()


def test_a_carer_outside_the_readers_teams_is_not_shown(
    client, colleague_elsewhere, person, other_team, carers, conversations
):
    """The colleague in West sees a person allocated to both teams, not East's carers."""
    person.teams.add(other_team)
    client.force_login(colleague_elsewhere)

    page = client.get(reverse("conversations:person-detail", args=[person.pk])).content.decode()

    assert "He is lonelier since the fall than he lets on." not in page
    assert "side by side" not in page


def test_no_carers_no_section(client, practitioner, person):
    client.force_login(practitioner)

    page = client.get(reverse("conversations:person-detail", args=[person.pk])).content.decode()

    assert "side by side" not in page


def test_starting_a_carers_conversation_names_the_person_it_is_about(
    client, practitioner, person, carers
):
    nan, _ = carers
    client.force_login(practitioner)
    url = reverse("conversations:conversation-start", args=[nan.pk])

    form = client.get(url).content.decode()
    assert "About which person they care for" in form

    client.post(
        url,
        {
            "role": "carer",
            "type": "assessment",
            "team": nan.teams.get().pk,
            "framework_version": framework_version("carers", "2013").pk,
            "date_held": "2026-06-01",
            "interviewer": "practitioner",
            "cared_for": person.pk,
        },
    )

    assert nan.conversations.get().cared_for == person


def test_a_conversation_cannot_be_about_someone_the_carer_does_not_care_for(
    practitioner, team, carers, partnership
):
    nan, _ = carers
    stranger = PersonFactory(partnership=partnership, ref="S-1", teams=[team])

    with pytest.raises(ValidationError):
        conversation_start(
            subject=nan,
            role="carer",
            type="assessment",
            team=team,
            framework_version=framework_version("carers", "2013"),
            date_held=datetime.date(2026, 6, 1),
            by=practitioner,
            cared_for=stranger,
        )
    assert not nan.conversations.exists()
