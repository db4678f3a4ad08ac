"""A practitioner's day starts on the home page: the draft waiting there is one click away,
and the caseload reflows on a phone."""

import datetime
import re

from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from conversations.models import Conversation, Person, Team
from tests.browser.conftest import log_in
from tests.conversations.caseload_helpers import days_ago, draft, signed_off


def _caseload() -> Conversation:
    """The demo practitioner's caseload: one person overdue, one due, one draft."""
    practitioner = get_user_model().objects.get(username="practitioner")
    team = Team.objects.get(code="LOCHARD-N")
    people = list(Person.objects.filter(teams=team).order_by("ref")[:3])
    today = datetime.date.today()
    signed_off(
        person=people[0],
        team=team,
        by=practitioner,
        date_held=days_ago(120),
        review_due=today - datetime.timedelta(days=6),
    )
    signed_off(
        person=people[1],
        team=team,
        by=practitioner,
        date_held=days_ago(80),
        review_due=today + datetime.timedelta(days=9),
    )
    return draft(person=people[2], team=team, by=practitioner, type="review", started_days_ago=4)


def _no_horizontal_overflow(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_practitioner_continues_a_draft_from_home_and_home_reflows_on_a_phone(
    page: Page, demo_site
):
    waiting = _caseload()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)

    drafts = page.locator('[data-caseload="drafts"]')
    expect(drafts).to_contain_text(waiting.subject.ref)
    expect(drafts).to_contain_text("4 days ago")
    expect(page.locator('[data-caseload="overdue"]')).to_contain_text("6 days overdue")
    expect(page.locator('[data-caseload="due"]')).to_contain_text("in 9 days")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("My drafts"))).to_be_visible()
    assert _no_horizontal_overflow(page)

    drafts.get_by_role("link", name=re.compile("Continue recording")).click()
    expect(page).to_have_url(re.compile(rf"/conversations/{waiting.pk}/record/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(waiting.subject.ref)


def test_team_leader_home_reflows_on_a_phone(page: Page, demo_site):
    _caseload()
    Conversation.objects.drafts().update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)

    expect(page.locator("[data-team-queue]").first).to_contain_text("Iona MacLeod")
    assert _no_horizontal_overflow(page)
