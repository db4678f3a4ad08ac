"""Practitioners and team leaders recording conversations in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from conversations.models import Conversation, OutcomeRecord, Person
from tests.browser.conftest import log_in


def open_person(page: Page, base_url: str, ref: str) -> None:
    page.goto(f"{base_url}/people/?q={ref}")
    page.get_by_role("link", name=ref, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ref)


def start(
    page: Page,
    *,
    type_label: str,
    date: str,
    role_label: str | None = None,
    team: str | None = None,
) -> None:
    page.get_by_role("link", name=re.compile("Start a conversation")).click()
    if role_label:
        page.get_by_label(role_label, exact=True).check()
    if team:
        page.get_by_label("Team").select_option(label=team)
    page.get_by_label(type_label, exact=True).check()
    page.get_by_label("Date held").fill(date)
    page.get_by_role("button", name="Start recording").click()
    expect(page.get_by_text("Changes are saved automatically")).to_be_visible()


def open_outcome(page: Page, code: str) -> None:
    """Outcomes that do not matter yet are one compact list: open the card from it."""
    if not page.locator(f"#outcome-{code}").is_visible():
        page.locator(f'#more-outcomes button[name="open"][value="{code}"]').click()


def fill_outcome(page: Page, code: str, *, words: str, status: str | None = None) -> None:
    open_outcome(page, code)
    outcome = page.locator(f"#outcome-{code}")
    outcome.get_by_label("This matters to the person now").check()
    outcome.get_by_label("In the person's own words").fill(words)
    if status:
        outcome.get_by_label(re.compile("Status at review|How things are now")).select_option(
            label=status
        )


def sign_off(page: Page) -> None:
    page.get_by_role("button", name="Save and sign off…").click()
    expect(page.get_by_role("heading", name=re.compile("Sign off this"))).to_be_visible()
    page.get_by_role("button", name="Sign off", exact=True).click()
    expect(page.get_by_text("Signed off", exact=True).first).to_be_visible()


def test_practitioner_records_assessment_support_plan_and_review_for_a_user(page, demo_site):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    open_person(page, demo_site.url, "N-0001")

    start(page, type_label="Assessment", date="2026-04-07")
    fill_outcome(page, "seeing_people", words="I miss the lunch club since the bus stopped.")
    fill_outcome(page, "feeling_safe", words="I worry about falling at night.")
    page.locator("#outcome-seeing_people summary", has_text="What is helping").click()
    page.locator("#outcome-seeing_people").get_by_label("Transport, or getting there").check()
    sign_off(page)

    open_person(page, demo_site.url, "N-0001")
    start(page, type_label="Support plan", date="2026-04-21")
    seeing = page.locator("#outcome-seeing_people")
    expect(seeing.get_by_label("This matters to the person now")).to_be_checked()
    expect(seeing.get_by_label("Last time: Seeing people")).to_contain_text("lunch club")
    seeing.get_by_label("Action 1: what").fill("Book the community transport on Tuesdays")
    seeing.get_by_label("Who").select_option(label="Services")
    sign_off(page)

    open_person(page, demo_site.url, "N-0001")
    start(page, type_label="Review", date="2026-08-04")
    seeing = page.locator("#outcome-seeing_people")
    expect(seeing.get_by_label("Last time: Seeing people")).to_contain_text(
        "Book the community transport"
    )
    fill_outcome(page, "seeing_people", words="Back at the club every Tuesday.", status="Achieved")
    fill_outcome(page, "feeling_safe", words="The pendant alarm helps.", status="Partly achieved")
    page.get_by_role("group", name=re.compile("feel safe", re.I)).get_by_label("Yes").check()
    sign_off(page)

    person = Person.objects.get(ref="N-0001", partnership__code="LOCHARD")
    conversations = list(person.conversations.order_by("date_held"))
    assert [c.type for c in conversations] == ["assessment", "support_plan", "review"]
    assert all(c.is_completed for c in conversations)
    review = conversations[-1]
    assert review.outcome_records.get(outcome__code="seeing_people").status == "achieved"
    assert review.measure_answers.get(measure__code="NM1").answer == "yes"
    assert (
        conversations[1].outcome_records.get(outcome__code="seeing_people").actions.get().owner
        == "services"
    )


def test_practitioner_records_a_review_for_a_carer(page, demo_site):
    carer = Person.objects.filter(is_carer=True, cares_for__teams__code="LOCHARD-N").first()
    cared_for = carer.cares_for.first()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    open_person(page, demo_site.url, carer.ref)

    start(
        page,
        type_label="Review",
        date="2026-06-02",
        role_label="Unpaid carer",
        team="Carer Support",
    )
    expect(page.get_by_label("Cared-for person")).to_contain_text(cared_for.ref)
    fill_outcome(
        page,
        "life_of_their_own",
        words="I get one afternoon a week to myself.",
        status="Partly achieved",
    )
    sign_off(page)

    conversation = Conversation.objects.get(subject=carer)
    assert conversation.subject_role == "carer" and conversation.is_completed
    assert conversation.framework_version.framework.code == "carers"
    page.get_by_role("link", name=cared_for.ref).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cared_for.ref)
    expect(page.get_by_role("link", name=carer.ref).first).to_be_visible()


def test_autosave_keeps_every_word_when_the_tab_is_closed(context, demo_site):
    page = context.new_page()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    open_person(page, demo_site.url, "N-0002")
    start(page, type_label="Assessment", date="2026-05-05")
    record_url = page.url
    words = "My daughter visits on Sundays but the weekdays are long and quiet."
    open_outcome(page, "seeing_people")

    page.locator("#outcome-seeing_people").get_by_label("In the person's own words").fill(words)
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved", timeout=10_000)
    page.close()

    reopened = context.new_page()
    reopened.goto(record_url)
    expect(
        reopened.locator("#outcome-seeing_people").get_by_label("In the person's own words")
    ).to_have_value(words)
    assert (
        OutcomeRecord.objects.get(
            conversation__subject__ref="N-0002", outcome__code="seeing_people"
        ).words
        == words
    )


def test_a_conflict_is_shown_not_lost(browser, browser_context_args, page, demo_site):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    open_person(page, demo_site.url, "N-0003")
    start(page, type_label="Assessment", date="2026-05-06")
    record_url = page.url

    leader_context = browser.new_context(**browser_context_args)
    leader = leader_context.new_page()
    log_in(leader, demo_site.url, "teamleader", DEMO_PASSWORD)
    leader.goto(record_url)
    open_outcome(leader, "feeling_safe")
    leader.locator("#outcome-feeling_safe").get_by_label("In the person's own words").fill(
        "Leader's note: door entry system fitted."
    )
    expect(leader.locator("#autosave-status")).to_contain_text("All changes saved", timeout=10_000)

    open_outcome(page, "feeling_safe")
    page.locator("#outcome-feeling_safe").get_by_label("In the person's own words").fill(
        "Practitioner's note: worried about callers."
    )
    expect(page.locator("#autosave-alert")).to_contain_text(
        "saved this conversation", timeout=10_000
    )
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", name=re.compile("Someone else saved"))).to_be_visible()
    table = page.get_by_role("table", name=re.compile("differ"))
    expect(table).to_contain_text("Leader's note: door entry system fitted.")
    expect(table).to_contain_text("Practitioner's note: worried about callers.")
    assert (
        OutcomeRecord.objects.get(
            conversation__subject__ref="N-0003", outcome__code="feeling_safe"
        ).words
        == "Leader's note: door entry system fitted."
    )

    page.get_by_role("button", name="Save my version over theirs").click()
    expect(
        page.locator("#outcome-feeling_safe").get_by_label("In the person's own words")
    ).to_have_value("Practitioner's note: worried about callers.")
    leader_context.close()


def test_team_leader_reopens_with_a_reason_and_the_history_shows_it(
    browser, browser_context_args, page, demo_site
):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    open_person(page, demo_site.url, "N-0004")
    start(page, type_label="Review", date="2026-06-10")
    fill_outcome(page, "feeling_safe", words="Much better since the handrails.", status="Achieved")
    sign_off(page)
    conversation_url = page.url
    expect(page.get_by_role("link", name="Reopen…")).to_have_count(0)

    leader_context = browser.new_context(**browser_context_args)
    leader = leader_context.new_page()
    log_in(leader, demo_site.url, "teamleader", DEMO_PASSWORD)
    leader.goto(conversation_url)
    leader.get_by_role("link", name="Reopen…").click()
    leader.get_by_label("Why are you reopening this conversation?").fill(
        "The person rang: they meant partly achieved."
    )
    leader.get_by_role("button", name="Reopen").click()
    leader.locator("#outcome-feeling_safe").get_by_label("Status at review").select_option(
        label="Partly achieved"
    )
    leader.get_by_role("button", name="Save draft").click()
    expect(leader.get_by_text("Saved.")).to_be_visible()
    leader.get_by_role("link", name="History").click()

    expect(leader.get_by_text("The person rang: they meant partly achieved.").first).to_be_visible()
    expect(leader.get_by_text("After sign-off").first).to_be_visible()
    expect(leader.get_by_role("table").first).to_contain_text("Partly achieved")
    leader_context.close()


@pytest.fixture(autouse=True)
def _longer_timeouts(page):
    page.set_default_timeout(10_000)


def test_switching_role_offers_that_role_s_newest_framework(page, demo_site):
    carer = Person.objects.filter(is_carer=True).first()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(f"{demo_site.url}/people/{carer.pk}/conversations/new/")
    framework = page.get_by_label("Outcomes framework")
    expect(framework.locator("option:checked")).to_have_text(re.compile("unpaid carers \\(2013\\)"))

    page.get_by_label("Person who uses services", exact=True).check()

    expect(framework.locator("option:checked")).to_have_text(
        re.compile("people who use services \\(2012\\)")
    )
