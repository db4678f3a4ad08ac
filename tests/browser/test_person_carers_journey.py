"""A person's page shows a carer's latest conversation beside the person's own: side by side
on a desktop, one after the other on a phone."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from conversations.models import OutcomeRecord, Person
from tests.browser.conftest import log_in
from tests.factories import answered_conversation


def _words(conversation, code: str, words: str) -> None:
    OutcomeRecord.objects.filter(conversation=conversation, outcome__code=code).update(
        matters=True, words=words
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_person_page_shows_a_carers_conversation_beside_the_persons(
    page: Page, demo_site, width: int
):
    person = Person.objects.filter(
        carers__isnull=False, teams__memberships__user__username="practitioner"
    ).first()
    carer = person.carers.first()
    team = person.teams.first()
    own = answered_conversation(
        person=person,
        team=team,
        date_held=datetime.date(2026, 5, 1),
        answers={},
        outcomes={"seeing_people": "partly_achieved"},
    )
    _words(own, "seeing_people", "I miss the Tuesday club.")
    theirs = answered_conversation(
        person=carer,
        team=carer.teams.first(),
        role="carer",
        date_held=datetime.date(2026, 5, 2),
        answers={},
        outcomes={"cared_for_quality_of_life": "partly_achieved"},
    )
    theirs.cared_for = person
    theirs.save()
    _words(theirs, "cared_for_quality_of_life", "Mum is brighter on club days.")

    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(f"{demo_site.url}/people/{person.pk}/")

    section = page.get_by_role("region", name=f"{person.ref} and their carers, side by side")
    mine = section.get_by_role("article", name=f"{person.ref}'s own view")
    carers = section.get_by_role("article", name=f"Carer {carer}")
    expect(mine).to_contain_text("I miss the Tuesday club.")
    expect(carers).to_contain_text("Mum is brighter on club days.")
    expect(carers).to_contain_text(f"about {person.ref}")
    left, right = mine.bounding_box(), carers.bounding_box()
    if width >= 992:
        assert right["x"] > left["x"] and abs(right["y"] - left["y"]) < 2
    else:
        assert right["y"] > left["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
